"""Transport retries, kept apart from instructor's validation re-asks.

Only faults of the *transport* are retried here, each kind on its own budget:

- HTTP 429 waits as long as the server's `Retry-After` says (or backs off),
  until the waits add up to `rate_limit_wait_s`: a short storm of 429s is
  ridden out, a server that never stops refusing is not waited on forever;
- connection refused by an endpoint that has never answered fails at once
  (nothing is listening: retrying only makes the user wait);
- a timeout is retried `timeout_attempts` times (a hung server is not
  waited on five times over);
- other connection errors and 5xx are retried `attempts` times with
  exponential back-off.

A 4xx other than 429 is the request's fault and fails at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2
import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential_jitter

T = TypeVar("T")

MAX_RETRY_AFTER_S = 120.0
_backoff = wait_exponential_jitter(initial=1.0, max=30.0, jitter=1.0)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # connection errors and 5xx
    timeout_attempts: int = 2  # a request that timed out is sent once more, then given up
    rate_limit_wait_s: float = 300.0  # total seconds one call may spend waiting on 429s
    backoff: Callable[[RetryCallState], float] = _backoff


def is_transport_fault(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def is_rate_limit(exc: BaseException | None) -> bool:
    return isinstance(exc, openai.APIStatusError) and exc.status_code == 429


def is_refused(exc: BaseException | None) -> bool:
    """Nothing listens at the address (as opposed to a reset or a timeout mid-answer)."""
    if not isinstance(exc, openai.APIConnectionError) or isinstance(exc, openai.APITimeoutError):
        return False
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return True
        if isinstance(cause, httpx2.ConnectError) and "refused" in str(cause).lower():
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The server's `Retry-After` (seconds form), if it sent one."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    value = exc.response.headers.get("retry-after")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S) if value is not None else None
    except ValueError:
        return None


class _Budgets:
    """Decides, once per failed attempt, whether to try again and how long to wait first.

    tenacity asks `wait` and `stop` separately (in an order that changed between versions), so
    both read one decision made per attempt.
    """

    def __init__(self, policy: RetryPolicy, endpoint_answered: Callable[[], bool]) -> None:
        self.policy = policy
        self.endpoint_answered = endpoint_answered
        self.hard_failures = 0
        self.timeouts = 0
        self.rate_limit_waited = 0.0
        self._decided: dict[int, tuple[bool, float]] = {}

    def stop(self, state: RetryCallState) -> bool:
        return self._decide(state)[0]

    def wait(self, state: RetryCallState) -> float:
        return self._decide(state)[1]

    def _decide(self, state: RetryCallState) -> tuple[bool, float]:
        if state.attempt_number not in self._decided:
            exc = state.outcome.exception() if state.outcome else None
            self._decided[state.attempt_number] = self._judge(exc, state)
        return self._decided[state.attempt_number]

    def _judge(self, exc: BaseException | None, state: RetryCallState) -> tuple[bool, float]:
        if is_rate_limit(exc):
            told = retry_after_seconds(exc)
            wait = told if told is not None else float(self.policy.backoff(state))
            if self.rate_limit_waited + wait > self.policy.rate_limit_wait_s:
                return True, 0.0
            self.rate_limit_waited += wait
            return False, wait
        if is_refused(exc) and not self.endpoint_answered():
            return True, 0.0
        if isinstance(exc, openai.APITimeoutError):
            self.timeouts += 1
            return self.timeouts >= self.policy.timeout_attempts, 0.0
        self.hard_failures += 1
        return self.hard_failures >= self.policy.attempts, float(self.policy.backoff(state))


def call_with_retries(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    endpoint_answered: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], Any] = time.sleep,
) -> T:
    budgets = _Budgets(policy, endpoint_answered)
    retrying = Retrying(
        retry=retry_if_exception(is_transport_fault),
        stop=budgets.stop,
        wait=budgets.wait,
        reraise=True,
        sleep=sleep,
    )
    return retrying(fn)
