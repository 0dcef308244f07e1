"""``zkel demo``: the exchange's story end to end on embedded defaults.

- :mod:`.story`: the cast (keys, L1 addresses) and the acts the exchange plays:
  accounts, deposits through the rollup's queue, signed orders matched, a funding
  tick, an oracle crash with its liquidation sweep, withdrawals to L1.
- :mod:`.setup_cache`: Groth16 keys cached on disk by the circuit's R1CS hash.
- :mod:`.pipeline`: one batch through witness, circuit check, prover, off-chain
  verification, the snarkjs files and the rollup; withdrawals claimed.
- :mod:`.run`: the whole run (setup, genesis, deployment, acts, batches) and its
  summary (:class:`~zkel.host.demo.run.DemoSummary`).

The CLI (``zkel.host.cli.demo``) only parses options and draws progress and tables.
"""
