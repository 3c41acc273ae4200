from __future__ import annotations

from extractor.llm.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_per_second_are_spaced() -> None:
    clock = Clock()
    limiter = RateLimiter(rps=2, clock=clock, sleep=clock.sleep)
    for _ in range(6):
        limiter.acquire(tokens=10)
    assert 1.9 <= clock.now <= 2.1  # a burst of 2, then one every 0.5 s


def test_tokens_per_minute_hold_back_big_requests() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=6000, clock=clock, sleep=clock.sleep)
    limiter.acquire(tokens=6000)
    limiter.acquire(tokens=3000)
    assert 29.9 <= clock.now <= 30.1  # 100 tokens/s refill


def test_a_429_pauses_every_caller() -> None:
    clock = Clock()
    limiter = RateLimiter(rps=100, clock=clock, sleep=clock.sleep)
    limiter.pause(5.0)
    limiter.acquire(tokens=1)
    assert clock.now >= 5.0
