"""`extractor run --engine ray`: articles mapped through `process_article` by a pool of Ray actors.

The corpus becomes a Ray Dataset of (position, article) rows. Each actor opens its own client
(`endpoint.open_client(settings)`: same endpoint, same cache directory — diskcache is safe across
processes on one machine) and runs `pipeline.run_batch` on its batches with `settings.concurrency`
requests in flight, so every article goes through the very code a local run uses. The driver gets the
outcomes back as they finish and returns them in input order, so the writer writes the same four files.

Ray is the optional extra `ray`. `ray.init()` (called only if Ray is not running in this process yet)
honours `RAY_ADDRESS` itself, so the same command runs on one machine or on a cluster; each node then needs
extractor installed and reaches the endpoint (e.g. a vLLM server) by `--base-url`.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable, Sequence
from typing import Any

from extractor.config import Settings
from extractor.errors import ConfigError
from extractor.llm.endpoint import open_client
from extractor.pipeline import ArticleOutcome, RunPlan, run_batch
from extractor.runner import articles_in_progress
from schemas import Article


class ArticleWorker:
    """One actor: a client of its own (`settings.concurrency` request slots) and a thread pool over each batch."""

    def __init__(self, settings: Settings, plan: RunPlan) -> None:
        self._stack = contextlib.ExitStack()
        self.client = self._stack.enter_context(open_client(settings))
        self.plan = plan
        self.concurrency = settings.concurrency

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        articles = [Article.model_validate_json(text) for text in batch["article"]]
        outcomes = run_batch(articles, self.client, self.plan, self.concurrency)
        # Pickled between our own processes (Ray pickles everything it moves anyway); never written to disk.
        return {"index": list(batch["index"]), "outcome": [pickle.dumps(o) for o in outcomes]}

    def __del__(self) -> None:
        self._stack.close()


def run_batch_ray(
    articles: Sequence[Article],
    settings: Settings,
    plan: RunPlan,
    on_done: Callable[[ArticleOutcome], None] | None = None,
) -> list[ArticleOutcome]:
    """Like `pipeline.run_batch`: outcomes in input order, `on_done` as each article finishes."""
    ray = _import_ray()
    if settings.replay:
        raise ConfigError("--replay answers HTTP in this process only: use it with --engine local")
    if not articles:
        return []
    if not ray.is_initialized():
        ray.init(logging_level="WARNING")  # RAY_ADDRESS, if set, names the cluster (Ray reads it)
    ray.data.DataContext.get_current().enable_progress_bars = False
    dataset = ray.data.from_items([{"index": i, "article": a.model_dump_json()} for i, a in enumerate(articles)])
    mapped = dataset.map_batches(
        ArticleWorker,
        fn_constructor_kwargs={"settings": settings, "plan": plan},
        batch_size=articles_in_progress(settings.concurrency),  # what run_batch works on at once
        compute=ray.data.ActorPoolStrategy(
            size=_pool_size(ray, len(articles), articles_in_progress(settings.concurrency))
        ),
    )
    done: dict[int, ArticleOutcome] = {}
    for row in mapped.iter_rows():
        outcome: ArticleOutcome = pickle.loads(row["outcome"])
        done[int(row["index"])] = outcome
        if on_done is not None:
            on_done(outcome)
    return [done[i] for i in range(len(articles))]


def _pool_size(ray: Any, articles: int, batch_size: int) -> int:
    """One actor per CPU of the cluster, but no more than there are batches."""
    cpus = int(ray.cluster_resources().get("CPU", 1))
    batches = -(-articles // max(1, batch_size))
    return max(1, min(cpus, batches))


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install -e '.[ray]'") from None
    return ray
