"""The seam's failure paths on real recorded HTTP: validation re-ask, transport retry, schema self-test."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest
from instructor import Mode

from extractor.config import Settings
from extractor.corpus import load_corpus
from extractor.errors import SchemaNotEnforcedError
from extractor.llm.backends import Backend, get_backend
from extractor.llm.seam import LLMClient, complete
from extractor.llm.selftest import check_schema_enforced
from extractor.llm.transport import RetryPolicy
from extractor.prompts import load_prompt
from extractor.requests import Target, build_request
from extractor.validation import QuoteCheckedStatements, unverified_quotes
from tests.replay.conftest import LOCAL_IDENTITY, ROOT

ARTICLE = ROOT / "corpus" / "004_f280014935800b08.txt"


class FlakyTransport(httpx2.BaseTransport):
    """Refuses the first connection, then passes through (to vcrpy, in replay)."""

    def __init__(self) -> None:
        self.inner = httpx2.HTTPTransport()
        self.calls = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.calls += 1
        if self.calls == 1:
            raise httpx2.ConnectError("injected: connection refused", request=request)
        return self.inner.handle_request(request)


def _client(settings: Settings, transport: httpx2.BaseTransport | None = None, backend: str = "llama_cpp") -> LLMClient:
    http = httpx2.Client(transport=transport or httpx2.HTTPTransport(), timeout=600)
    sdk = openai.OpenAI(base_url=settings.base_url, api_key="not-needed", max_retries=0, http_client=http)
    return LLMClient(
        connect=lambda: sdk, backend=get_backend(backend), model=LOCAL_IDENTITY, endpoint="replay",
        max_reasks=2, retry=RetryPolicy(attempts=2), sleep=lambda seconds: None,
    )  # fmt: skip


def _statements_request() -> object:
    (article,), _ = load_corpus([ARTICLE])
    target = Target(model=LOCAL_IDENTITY, endpoint="replay", mode="llama_cpp")
    return build_request(
        load_prompt("statements"), QuoteCheckedStatements, title=article.title, text=article.text,
        published=article.published, target=target,
    ), article  # fmt: skip


@pytest.mark.vcr
def test_unverified_quote_is_reasked_with_the_validation_error(replay_settings: Settings, vcr: object) -> None:
    request, article = _statements_request()
    result = complete(request, _client(replay_settings))  # type: ignore[arg-type]
    sent = [json.loads(r.body) for r in vcr.requests]  # type: ignore[attr-defined]
    assert len(sent) >= 2, "the recorded model's first answer was accepted: no re-ask happened"
    assert "not words inside quotation marks" in json.dumps(sent[1]["messages"])
    assert result.usage.calls == len(sent)
    # Whatever the last answer was, quotes that still fail are left for the deterministic demotion.
    assert isinstance(unverified_quotes(result.parsed.statements, article.text), list)  # type: ignore[attr-defined]


@pytest.mark.vcr
def test_connection_refused_is_retried_on_the_real_path(replay_settings: Settings) -> None:
    request, _ = _statements_request()
    transport = FlakyTransport()
    client = _client(replay_settings, transport)
    client.max_reasks = 0
    client.answered = True  # refused by a server that answered before (a restart): retried; never-answered fails fast
    result = complete(request, client)  # type: ignore[arg-type]
    assert transport.calls == 2
    assert result.usage.calls == 1


@pytest.mark.vcr
def test_self_test_passes_when_the_server_enforces_the_schema(replay_settings: Settings) -> None:
    with _sdk(replay_settings) as sdk:
        check_schema_enforced(sdk, get_backend("llama_cpp"), LOCAL_IDENTITY)


@pytest.mark.vcr
def test_self_test_fails_loudly_when_the_schema_is_ignored(replay_settings: Settings) -> None:
    # Bare json_object without the schema: the server decodes unconstrained JSON.
    unconstrained = Backend("unconstrained", Mode.JSON, lambda body, model: body)
    with _sdk(replay_settings) as sdk, pytest.raises(SchemaNotEnforcedError, match="ignores the JSON schema"):
        check_schema_enforced(sdk, unconstrained, LOCAL_IDENTITY)


def _sdk(settings: Settings) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=settings.base_url, api_key="x", max_retries=0, http_client=httpx2.Client(timeout=60)
    )
