"""Invariants under random operation sequences (hypothesis stateful, derandomized):
conservation, net-zero positions, margin after fills, no healthy account liquidated,
nobody below maintenance after a price move, rejections change nothing, and the
stored root equals the root recomputed from the leaves."""

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.host.exchange.helpers import key, make_exchange, order, state, user_key
from zkel.host.exchange import Cancel, OraclePrice, Side, Transfer, Withdrawal, sign_message
from zkel.host.exchange.errors import ExchangeError
from zkel.host.exchange.invariants import InvariantChecker, InvariantViolation
from zkel.host.exchange.orders import sign
from zkel.host.exchange.scales import QUOTE_SCALE
from zkel.host.state import verify_store

USERS = 5
RECIPIENT = 0x5B38DA6A701C568545DCFCB03FCB875F56BEDDC4


class ExchangeMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.ex, self.users = make_exchange(users=USERS, deposit=2_000, insurance=500)
        self.checker = InvariantChecker(self.ex)
        self.t = 0

    def _do(self, fn):
        before = state(self.ex)
        try:
            result = fn()
        except ExchangeError:
            assert state(self.ex) == before, "a rejection changed the state"
            return None
        self.checker.check()
        return result

    @rule(
        u=st.integers(0, USERS - 1),
        m=st.integers(0, 1),
        buy=st.booleans(),
        off=st.integers(-5, 5),
        lots=st.integers(1, 60),
    )
    def place(self, u, m, buy, off, lots):
        ex = self.ex
        market = ex.markets[m]
        step = market.tick_size * (100 if m == 0 else 10)
        price = max(market.tick_size, market.oracle_price + off * step)
        size = lots * market.lot_size * (10 if m == 0 else 1)
        side = Side.BUY if buy else Side.SELL
        self._do(
            lambda: ex.submit_order(
                order(ex, self.users[u], side, price, size, market=m, expiry=ex.now + 50)
            )
        )

    @rule(
        u=st.integers(0, USERS - 1),
        v=st.integers(1, USERS - 1),
        m=st.integers(0, 1),
        buy=st.booleans(),
        lots=st.integers(1, 20),
    )
    def trade(self, u, v, m, buy, lots):
        """A resting order at the oracle price and a crossing order from another account."""
        ex = self.ex
        market = ex.markets[m]
        maker, taker = self.users[u], self.users[(u + v) % USERS]
        size = lots * market.lot_size * (10 if m == 0 else 1)
        side = Side.BUY if buy else Side.SELL
        other = Side.SELL if buy else Side.BUY
        self._do(
            lambda: ex.submit_order(
                order(ex, maker, side, market.oracle_price, size, market=m, expiry=ex.now + 50)
            )
        )
        self._do(
            lambda: ex.submit_order(
                order(ex, taker, other, market.oracle_price, size, market=m, expiry=ex.now + 50)
            )
        )

    @rule(u=st.integers(0, USERS - 1))
    def cancel(self, u):
        a = self.users[u]
        hashes = sorted(self.ex.orders_of.get(a, ())) or [12345]
        c = Cancel(a, hashes[0], self.ex.account(a).nonce)
        self._do(lambda: self.ex.cancel_order(c, sign(user_key(self.ex, a), c.hash())))

    @rule(m=st.integers(0, 1), pct=st.integers(-25, 15))
    def oracle(self, m, pct):
        market = self.ex.markets[m]
        price = market.oracle_price * (100 + pct) // 100 // market.tick_size * market.tick_size
        self.t += 1
        msg = OraclePrice(m, max(price, market.tick_size), self.t)
        self._do(lambda: self.ex.update_oracle(msg, sign_message(key(0), msg)))

    @rule()
    def funding(self):
        self._do(self.ex.tick_funding)

    @rule(dt=st.integers(0, 30))
    def time(self, dt):
        self._do(lambda: self.ex.advance_time(self.ex.now + dt))

    @rule(u=st.integers(0, USERS - 1), amount=st.integers(1, 3_000), to=st.integers(0, 2**160 - 1))
    def withdraw(self, u, amount, to):
        a = self.users[u]
        w = Withdrawal(a, amount * QUOTE_SCALE, self.ex.account(a).nonce, to)
        self._do(lambda: self.ex.withdraw(w, sign_message(user_key(self.ex, a), w)))

    @rule(u=st.integers(0, USERS - 1), v=st.integers(0, USERS - 1), amount=st.integers(1, 500))
    def transfer(self, u, v, amount):
        a, b = self.users[u], self.users[v]
        if a == b:
            return
        t = Transfer(a, b, amount * QUOTE_SCALE, self.ex.account(a).nonce)
        self._do(lambda: self.ex.transfer(t, sign_message(user_key(self.ex, a), t)))

    @rule(u=st.integers(0, USERS - 1), amount=st.integers(1, 1_000))
    def deposit(self, u, amount):
        self._do(lambda: self.ex.deposit(self.users[u], amount * QUOTE_SCALE))

    @rule(u=st.integers(0, USERS - 1))
    def replay(self, u):
        a = self.users[u]
        nonce = self.ex.account(a).nonce
        if nonce:
            w = Withdrawal(a, 1, nonce - 1, RECIPIENT)
            self._do(lambda: self.ex.withdraw(w, sign_message(user_key(self.ex, a), w)))

    @invariant()
    def root_matches_leaves(self):
        if self.checker.steps % 10 == 0:
            assert verify_store(self.ex.store).ok

    def teardown(self):
        assert verify_store(self.ex.store).ok
        self.ex.close()


ExchangeMachine.TestCase.settings = settings(
    derandomize=True, max_examples=30, stateful_step_count=40, deadline=None
)
TestExchangeInvariants = ExchangeMachine.TestCase


def test_checker_catches_a_broken_conservation():
    ex, (a, _) = make_exchange(users=2)
    checker = InvariantChecker(ex)
    ex.deposit(a, 5)
    ex.recorder.records[0]["tx"]["amount"] = 4  # pretend the log said otherwise
    try:
        checker.check()
    except InvariantViolation as exc:
        assert "not conserved" in str(exc)
    else:
        raise AssertionError("the checker missed a conservation break")
