"""Transport retries, kept apart from instructor's validation re-asks.

Only faults of the *transport* are retried here: connection errors,
timeouts, HTTP 5xx and 429 (honouring `Retry-After`). A 4xx other than 429
is the request's fault and fails at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

T = TypeVar("T")

MAX_RETRY_AFTER_S = 120.0
_backoff = wait_exponential_jitter(initial=1.0, max=30.0, jitter=1.0)


def is_transport_fault(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The server's `Retry-After` (seconds form), if it sent one."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    value = exc.response.headers.get("retry-after")
    try:
        return min(float(value), MAX_RETRY_AFTER_S) if value is not None else None
    except ValueError:
        return None


def wait_for(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    told = retry_after_seconds(exc)
    return told if told is not None else float(_backoff(state))


def call_with_retries(
    fn: Callable[[], T],
    attempts: int,
    wait: Callable[[RetryCallState], float] = wait_for,
    on_retry: Callable[[RetryCallState], Any] | None = None,
) -> T:
    retrying = Retrying(
        retry=retry_if_exception(is_transport_fault),
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait,
        reraise=True,
        before_sleep=on_retry,
    )
    return retrying(fn)
