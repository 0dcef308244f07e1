"""The accelerator driver: one driver class over a ``Bus`` (simulated or a board)."""
