"""Shared fixtures: the seed corpus, a fresh cache, and a fake LLM backend.

The fake backend is an httpx2 MockTransport behind the real OpenAI SDK, so
unit tests run the real request/parse path with canned answers. Canned
answers are test inputs for pure logic, never presented as model output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from extractor.llm.backends import get_backend
from extractor.llm.cache import ResponseCache
from extractor.llm.seam import LLMClient
from extractor.llm.transport import RetryPolicy

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def cache(tmp_path: Path) -> ResponseCache:
    store = ResponseCache(tmp_path / "cache")
    yield store  # type: ignore[misc]
    store.close()


def chat_completion(content: str, prompt_tokens: int = 10, completion_tokens: int = 5) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class FakeServer:
    """Answers queued responses in order and keeps every request body."""

    def __init__(self) -> None:
        self.queue: list[httpx2.Response | Callable[[httpx2.Request], httpx2.Response]] = []
        self.requests: list[dict[str, Any]] = []

    def answer(self, payload: dict[str, Any] | str, status: int = 200, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, dict) else chat_completion(payload)
        self.queue.append(httpx2.Response(status, json=body, headers=headers))

    def fail_connection(self) -> None:
        def boom(request: httpx2.Request) -> httpx2.Response:
            raise httpx2.ConnectError("connection refused", request=request)

        self.queue.append(boom)

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.content))
        if not self.queue:
            raise AssertionError(f"unexpected request #{len(self.requests)}: nothing queued")
        item = self.queue.pop(0)
        return item(request) if callable(item) else item


@pytest.fixture
def fake_server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def make_client(fake_server: FakeServer) -> Callable[..., LLMClient]:
    def build(backend: str = "llama_cpp", cache: ResponseCache | None = None, max_reasks: int = 1) -> LLMClient:
        http = httpx2.Client(transport=httpx2.MockTransport(fake_server.handle))
        sdk = openai.OpenAI(base_url="http://fake.test/v1", api_key="x", max_retries=0, http_client=http)
        return LLMClient(
            connect=lambda: sdk, backend=get_backend(backend), model="fake-model", endpoint="fake",
            cache=cache, max_reasks=max_reasks, retry=RetryPolicy(attempts=3), sleep=lambda seconds: None,
        )  # fmt: skip

    return build
