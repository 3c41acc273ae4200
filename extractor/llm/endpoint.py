"""Which endpoint a run talks to, decided once from Settings.

Order: `--base-url` (any OpenAI-compatible server) → `OPENAI_API_KEY`
(OpenAI) → the embedded local model (a running `extractor local` server,
else one started on first need and stopped on exit).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx2
import openai

from extractor.config import DEFAULT_OPENAI_MODEL, LOCAL_BACKEND, LOCAL_ENDPOINT_PREFIX, Settings
from extractor.errors import ConfigError, SchemaNotEnforcedError
from extractor.llm.backends import get_backend, infer_backend
from extractor.llm.cache import ResponseCache, open_or_warn
from extractor.llm.local_server import (
    ServerInfo,
    died_while_answering,
    ephemeral_server,
    launch,
    read_state,
    require_llama_cpp,
    stop,
    write_state,
)
from extractor.llm.ratelimit import RateLimiter
from extractor.llm.seam import LLMClient
from extractor.llm.selftest import check_schema_enforced
from extractor.llm.transport import RetryPolicy
from extractor.llm.weights import DEFAULT_LOCAL_MODEL, ensure_weights, file_sha256, get_spec

NO_KEY = "not-needed"  # local servers ignore the key, but the SDK insists on one
# Per request. A remote server answers in seconds; the embedded model on 2 CPU cores may need minutes for one answer.
REMOTE_TIMEOUT_S = 120.0
LOCAL_TIMEOUT_S = 600.0


def sdk_client(base_url: str | None, api_key: str | None, timeout_s: float, connections: int = 1) -> openai.OpenAI:
    """`connections`: the requests in flight at once. httpx keeps 20 idle connections by default, so at a
    higher concurrency every round of answers closed the surplus and dialled (TLS to a real API) again."""
    # Retries are ours (tenacity), so the SDK's are off: one place decides.
    limits = httpx2.Limits(max_connections=max(100, connections), max_keepalive_connections=max(20, connections))
    return openai.OpenAI(
        base_url=base_url,
        api_key=api_key or NO_KEY,
        timeout=timeout_s,
        max_retries=0,
        http_client=httpx2.Client(timeout=timeout_s, limits=limits),
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(attempts=settings.max_transport_retries + 1, rate_limit_wait_s=settings.rate_limit_wait_s)


def rate_limiter(settings: Settings) -> RateLimiter | None:
    return RateLimiter(settings.rps, settings.tpm) if settings.rps or settings.tpm else None


def endpoint_identity(base_url: str) -> str:
    """The URL as part of cache keys: `…/v1/` and `…/v1` (or an upper-case host) are one endpoint."""
    parts = urlparse(base_url.strip())
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl().rstrip("/")


def state_file(settings: Settings) -> Path:
    return settings.cache_dir / "local-server.json"


def local_identity(settings: Settings) -> str:
    """A stable name for the local weights: the model name sent, and part of every cache key."""
    if settings.local_model is not None:
        path = settings.local_model
        if not path.is_file():
            raise ConfigError(f"--local-model {path}: no such file")
        return f"{path.name}@{file_sha256(path)[:12]}"
    return get_spec(settings.model or DEFAULT_LOCAL_MODEL).identity()


def local_weights_path(settings: Settings) -> Path:
    if settings.local_model is not None:
        return settings.local_model
    return ensure_weights(
        get_spec(settings.model or DEFAULT_LOCAL_MODEL), settings.models_dir or settings.cache_dir / "models"
    )


@contextlib.contextmanager
def open_client(settings: Settings) -> Iterator[LLMClient]:
    cache = open_or_warn(settings.cache_dir / "responses", settings.cache_max_bytes) if settings.use_cache else None
    try:
        if settings.base_url or settings.api_key:
            client = _remote_client(settings, cache)
            try:
                yield client
            finally:
                client.close()
        else:
            with _local_client(settings, cache) as client:
                yield client
    finally:
        if cache is not None:
            cache.close()


def _remote_client(settings: Settings, cache: ResponseCache | None) -> LLMClient:
    if settings.base_url and not settings.model:
        raise ConfigError("--base-url needs --model NAME (the model name the server expects)")
    backend = get_backend(settings.backend or infer_backend(settings.base_url))
    url, timeout = settings.base_url, settings.timeout_s or REMOTE_TIMEOUT_S
    # OPENAI_API_KEY goes to OpenAI only; another server gets EXTRACTOR_API_KEY (or nothing).
    key = settings.server_api_key if url and not _is_openai(url) else settings.api_key
    return LLMClient(
        connect=lambda: sdk_client(url, key, timeout, settings.concurrency),
        backend=backend,
        model=settings.model or DEFAULT_OPENAI_MODEL,
        endpoint=endpoint_identity(settings.base_url or "https://api.openai.com/v1"),
        cache=cache,
        max_reasks=settings.max_reasks,
        retry=retry_policy(settings),
        limiter=rate_limiter(settings),
        slots=request_slots(settings),
    )


def request_slots(settings: Settings) -> threading.BoundedSemaphore:
    """`--concurrency` requests in flight at most, whatever the number of articles in progress."""
    return threading.BoundedSemaphore(max(1, settings.concurrency))


def batch_client(settings: Settings) -> LLMClient:
    """A client for provider batch files: the remote endpoint's model and body shape, no cache, never dialled.

    Answers come from `LLMClient.answers` (`extractor.llm.batchfile`); without `--base-url` the target is
    OpenAI's Batch API.
    """
    return _remote_client(settings, None)


def _is_openai(url: str) -> bool:
    return urlparse(url).hostname == "api.openai.com"


@contextlib.contextmanager
def _local_client(settings: Settings, cache: ResponseCache | None) -> Iterator[LLMClient]:
    identity = local_identity(settings)
    stack = contextlib.ExitStack()
    timeout = settings.timeout_s or LOCAL_TIMEOUT_S

    def connect() -> openai.OpenAI:
        if settings.replay:
            from extractor.llm.replay import REPLAY_BASE_URL  # imports vcrpy: only when replaying

            return sdk_client(REPLAY_BASE_URL, None, timeout, settings.concurrency)
        require_llama_cpp()
        with contextlib.ExitStack() as attempt:  # handed over to `stack` only if the server passes its self-test
            info = _running_server(settings, identity) or attempt.enter_context(
                ephemeral_server(local_weights_path(settings), identity, settings.cache_dir / "logs")
            )
            client = attempt.enter_context(sdk_client(info.base_url, None, timeout, settings.concurrency))
            _self_test(client, info, identity)
            stack.push(attempt.pop_all())
        return client

    with stack:
        client = LLMClient(
            connect=connect,
            backend=get_backend(LOCAL_BACKEND),
            model=identity,
            endpoint=f"{LOCAL_ENDPOINT_PREFIX}{identity}",
            cache=cache,
            max_reasks=settings.max_reasks,
            retry=retry_policy(settings),
            slots=request_slots(settings),
        )
        try:
            yield client
        finally:
            client.close()  # before the server stops: no half-open sockets left behind


def _self_test(sdk: openai.OpenAI, info: ServerInfo, identity: str) -> None:
    """The schema self-test of the embedded server; a server that died meanwhile is reported as such."""
    try:
        check_schema_enforced(sdk, get_backend(LOCAL_BACKEND), identity)
    except SchemaNotEnforcedError:
        if (died := died_while_answering(info)) is not None:
            raise died from None
        raise


def _running_server(settings: Settings, identity: str) -> ServerInfo | None:
    info = read_state(state_file(settings))
    return info if info is not None and info.identity == identity else None


def start_persistent(settings: Settings) -> ServerInfo:
    """`extractor local start`: one server that outlives this process."""
    identity = local_identity(settings)
    if (running := read_state(state_file(settings))) is not None:
        if running.identity != identity:
            raise ConfigError(f"a local server with {running.identity} is running; `extractor local stop` it first")
        return running
    require_llama_cpp()
    info = launch(local_weights_path(settings), identity, settings.cache_dir / "logs", detached=True)
    try:
        with sdk_client(info.base_url, None, settings.timeout_s or LOCAL_TIMEOUT_S) as probe:
            _self_test(probe, info, identity)
    except BaseException:
        stop(info)
        raise
    write_state(state_file(settings), info)
    return info


def persistent_status(settings: Settings) -> ServerInfo | None:
    return read_state(state_file(settings))


def stop_persistent(settings: Settings) -> bool:
    info = read_state(state_file(settings))
    if info is None:
        return False
    stop(info)
    state_file(settings).unlink(missing_ok=True)
    return True
