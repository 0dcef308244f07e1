"""Subprocess for the kill -9 test: opens (or creates) an exchange and applies
transactions forever, printing ``ACK <seq> <root>`` after each acknowledged one.

Usage: python crash_worker.py DB SEED
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.host.exchange.helpers import BTC_PRICE, LOT, key, make_exchange, order  # noqa: E402
from zkel.host.exchange import Exchange, OraclePrice, Side, sign_message  # noqa: E402
from zkel.host.exchange.errors import ExchangeError  # noqa: E402

USERS = 4


def main(db: str, seed: int) -> None:
    if Path(db).exists():
        ex = Exchange.open(db)
    else:
        ex, _ = make_exchange(db, users=USERS, deposit=50_000)
        print(f"ACK {ex.seq - 1} {ex.root}", flush=True)
    rng = random.Random(seed * 1_000_003 + ex.seq)
    users = list(range(2, 2 + USERS))
    while True:
        roll = rng.random()
        a, b = rng.sample(users, 2)
        try:
            if roll < 0.3:
                r = ex.deposit(a, rng.randint(1, 10**6))
            elif roll < 0.8:
                size = rng.randint(1, 50) * LOT
                price = BTC_PRICE + rng.randint(-20, 20) * 100_000
                side = rng.choice((Side.BUY, Side.SELL))
                r = ex.submit_order(order(ex, a, side, price, size))
            else:
                m = ex.markets[0]
                price = BTC_PRICE + rng.randint(-50, 50) * 100_000
                msg = OraclePrice(0, price, m.oracle_time + 1)
                r = ex.update_oracle(msg, sign_message(key(0), msg))
        except ExchangeError:
            continue
        print(f"ACK {r.seqs[-1]} {r.root}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
