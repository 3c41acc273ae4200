"""Client-side rate limits: requests per second and tokens per minute (token buckets).

A 429 pauses every worker of the client until the server's `Retry-After`,
so a batch slows down as a whole instead of each thread hammering the
server in turn. Thread-safe; `clock` and `sleep` are injectable for tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    rate_per_s: float
    capacity: float
    level: float = field(init=False)
    stamp: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.level = self.capacity

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate_per_s)
        self.stamp = now

    def wait_for(self, amount: float) -> float:
        """Seconds until `amount` is available (0 if it is)."""
        return max(0.0, (min(amount, self.capacity) - self.level) / self.rate_per_s)


class RateLimiter:
    def __init__(
        self,
        rps: float | None = None,
        tpm: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._paused_until = 0.0
        now = clock()
        self._buckets: list[tuple[_Bucket, bool]] = []  # (bucket, counts tokens rather than requests)
        if rps:
            self._buckets.append((_Bucket(rps, max(1.0, rps)), False))
        if tpm:
            self._buckets.append((_Bucket(tpm / 60.0, tpm), True))
        for bucket, _ in self._buckets:
            bucket.stamp = now

    def acquire(self, tokens: int) -> None:
        """Block until one request of about `tokens` tokens may be sent."""
        while True:
            with self._lock:
                now = self._clock()
                delay = self._paused_until - now
                if delay <= 0:
                    for bucket, _ in self._buckets:
                        bucket.refill(now)
                    delay = max((b.wait_for(tokens if by_tokens else 1) for b, by_tokens in self._buckets), default=0)
                    if delay <= 0:
                        for bucket, by_tokens in self._buckets:
                            bucket.level -= min(tokens, bucket.capacity) if by_tokens else 1
                        return
            self._sleep(delay)

    def pause(self, seconds: float) -> None:
        """The server said 429: nobody sends for `seconds`."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
