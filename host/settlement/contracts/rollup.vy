# pragma version ~=0.4.3
"""
@title zkel rollup: the state-root ledger of the private perpetuals exchange
@notice Holds the exchange's state root (a Poseidon sparse-Merkle root, a BN254 Fr
        element) and moves money across the settlement layer. A batch is accepted
        only with a Groth16 proof for the public inputs
        (old_root, new_root, pubdata_commitment), checked by the verifier contract.
        Public data: batch_number u64, then N_SLOTS slots of 33 bytes
        (type u8 | index u32 | value u64 | extra 20 bytes), big-endian; types
        0 private/no-op, 1 deposit, 2 withdrawal (extra = L1 recipient),
        3 oracle price (extra = timestamp). The commitment is sha256(pubdata) with
        its top 3 bits cleared. Amounts are quote atoms (u64); one atom is ATOM_WEI
        wei on this chain.
@dev Withdrawals: an accepted batch stores ONE word for all its withdrawals,
        withdrawals_hash[batch] = h_k with h_0 = 0, h_i = keccak256(h_{i-1} ++ w_i)
        over its withdrawal slots in slot order, w_i = bytes 1..32 of the slot
        (account u32 | amount u64 | recipient 20 bytes) as a uint256. Anyone may then
        claim(batch, [w_1..w_k], position): the list must hash to the stored word,
        and withdrawal `position` (0-based, among the batch's withdrawals) is paid
        to its recipient once (a bit per position in claimed[batch]). So a batch
        writes the same storage however many withdrawals it carries.
"""

interface Groth16Verifier:
    def verifyProof(
        pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[3]
    ) -> bool: view

event DepositQueued:
    queue_index: indexed(uint256)
    account: indexed(uint256)
    amount: uint256  # quote atoms

event WithdrawalRecorded:
    batch_number: indexed(uint256)
    recipient: indexed(address)
    position: uint256  # among the batch's withdrawals, 0-based
    word: uint256  # account u32 | amount u64 | recipient 160 bits
    amount_wei: uint256

event BatchSubmitted:
    batch_number: indexed(uint256)
    old_root: uint256
    new_root: uint256
    commitment: uint256
    deposits_consumed: uint256
    withdrawals: uint256

event WithdrawalClaimed:
    batch_number: indexed(uint256)
    recipient: indexed(address)
    position: uint256
    amount_wei: uint256

R: constant(uint256) = 21888242871839275222246405745257275088548364400416034343698204186575808495617
MAX_SLOTS: constant(uint256) = 64
HEADER_BYTES: constant(uint256) = 8
SLOT_BYTES: constant(uint256) = 33
MAX_PUBDATA: constant(uint256) = HEADER_BYTES + SLOT_BYTES * MAX_SLOTS
SLOT_DEPOSIT: constant(uint256) = 1
SLOT_WITHDRAWAL: constant(uint256) = 2
SLOT_ORACLE: constant(uint256) = 3
U64_MASK: constant(uint256) = 2**64 - 1
U160_MASK: constant(uint256) = 2**160 - 1
COMMITMENT_MASK: constant(uint256) = 2**253 - 1

VERIFIER: public(immutable(address))
N_SLOTS: public(immutable(uint256))
ATOM_WEI: public(immutable(uint256))

state_root: public(uint256)
batch_number: public(uint256)
# deposit queue: entry i = account << 64 | amount (atoms), as slot bytes 1..12 read it
deposit_queue: public(HashMap[uint256, uint256])
deposit_head: public(uint256)  # first entry not yet consumed by a batch
deposit_tail: public(uint256)  # next free entry
# batch number -> chained keccak of its withdrawal words (empty: the batch has none)
withdrawals_hash: public(HashMap[uint256, bytes32])
# batch number -> bit i set once withdrawal i of that batch is paid
claimed: public(HashMap[uint256, uint256])


@deploy
def __init__(verifier: address, genesis_root: uint256, n_slots: uint256, atom_wei: uint256):
    assert verifier.is_contract, "rollup: verifier has no code"
    assert genesis_root < R, "rollup: genesis root not below r"
    assert n_slots >= 1 and n_slots <= MAX_SLOTS, "rollup: n_slots must be in 1..64"
    assert atom_wei >= 1, "rollup: atom_wei must be positive"
    VERIFIER = verifier
    N_SLOTS = n_slots
    ATOM_WEI = atom_wei
    self.state_root = genesis_root


@external
@payable
def deposit(account: uint32):
    """Queue a deposit of msg.value wei (a whole positive number of atoms, < 2^64) to account."""
    assert msg.value > 0 and msg.value % ATOM_WEI == 0, "rollup: deposit not a whole positive number of atoms"
    amount: uint256 = msg.value // ATOM_WEI
    assert amount <= U64_MASK, "rollup: deposit exceeds 2^64 - 1 atoms"
    index: uint256 = self.deposit_tail
    self.deposit_queue[index] = (convert(account, uint256) << 64) | amount
    self.deposit_tail = index + 1
    log DepositQueued(queue_index=index, account=convert(account, uint256), amount=amount)


@external
def submit_batch(
    new_root: uint256,
    pubdata: Bytes[MAX_PUBDATA],
    pA: uint256[2],
    pB: uint256[2][2],
    pC: uint256[2],
):
    """Accept batch batch_number + 1: check its public data against the deposit queue,
    record its withdrawals (one hash), verify the proof, then store new_root.
    Reverts on any failure."""
    assert len(pubdata) == HEADER_BYTES + SLOT_BYTES * N_SLOTS, "rollup: public data length"
    assert new_root < R, "rollup: new root not below r"
    number: uint256 = convert(slice(pubdata, 0, HEADER_BYTES), uint256)
    assert number == self.batch_number + 1, "rollup: wrong batch number"

    head: uint256 = self.deposit_head
    tail: uint256 = self.deposit_tail
    chained: bytes32 = empty(bytes32)
    withdrawals: uint256 = 0
    for i: uint256 in range(N_SLOTS, bound=MAX_SLOTS):
        offset: uint256 = HEADER_BYTES + SLOT_BYTES * i
        kind: uint256 = convert(slice(pubdata, offset, 1), uint256)
        # bytes 1..32 of the slot: index u32 | value u64 | extra 20 bytes
        word: uint256 = convert(extract32(pubdata, offset + 1, output_type=bytes32), uint256)
        if kind == SLOT_DEPOSIT:
            assert head < tail, "rollup: deposit slot beyond the queue"
            assert word & U160_MASK == 0, "rollup: deposit slot with extra bytes"
            assert word >> 160 == self.deposit_queue[head], "rollup: deposit out of queue order"
            head += 1
        elif kind == SLOT_WITHDRAWAL:
            chained = keccak256(concat(chained, convert(word, bytes32)))
            log WithdrawalRecorded(
                batch_number=number,
                recipient=convert(convert(word & U160_MASK, uint160), address),
                position=withdrawals,
                word=word,
                amount_wei=((word >> 160) & U64_MASK) * ATOM_WEI,
            )
            withdrawals += 1
        else:
            assert kind <= SLOT_ORACLE, "rollup: unknown slot type"

    commitment: uint256 = convert(sha256(pubdata), uint256) & COMMITMENT_MASK
    old_root: uint256 = self.state_root
    assert staticcall Groth16Verifier(VERIFIER).verifyProof(
        pA, pB, pC, [old_root, new_root, commitment]
    ), "rollup: invalid proof"

    self.state_root = new_root
    self.batch_number = number
    consumed: uint256 = head - self.deposit_head
    if consumed > 0:
        self.deposit_head = head
    if withdrawals > 0:
        self.withdrawals_hash[number] = chained
    log BatchSubmitted(
        batch_number=number,
        old_root=old_root,
        new_root=new_root,
        commitment=commitment,
        deposits_consumed=consumed,
        withdrawals=withdrawals,
    )


@external
@nonreentrant
def claim(batch: uint256, words: DynArray[uint256, MAX_SLOTS], position: uint256):
    """Pay withdrawal `position` of accepted batch `batch` to its recipient, once.
    `words` is the batch's full withdrawal list (see the contract notice)."""
    stored: bytes32 = self.withdrawals_hash[batch]
    assert stored != empty(bytes32), "rollup: no withdrawals in that batch"
    chained: bytes32 = empty(bytes32)
    for w: uint256 in words:
        chained = keccak256(concat(chained, convert(w, bytes32)))
    assert chained == stored, "rollup: not that batch's withdrawals"
    assert position < len(words), "rollup: no such withdrawal"
    flags: uint256 = self.claimed[batch]
    bit: uint256 = 1 << position
    assert flags & bit == 0, "rollup: withdrawal already claimed"
    self.claimed[batch] = flags | bit
    word: uint256 = words[position]
    amount_wei: uint256 = ((word >> 160) & U64_MASK) * ATOM_WEI
    recipient: address = convert(convert(word & U160_MASK, uint160), address)
    raw_call(recipient, b"", value=amount_wei)
    log WithdrawalClaimed(
        batch_number=batch, recipient=recipient, position=position, amount_wei=amount_wei
    )
