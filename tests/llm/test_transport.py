from __future__ import annotations

import httpx2
import openai
import pytest

from extractor.llm.transport import RetryPolicy, call_with_retries, is_refused, is_transport_fault, retry_after_seconds

REQUEST = httpx2.Request("POST", "http://x/v1/chat/completions")
NO_SLEEP = lambda seconds: None  # noqa: E731


def _status(code: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    response = httpx2.Response(code, headers=headers, request=REQUEST)
    error_class = {429: openai.RateLimitError, 500: openai.InternalServerError, 400: openai.BadRequestError}
    return error_class.get(code, openai.APIStatusError)("boom", response=response, body=None)


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        (openai.APIConnectionError(request=REQUEST), True),
        (openai.APITimeoutError(request=REQUEST), True),
        (_status(500), True),
        (_status(503), True),
        (_status(429), True),
        (_status(400), False),
        (_status(401), False),
        (ValueError("parse"), False),
    ],
)
def test_classification(exc: Exception, retried: bool) -> None:
    assert is_transport_fault(exc) is retried


def test_retry_after_is_honoured_and_capped() -> None:
    assert retry_after_seconds(_status(429, {"retry-after": "3"})) == 3.0
    assert retry_after_seconds(_status(429, {"retry-after": "9999"})) == 120.0
    assert retry_after_seconds(_status(429, {"retry-after": "soon"})) is None
    assert retry_after_seconds(_status(429)) is None


def test_call_with_retries_stops_after_attempts() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        raise openai.APIConnectionError(request=REQUEST)

    with pytest.raises(openai.APIConnectionError):
        call_with_retries(flaky, RetryPolicy(attempts=3), sleep=NO_SLEEP)
    assert len(calls) == 3


def test_non_transport_error_is_not_retried() -> None:
    calls = []

    def bad() -> str:
        calls.append(1)
        raise _status(400)

    with pytest.raises(openai.BadRequestError):
        call_with_retries(bad, RetryPolicy(attempts=3), sleep=NO_SLEEP)
    assert len(calls) == 1


class Script:
    """Raises the queued errors in order, then answers "ok"; records every sleep."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.slept: list[float] = []

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_rate_limits_have_their_own_budget_and_honour_retry_after() -> None:
    # Seven 429s would exhaust a 5-attempt budget; on their own budget they are waited out.
    script = Script(*[_status(429, {"retry-after": "2"}) for _ in range(7)])
    assert call_with_retries(script, RetryPolicy(attempts=5, rate_limit_wait_s=60), sleep=script.sleep) == "ok"
    assert script.slept == [2.0] * 7


def test_rate_limit_waiting_is_capped() -> None:
    script = Script(*[_status(429, {"retry-after": "10"}) for _ in range(10)])
    with pytest.raises(openai.RateLimitError):
        call_with_retries(script, RetryPolicy(rate_limit_wait_s=25), sleep=script.sleep)
    assert script.slept == [10.0, 10.0]  # a third wait would pass the 25 s cap


def test_refused_fails_at_once_until_the_endpoint_has_answered() -> None:
    refused = openai.APIConnectionError(request=REQUEST)
    refused.__cause__ = httpx2.ConnectError("[Errno 111] Connection refused")
    assert is_refused(refused)
    script = Script(refused)
    with pytest.raises(openai.APIConnectionError):
        call_with_retries(script, RetryPolicy(), endpoint_answered=lambda: False, sleep=script.sleep)
    assert script.calls == 1
    script = Script(refused)
    assert call_with_retries(script, RetryPolicy(), endpoint_answered=lambda: True, sleep=script.sleep) == "ok"


def test_timeouts_are_retried_once() -> None:
    script = Script(*[openai.APITimeoutError(request=REQUEST) for _ in range(3)])
    with pytest.raises(openai.APITimeoutError):
        call_with_retries(script, RetryPolicy(attempts=5, timeout_attempts=2), sleep=script.sleep)
    assert script.calls == 2
