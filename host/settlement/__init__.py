"""Settlement: the Groth16 verifier and rollup contracts (Vyper) and the chains they run on.

- :func:`verifier_source` → a Vyper Groth16 verifier for any verification key
- :class:`ProofCalldata` → ``verifyProof`` arguments from ``proof.json``/``public.json``
- :class:`EmbeddedChain` (py-evm in-process) and :class:`RpcChain` (any JSON-RPC node)
- :class:`Rollup` → deploy the verifier and rollup, deposit, submit batches, withdraw
"""
