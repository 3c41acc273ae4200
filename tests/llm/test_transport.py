from __future__ import annotations

import httpx2
import openai
import pytest

from extractor.llm.transport import call_with_retries, is_transport_fault, retry_after_seconds

REQUEST = httpx2.Request("POST", "http://x/v1/chat/completions")


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
        call_with_retries(flaky, attempts=3, wait=lambda state: 0.0)
    assert len(calls) == 3


def test_non_transport_error_is_not_retried() -> None:
    calls = []

    def bad() -> str:
        calls.append(1)
        raise _status(400)

    with pytest.raises(openai.BadRequestError):
        call_with_retries(bad, attempts=3, wait=lambda state: 0.0)
    assert len(calls) == 1
