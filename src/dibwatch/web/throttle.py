"""Login attempt limits: per user name and per client address, with doubling lockouts.

A password check costs ~20 ms of CPU and 19 MiB (Argon2id): a flood of guesses must not
buy more of them than the limits allow, and a guesser must not get 300 tries at one account.
After ``user_failures`` wrong passwords for a name, or ``client_failures`` from one
address, that name or address is locked for ``base_lockout`` seconds; each further lockout
doubles, up to ``max_lockout``. While locked, attempts are refused before any password is
checked (even a right one), and are counted, not audited one by one: the audit log gets one
row per failure up to the limit and one row per lockout (with the count refused before it).
A success clears the user name's count (never the address's: one valid account must not
reset a guesser's count). Counters live in memory, bounded (``max_keys``); a restart clears
them.

Plain Python over a clock: no web framework here.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Counter:
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    refused: int = 0  # attempts refused while locked, not yet reported
    last: float = 0.0


@dataclass(frozen=True)
class Lockout:
    """A lockout that starts now: what the audit log records."""

    kind: str  # "user" or "client"
    key: str
    seconds: float
    lockouts: int  # the how-many-th lockout of this key
    refused_before: int  # attempts refused during the previous lockout

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "key": self.key, "seconds": self.seconds,
                "lockout": self.lockouts, "refused_during_previous": self.refused_before}


class LoginThrottle:
    def __init__(self, *, user_failures: int = 5, client_failures: int = 20,
                 base_lockout: float = 30.0, max_lockout: float = 3600.0,
                 window: float = 900.0, max_keys: int = 20_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = {"user": user_failures, "client": client_failures}
        self.base_lockout = base_lockout
        self.max_lockout = max_lockout
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._counters: OrderedDict[tuple[str, str], _Counter] = OrderedDict()
        self._lock = threading.Lock()

    def _get(self, kind: str, key: str, now: float) -> _Counter:
        counter = self._counters.get((kind, key))
        if counter is None:
            counter = _Counter(last=now)
            self._counters[(kind, key)] = counter
            self._prune(now)
        else:
            self._counters.move_to_end((kind, key))
            if now - counter.last > self.window and counter.locked_until <= now:
                counter.failures = 0  # a quiet spell forgives the count, not the lockouts
                if now - counter.last > 2 * self.max_lockout:
                    counter.lockouts = 0
        return counter

    def _prune(self, now: float) -> None:
        while len(self._counters) > self.max_keys:
            # Oldest first; a key still locked is kept unless all are (then the oldest goes).
            for k, c in self._counters.items():
                if c.locked_until <= now:
                    del self._counters[k]
                    break
            else:
                self._counters.popitem(last=False)

    def retry_after(self, user: str, client: str) -> float:
        """Seconds until ``user`` from ``client`` may try (0: now). A refused attempt is
        counted against the lockout in force."""
        now = self.clock()
        with self._lock:
            wait = 0.0
            for kind, key in (("user", user), ("client", client)):
                counter = self._counters.get((kind, key))
                if counter is not None and counter.locked_until > now:
                    counter.refused += 1
                    wait = max(wait, counter.locked_until - now)
            return wait

    def failed(self, user: str, client: str) -> list[Lockout]:
        """A wrong password: count it; returns the lockouts it starts."""
        now = self.clock()
        started = []
        with self._lock:
            for kind, key in (("user", user), ("client", client)):
                counter = self._get(kind, key, now)
                counter.failures += 1
                counter.last = now
                if counter.failures >= self.limits[kind]:
                    counter.lockouts += 1
                    seconds = min(self.base_lockout * 2 ** (counter.lockouts - 1),
                                  self.max_lockout)
                    counter.locked_until = now + seconds
                    # After the lockout, one more wrong password locks again (doubled).
                    counter.failures = self.limits[kind] - 1
                    started.append(Lockout(kind, key, seconds, counter.lockouts,
                                           counter.refused))
                    counter.refused = 0
        return started

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._counters.pop(("user", user), None)


class CheckBudget:
    """Paces password checks: at most ``rate`` per second over time, ``burst`` back to back
    after a quiet spell (a token bucket that hands out reservations). Bounding the checks
    running at once is not enough: one check after another still keeps a core busy for as
    long as a flood lasts, and the first seconds of a flood, before any lockout, decided the
    API's worst latencies. A caller waits its turn (the callers waiting are bounded
    elsewhere). Only the event loop calls it: no lock."""

    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a check budget needs rate > 0 and burst >= 1, "
                             f"got rate={rate}, burst={burst}")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._tokens = float(burst)
        self._at = clock()

    def reserve(self) -> float:
        """Reserve the next check: the seconds to wait before running it (0: now)."""
        now = self.clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now
        self._tokens -= 1.0
        return max(0.0, -self._tokens / self.rate)
