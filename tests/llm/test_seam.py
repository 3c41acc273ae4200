from __future__ import annotations

import json
from collections.abc import Callable

import openai
import pytest

from extractor.errors import LLMError, TransportError
from extractor.llm.cache import ResponseCache
from extractor.llm.seam import LLMClient, complete
from extractor.prompts import load_prompt
from extractor.requests import LLMRequest, Target, build_request
from extractor.validation import QuoteCheckedStatements
from schemas import MeetingList, StatementKind
from tests.conftest import FakeServer

ARTICLE = "Wang told Blinken: “the great ship has stabilised”. Blinken said diplomacy is needed."
MEETING_JSON = json.dumps(
    {"meetings": [{"participants": [{"name": "Wang Yi"}, {"name": "Antony Blinken"}], "status": "held",
                   "evidence": ["Wang told Blinken"]}]}
)  # fmt: skip


def _statements(kind: str, text: str) -> str:
    return json.dumps({"statements": [{"speaker": "Wang", "text": text, "kind": kind, "evidence": [ARTICLE]}]})


def _request(name: str, model: type, target: Target | None = None) -> LLMRequest:
    target = target or Target(model="fake-model", endpoint="fake", mode="llama_cpp")
    return build_request(load_prompt(name), model, title="T", text=ARTICLE, published=None, target=target)


def test_llama_cpp_backend_sends_schema_in_response_format(
    make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    fake_server.answer(MEETING_JSON)
    result = complete(_request("meetings", MeetingList), make_client())
    sent = fake_server.requests[0]
    assert sent["response_format"]["type"] == "json_object"
    assert sent["response_format"]["schema"] == MeetingList.model_json_schema()
    assert sent["temperature"] == 0.0 and sent["seed"] == 7
    assert result.parsed.meetings[0].participants[1].name == "Antony Blinken"  # type: ignore[attr-defined]
    assert (result.usage.calls, result.usage.prompt_tokens, result.cache_hit) == (1, 10, False)


def test_invalid_quote_is_reasked_with_the_error(
    make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    fake_server.answer(_statements("quote", "diplomacy is needed"))  # not inside quotation marks
    fake_server.answer(_statements("quote", "the great ship has stabilised"))
    result = complete(_request("statements", QuoteCheckedStatements), make_client())
    reask = fake_server.requests[1]["messages"]
    assert "not words inside quotation marks" in json.dumps(reask)
    assert result.parsed.statements[0].text == "the great ship has stabilised"  # type: ignore[attr-defined]
    assert result.usage.calls == 2 and result.usage.prompt_tokens == 20  # both attempts counted


def test_quote_still_invalid_after_reasks_is_kept_for_demotion(
    make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    for _ in range(2):
        fake_server.answer(_statements("quote", "diplomacy is needed"))
    result = complete(_request("statements", QuoteCheckedStatements), make_client(max_reasks=1))
    assert result.parsed.statements[0].kind is StatementKind.quote  # type: ignore[attr-defined]
    assert len(fake_server.requests) == 2


def test_schema_invalid_answer_fails_after_bounded_reasks(
    make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    for _ in range(2):
        fake_server.answer('{"meetings": [{"participants": "nobody"}]}')
    with pytest.raises(LLMError, match="no valid answer after 2 attempt"):
        complete(_request("meetings", MeetingList), make_client(max_reasks=1))


def test_transport_faults_are_retried_then_succeed(
    make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    fake_server.fail_connection()
    fake_server.answer({"error": {"message": "busy"}}, status=503)
    fake_server.answer(MEETING_JSON)
    client = make_client()
    client.answered = True  # it answered before: a refused connection now is a restart, worth waiting for
    result = complete(_request("meetings", MeetingList), client)
    assert len(fake_server.requests) == 3
    assert result.usage.calls == 1  # failed attempts carry no tokens


def test_refused_before_any_answer_fails_at_once(
    make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    fake_server.fail_connection()
    with pytest.raises(TransportError, match="connection refused; is the server running"):
        complete(_request("meetings", MeetingList), make_client())
    assert len(fake_server.requests) == 1


def test_client_error_is_not_retried(make_client: Callable[..., LLMClient], fake_server: FakeServer) -> None:
    fake_server.answer({"error": {"message": "bad request"}}, status=400)
    with pytest.raises(TransportError, match="HTTP 400"):
        complete(_request("meetings", MeetingList), make_client())
    assert len(fake_server.requests) == 1


def test_transport_gives_up_with_a_reason(make_client: Callable[..., LLMClient], fake_server: FakeServer) -> None:
    for _ in range(3):
        fake_server.fail_connection()
    client = make_client()
    client.answered = True
    with pytest.raises(TransportError, match="cannot reach fake"):
        complete(_request("meetings", MeetingList), client)


def test_second_call_is_served_from_cache(
    make_client: Callable[..., LLMClient], fake_server: FakeServer, cache: ResponseCache
) -> None:
    fake_server.answer(MEETING_JSON)
    client = make_client(cache=cache)
    first = complete(_request("meetings", MeetingList), client)
    second = complete(_request("meetings", MeetingList), client)
    assert len(fake_server.requests) == 1
    assert second.cache_hit and second.usage.cache_hits == 1 and second.usage.prompt_tokens == 0
    assert second.parsed.model_dump() == first.parsed.model_dump()


def test_openai_backend_uses_tool_calls(make_client: Callable[..., LLMClient], fake_server: FakeServer) -> None:
    call = {"id": "c", "type": "function", "function": {"name": "MeetingList", "arguments": MEETING_JSON}}
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    tool_answer = {
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }  # fmt: skip
    fake_server.answer(tool_answer)
    complete(_request("meetings", MeetingList), make_client(backend="openai"))
    sent = fake_server.requests[0]
    assert sent["tools"][0]["function"]["name"] == "MeetingList"
    assert "response_format" not in sent


def test_a_failed_call_still_reports_the_tokens_it_spent(
    make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    for _ in range(2):
        fake_server.answer('{"meetings": [{"participants": "nobody"}]}')
    with pytest.raises(LLMError) as caught:
        complete(_request("meetings", MeetingList), make_client(max_reasks=1))
    assert (caught.value.usage.calls, caught.value.usage.prompt_tokens) == (2, 20)


def test_a_failed_start_up_is_reported_as_itself_and_not_retried_per_article() -> None:
    from extractor.errors import ConfigError
    from extractor.llm.backends import get_backend

    calls = []

    def broken() -> openai.OpenAI:
        calls.append(1)
        raise ConfigError("the embedded model needs the local extra")

    client = LLMClient(connect=broken, backend=get_backend("llama_cpp"), model="m", endpoint="e")
    for _ in range(2):
        with pytest.raises(ConfigError, match="local extra"):
            complete(_request("meetings", MeetingList), client)
    assert calls == [1]
