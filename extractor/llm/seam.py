"""The one network seam: `complete(request, client) -> Completion`.

Every LLM call in extractor goes through `complete`. Around the single HTTP
call (`_send`) sit, from the outside in: the JSON cache (validated answers
only), instructor's bounded validation re-asks, and tenacity's transport
retries. Tokens of every attempt are counted, re-asks and retries included.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import instructor
import openai
from instructor.v2.core.errors import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel

from extractor.errors import ExtractorError, LLMError, RunStoppedError, TransportError
from extractor.llm.backends import Backend
from extractor.llm.cache import ResponseCache
from extractor.llm.ratelimit import RateLimiter
from extractor.llm.response_model import instructor_model
from extractor.llm.transport import RetryPolicy, call_with_retries, is_refused, retry_after_seconds
from extractor.requests import LLMRequest
from extractor.validation import checking_against
from schemas import Usage


class AnswerSource(Protocol):
    """Answers request bodies instead of the network (provider batch files: `extractor.llm.batchfile`)."""

    def answer(self, body: dict[str, Any]) -> Any: ...


@dataclass
class LLMClient:
    """A configured endpoint: how to reach it, its backend row, and limits.

    `connect` is called on the first cache miss only, so a run served wholly
    from the cache never starts a local server or opens a connection. Once
    closed, a client never connects again: a worker still running when the
    run stops gets `RunStoppedError`, not a fresh server. With `answers` set,
    the body that would be sent is answered by that source and nothing is
    dialled. `slots` bounds the requests in flight (`--concurrency`), not the
    articles in progress: an article that is building its next request or
    reading an answer does not hold one, so the endpoint is kept busy while
    the CPU work runs.
    """

    connect: Callable[[], openai.OpenAI]
    backend: Backend
    model: str
    endpoint: str  # a stable identity of the endpoint: part of every cache key
    cache: ResponseCache | None = None
    max_reasks: int = 2
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: RateLimiter | None = None
    sleep: Callable[[float], object] = time.sleep
    answered: bool = False  # the endpoint has answered at least once (refused before that = nothing listens)
    unreachable: bool = False  # refused before it ever answered: the run should stop, not fail every article
    answers: AnswerSource | None = None
    slots: contextlib.AbstractContextManager[Any] | None = None  # a semaphore; across processes for --engine processes
    _sdk: openai.OpenAI | None = field(default=None, repr=False)
    _connect_error: ExtractorError | None = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._sdk is not None:
                self._sdk.close()
                self._sdk = None

    @property
    def sdk(self) -> openai.OpenAI:
        with self._lock:
            if self._closed:
                raise RunStoppedError("the run is stopping: no new requests")
            if self._connect_error is not None:
                raise self._connect_error  # one failed start-up is not retried for every article
            if self._sdk is None:
                try:
                    self._sdk = self.connect()
                except ExtractorError as exc:
                    self._connect_error = exc
                    raise
            return self._sdk


@dataclass
class Completion:
    parsed: BaseModel
    usage: Usage
    cache_hit: bool


@dataclass
class _UsageMeter:
    usage: Usage = field(default_factory=Usage)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, completion: Any) -> None:
        raw = getattr(completion, "usage", None)
        step = Usage(
            prompt_tokens=getattr(raw, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(raw, "completion_tokens", 0) or 0,
            calls=1,
        )
        with self.lock:
            self.usage = self.usage + step


def complete(request: LLMRequest, client: LLMClient) -> Completion:
    key = request.cache_key() + f":reasks={client.max_reasks}"  # re-asks decide which answer is kept
    if client.cache is not None and (entry := client.cache.get(key)) is not None:
        parsed = request.response_model.model_validate(entry["data"])
        return Completion(parsed, Usage(cache_hits=1), cache_hit=True)
    meter = _UsageMeter()
    try:
        parsed = _ask(request, client, meter)
    except LLMError as exc:
        exc.usage = exc.usage + meter.usage
        raise
    if client.cache is not None:
        client.cache.put(key, {"data": parsed.model_dump(mode="json"), "usage": meter.usage.model_dump()})
    return Completion(parsed, meter.usage, cache_hit=False)


def _ask(request: LLMRequest, client: LLMClient, meter: _UsageMeter) -> BaseModel:
    def send(**body: Any) -> Any:
        return _send(client, request, meter, body)

    create = instructor.patch(create=send, mode=client.backend.mode)
    try:
        with checking_against(request.context_text):  # not instructor's context=, which renders messages as Jinja
            parsed: BaseModel = create(
                response_model=instructor_model(request.response_model),
                messages=request.messages,
                max_retries=client.max_reasks,
                model=request.model,
                temperature=request.temperature,
                seed=request.seed,
                max_tokens=request.max_tokens,
            )
    except IncompleteOutputException as exc:
        raise LLMError(f"answer cut off at max_tokens={request.max_tokens}; raise --max-tokens") from exc
    except InstructorRetryException as exc:
        if isinstance(exc.__cause__, ExtractorError) and not isinstance(exc.__cause__, LLMError):
            raise exc.__cause__ from None  # e.g. the local server would not start: say that, not "no valid answer"
        if (salvaged := _salvage(exc, request)) is not None:
            return salvaged
        if is_refused(exc.__cause__) and not client.answered:
            client.unreachable = True
        raise _explain(exc, request) from exc
    return parsed


def _salvage(exc: InstructorRetryException, request: LLMRequest) -> BaseModel | None:
    """The last answer, if only the article checks (not the schema) rejected it.

    Re-asks are bounded; a schema-valid answer whose quotes still do not
    check out is kept, and the deterministic layer demotes those quotes to
    flagged paraphrases rather than losing the article.
    """
    completion = exc.last_completion
    choices = getattr(completion, "choices", None)
    if not choices or isinstance(exc.__cause__, openai.APIError):
        return None
    content = getattr(choices[0].message, "content", None)
    try:
        return request.response_model.model_validate_json(content or "")
    except ValueError:
        return None


def _send(client: LLMClient, request: LLMRequest, meter: _UsageMeter, body: dict[str, Any]) -> Any:
    """The single HTTP call (or its answer from a batch file), retried on transport faults only."""
    body = client.backend.shape_body(body, request.response_model)
    if not client.backend.sends_seed:
        body.pop("seed", None)
    if client.answers is not None:
        completion = client.answers.answer(body)
    else:
        tokens = _estimated_tokens(body)

        def attempt() -> Any:
            if client.limiter is not None:
                client.limiter.acquire(tokens)
            try:
                with client.slots or contextlib.nullcontext():
                    return _post(client.sdk, body)
            except openai.RateLimitError as exc:
                if client.limiter is not None:  # every worker slows down, not just this one
                    client.limiter.pause(retry_after_seconds(exc) or 1.0)
                raise

        completion = call_with_retries(
            attempt, client.retry, endpoint_answered=lambda: client.answered, sleep=client.sleep
        )
        client.answered = True
    meter.add(completion)
    return completion


def _post(sdk: openai.OpenAI, body: dict[str, Any]) -> ChatCompletion:
    """`chat.completions.create(**body)` without its parameter transform: the body is already plain JSON
    (instructor's kwargs, shaped by the backend), and walking it against the SDK's type hints cost as much
    CPU as the rest of the SDK (bench/scale.py). Errors, auth, timeouts and the parsed answer are the SDK's."""
    completion: ChatCompletion = sdk.post("/chat/completions", body=body, cast_to=ChatCompletion)
    return completion


def _estimated_tokens(body: dict[str, Any]) -> int:
    """Prompt plus the most the answer may take: what a tokens-per-minute limit counts before the call."""
    chars = sum(len(str(message.get("content") or "")) for message in body.get("messages", []))
    return chars // 4 + int(body.get("max_tokens") or 0)


def _explain(exc: InstructorRetryException, request: LLMRequest) -> LLMError:
    cause = exc.__cause__
    if isinstance(cause, openai.APITimeoutError):
        return TransportError(f"{request.endpoint} did not answer in time (--timeout); is the server hung?")
    if is_refused(cause):
        return TransportError(f"cannot reach {request.endpoint}: connection refused; is the server running?")
    if isinstance(cause, openai.APIConnectionError):
        # The SDK hides the real reason (refused, DNS, an unmatched cassette request) one level down.
        root = cause.__cause__ or cause
        return TransportError(f"cannot reach {request.endpoint}: {_short(str(root), 500)}")
    if isinstance(cause, openai.RateLimitError):
        return TransportError(f"{request.endpoint} kept answering HTTP 429 (rate limited); lower --rps/--tpm")
    if isinstance(cause, openai.APIStatusError):
        return TransportError(f"{request.endpoint} answered HTTP {cause.status_code}: {_short(str(cause))}")
    return LLMError(f"{request.prompt_label}: no valid answer after {exc.n_attempts} attempt(s): {_short(str(exc))}")


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def send_unguided(client: LLMClient, messages: list[dict[str, str]], schema_model: type[BaseModel]) -> str:
    """One raw call with the backend's schema constraint but no schema in the prompt.

    The schema self-test needs this: instructor would also paste the schema
    into the prompt, and a model that follows the prompt hides a server that
    ignores the constraint.
    """
    request = LLMRequest(
        messages_json="[]", response_model=schema_model, prompt_label="selftest", prompt_hash="", model=client.model,
        endpoint=client.endpoint, mode="raw", temperature=0.0, seed=0, max_tokens=64, context_text="",
    )  # fmt: skip
    body: dict[str, Any] = {"messages": messages, "model": client.model, "temperature": 0.0, "max_tokens": 64}
    if client.backend.mode is instructor.Mode.JSON:
        body["response_format"] = {"type": "json_object"}
    completion = _send(client, request, _UsageMeter(), body)
    return str(completion.choices[0].message.content or "")
