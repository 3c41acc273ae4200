"""Seconds and tokens per article: the annotate strategy against the old default (single), side by side.

    .venv/bin/extractor local start          # one embedded server, shared by both strategies
    .venv/bin/python bench/strategy_speed.py corpus/ --out bench/results/strategy_speed.json

For every article both strategies run back to back on the same server with
no cache (the order alternates per article, so a busy spell hurts neither
more), and the script prints per-article seconds, the median of each, their
ratio, and mean prompt / completion tokens. `--prefix` also measures the
story-prefix reuse of llama.cpp: the same question timed right after another
question about the same story (prefix cached) and after a question about a
different story (prefix evicted).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from extractor.annotate.preannotate import preannotate
from extractor.annotate.questions import QUESTIONS, Question, QuestionBuilder, contact_candidates
from extractor.batch import extract_articles, make_plan
from extractor.config import settings_from_env
from extractor.corpus import load_corpus
from extractor.llm.endpoint import open_client
from extractor.llm.seam import complete
from extractor.prompts import load_prompt
from schemas import Article

# (strategy, scope): the old default was `single` with the US–China filter hard-wired; the new one is `annotate`
# over every diplomatic story. Each is run as its default shipped.
CONFIGS = {"single": "us-china", "annotate": "all"}
STRATEGIES = tuple(CONFIGS)


def measure(articles: list[Article]) -> list[dict[str, object]]:
    base = settings_from_env().with_overrides(use_cache=False)
    rows: list[dict[str, object]] = []
    for i, article in enumerate(articles):
        order = STRATEGIES if i % 2 == 0 else STRATEGIES[::-1]
        for strategy in order:
            settings = base.with_overrides(strategy=strategy, scope=CONFIGS[strategy])
            (outcome,), _ = extract_articles([article], settings)
            usage = outcome.result.usage
            rows.append({
                "article": Path(article.source).name, "strategy": strategy, "status": outcome.result.status.value,
                "seconds": round(outcome.seconds, 1), "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens, "calls": usage.calls,
                "records": outcome.result.counts,
            })  # fmt: skip
            print(json.dumps(rows[-1]), flush=True)
    return rows


def prefix_reuse(articles: list[Article]) -> dict[str, float]:
    """Seconds of one question with the story prefix cached on the server vs evicted by another story."""
    settings = settings_from_env().with_overrides(use_cache=False, strategy="annotate")
    templates = {name: load_prompt(name) for name in QUESTIONS}
    with open_client(settings) as client:
        client.cache = None
        target = make_plan(settings, client).target

        def questions(article: Article) -> list[Question]:
            story = preannotate(article.text)
            builder = QuestionBuilder(templates, story, article.title, article.published, target)
            asked = [builder.contacts(), builder.participants(contact_candidates(story)), builder.quotes()]
            return [q for q in asked if q is not None]

        mine = next(q for a in articles if len(q := questions(a)) >= 2)
        theirs = next(q for a in reversed(articles) if (q := questions(a)) and q[0].request != mine[0].request)

        def timed(question: Question) -> float:
            started = time.monotonic()
            complete(question.request, client)
            return time.monotonic() - started

        timed(mine[0])
        warm = timed(mine[1])
        timed(theirs[0])
        cold = timed(mine[1])
    return {"warm_s": round(warm, 1), "cold_s": round(cold, 1), "ratio": round(warm / cold, 2)}


def summary(rows: list[dict[str, object]]) -> Table:
    table = Table(title="single + us-china scope (old default) vs annotate + all (new default), same server, no cache")
    for column in ("strategy", "median s/article", "mean prompt tokens", "mean completion tokens", "calls"):
        table.add_column(column, justify="right")
    medians = {}
    for strategy in STRATEGIES:
        mine = [r for r in rows if r["strategy"] == strategy]
        medians[strategy] = statistics.median(float(r["seconds"]) for r in mine)  # type: ignore[arg-type]
        table.add_row(
            strategy,
            f"{medians[strategy]:.1f}",
            f"{statistics.mean(int(r['prompt_tokens']) for r in mine):.0f}",  # type: ignore[call-overload]
            f"{statistics.mean(int(r['completion_tokens']) for r in mine):.0f}",  # type: ignore[call-overload]
            str(sum(int(r["calls"]) for r in mine)),  # type: ignore[call-overload]
        )
    table.caption = f"median ratio annotate / single = {medians['annotate'] / medians['single']:.2f}"
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--out", type=Path, default=Path("bench/results/strategy_speed.json"))
    parser.add_argument("--prefix", action="store_true", help="also measure story-prefix KV reuse")
    args = parser.parse_args()
    articles, _ = load_corpus(args.paths)
    rows = measure(list(articles))
    result: dict[str, object] = {"rows": rows}
    if args.prefix:
        result["prefix_reuse"] = prefix_reuse(list(articles))
        print(json.dumps(result["prefix_reuse"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    Console().print(summary(rows))


if __name__ == "__main__":
    main()
