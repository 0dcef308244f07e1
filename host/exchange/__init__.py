"""The perpetual-futures exchange engine: markets, accounts, signed orders, an order
book, margin, funding, liquidation, durable state and batches for the prover.

All amounts are integers (see :mod:`zkel.host.exchange.scales` for the units).
Example (runs as a doctest)::

    >>> from zkel.circuits.eddsa import PrivateKey
    >>> from zkel.host.exchange import (Exchange, Market, Order, OraclePrice, Side,
    ...     Withdrawal, sign_message, sign_order)
    >>> oracle, operator, alice, bob = (PrivateKey(bytes([i]) * 32) for i in range(1, 5))
    >>> btc = Market(0, "BTC-USD", tick_size=100_000, lot_size=100_000,
    ...              initial_margin_ppm=100_000, maintenance_margin_ppm=50_000,
    ...              oracle_price=30_000_000_000)          # 30,000 USD, in quote atoms
    >>> ex = Exchange.open(":memory:", markets=[btc], oracle_pubkey=oracle.public_key(),
    ...                    operator_pubkey=operator.public_key())
    >>> a = ex.create_account(alice.public_key()); b = ex.create_account(bob.public_key())
    >>> _ = ex.deposit(a, 10_000_000_000); _ = ex.deposit(b, 10_000_000_000)   # 10,000 USD
    >>> sell = Order(b, 0, Side.SELL, price=30_000_000_000, size=10_000_000, expiry=60, nonce=0)
    >>> ex.submit_order(sign_order(bob, sell)).resting                   # 0.1 BTC rests
    10000000
    >>> buy = Order(a, 0, Side.BUY, price=30_100_000_000, size=10_000_000, expiry=60, nonce=0)
    >>> [(f.price, f.size) for f in ex.submit_order(sign_order(alice, buy)).fills]
    [(30000000000, 10000000)]
    >>> ex.account(a).positions[0].size, ex.account(b).positions[0].size
    (10000000, -10000000)
    >>> tick = OraclePrice(0, price=29_000_000_000, timestamp=1)
    >>> len(ex.update_oracle(tick, sign_message(oracle, tick)).liquidations)  # both healthy
    0
    >>> w = Withdrawal(a, amount=1_000_000_000, nonce=1,             # 1,000 USD to an L1
    ...                recipient=0x5B38Da6a701c568545dCfcB03FcB875f56beddC4)  # address
    >>> _ = ex.withdraw(w, sign_message(alice, w))
    >>> batch = ex.cut_batch(max_txs=16)                   # for a circuit of 16 slots
    >>> batch.old_root == ex.root, batch.new_root == ex.root, len(batch.txs)
    (False, True, 12)
    >>> [r["kind"] for r in batch.txs[7:10]]  # one per circuit slot: the rest, the cross, the fill
    ['order', 'order', 'fill']
    >>> [slot.TYPE for slot in batch.slots]  # 1 deposit, 2 withdrawal, 3 oracle, 0 private
    [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 3, 2]
    >>> len(batch.public_data_bytes()) == 8 + 33 * 16, batch.public_inputs[2] == batch.commitment
    (True, True)
"""

from zkel.host.exchange.account import (
    FEE_ACCOUNT,
    INSURANCE_FUND,
    ORDER_SLOTS,
    Account,
    OrderSlot,
    Position,
)
from zkel.host.exchange.engine import Exchange
from zkel.host.exchange.errors import ExchangeError
from zkel.host.exchange.market import Market
from zkel.host.exchange.orders import Cancel, Order, Side, SignedOrder, sign_cancel, sign_order
from zkel.host.exchange.sequencer import Batch, Sequencer
from zkel.host.exchange.txs import OraclePrice, Transfer, Withdrawal, sign_message

__all__ = [
    "FEE_ACCOUNT",
    "INSURANCE_FUND",
    "ORDER_SLOTS",
    "Account",
    "Batch",
    "Cancel",
    "Exchange",
    "ExchangeError",
    "Market",
    "OraclePrice",
    "Order",
    "OrderSlot",
    "Position",
    "Sequencer",
    "Side",
    "SignedOrder",
    "Transfer",
    "Withdrawal",
    "sign_cancel",
    "sign_message",
    "sign_order",
]
