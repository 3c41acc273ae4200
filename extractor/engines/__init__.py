"""Engines: where a batch's articles are processed. `local` (threads in this process) is
`pipeline.run_batch`; the others live here, each behind an optional extra, imported only when asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from extractor.config import ENGINES, Settings
from extractor.errors import ConfigError
from extractor.pipeline import ArticleOutcome, RunPlan
from schemas import Article


def run_engine(
    articles: Sequence[Article],
    settings: Settings,
    plan: RunPlan,
    on_done: Callable[[ArticleOutcome], None] | None = None,
) -> list[ArticleOutcome]:
    """Outcomes in input order on `settings.engine` (not `local`: that one is `pipeline.run_batch`)."""
    if settings.engine == "ray":
        from extractor.engines.ray_engine import run_batch_ray

        return run_batch_ray(articles, settings, plan, on_done)
    if settings.engine == "processes":
        raise ConfigError("--engine processes streams a corpus to files: use it with `extractor run`")
    raise ConfigError(f"unknown engine {settings.engine!r}; choose one of {list(ENGINES)}")
