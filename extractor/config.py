"""Settings: one frozen object, read from the environment in exactly one function."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
LOCAL_BACKEND = "llama_cpp"
LOCAL_ENDPOINT_PREFIX = "local:"  # the endpoint identity of the embedded model (free: extractor.cost)
ENGINES = ("local", "processes", "ray")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "extractor"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know. Built once; passed down explicitly."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # OPENAI_API_KEY: sent to api.openai.com only
    server_api_key: str | None = field(default=None, repr=False)  # EXTRACTOR_API_KEY: for a --base-url server
    model: str | None = None
    backend: str | None = None  # a key of extractor.llm.backends.BACKENDS; None = infer
    strategy: str | None = None  # None = the backend's default (extractor.requests.DEFAULT_STRATEGY)
    prompt_version: str | None = None  # None = the newest version of each prompt
    temperature: float = 0.0
    seed: int = 7
    max_tokens: int = 1536
    timeout_s: float | None = None  # seconds per request; None = the endpoint's default (extractor.llm.endpoint)
    max_reasks: int = 2
    max_transport_retries: int = 4
    rate_limit_wait_s: float = 300.0  # total 429 waiting one call may do, honouring Retry-After
    rps: float | None = None  # client-side limits (a token bucket each); None = unlimited
    tpm: float | None = None
    max_total_tokens: int | None = None  # budgets: the run stops cleanly when one is reached
    max_cost_usd: float | None = None
    concurrency: int = 1
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    cache_max_gb: float | None = None  # EXTRACTOR_CACHE_MAX_GB: cap the response cache (None = never evict)
    strict: bool = False
    scope: str | None = None  # a scope preset name or a scope file path (extractor.scope); None = "all"
    local_model: Path | None = None
    models_dir: Path | None = None  # where assembled GGUF weights live (default: cache_dir/models)
    replay: bool = False  # answers come from a cassette: start no server, dial nothing
    prices: Path | None = None  # a price table whose rows override the packaged one (extractor.cost)
    engine: str = "local"  # one of ENGINES: threads here, worker processes (extractor.engines.processes) or Ray actors
    workers: int | None = None  # --engine processes: how many (None = one per CPU)

    @property
    def cache_max_bytes(self) -> int | None:
        return int(self.cache_max_gb * 2**30) if self.cache_max_gb else None

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the non-None values of `changes` applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """The only place extractor reads environment variables."""
    env = os.environ if env is None else env
    cache = env.get("EXTRACTOR_CACHE_DIR")
    local_model = env.get("EXTRACTOR_LOCAL_MODEL")
    models_dir = env.get("EXTRACTOR_MODELS_DIR")
    prices = env.get("EXTRACTOR_PRICES")
    cache_max_gb = env.get("EXTRACTOR_CACHE_MAX_GB")
    return Settings(
        base_url=env.get("EXTRACTOR_BASE_URL") or env.get("OPENAI_BASE_URL") or None,
        api_key=env.get("OPENAI_API_KEY") or None,
        server_api_key=env.get("EXTRACTOR_API_KEY") or None,
        model=env.get("EXTRACTOR_MODEL") or None,
        backend=env.get("EXTRACTOR_BACKEND") or None,
        cache_dir=Path(cache) if cache else default_cache_dir(),
        local_model=Path(local_model) if local_model else None,
        models_dir=Path(models_dir) if models_dir else None,
        prices=Path(prices) if prices else None,
        cache_max_gb=_positive_float("EXTRACTOR_CACHE_MAX_GB", cache_max_gb) if cache_max_gb else None,
    )


def _positive_float(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if number <= 0:
        raise ConfigError(f"{name}={value!r}: expected a positive number (gigabytes)")
    return number
