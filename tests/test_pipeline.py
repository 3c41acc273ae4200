from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from extractor.corpus import load_corpus
from extractor.llm.seam import LLMClient
from extractor.normalize.actors import load_actors
from extractor.pipeline import RunPlan, process_article, run_batch
from extractor.requests import Target, load_strategy_prompts
from schemas import ArticleStatus
from tests.conftest import FakeServer

EMPTY = {"per_type": ['{"meetings": []}', '{"statements": []}', '{"positions": []}'],
         "single": ['{"meetings": [], "statements": [], "positions": []}']}  # fmt: skip


def _plan(strategy: str = "per_type") -> RunPlan:
    target = Target(model="fake-model", endpoint="fake", mode="llama_cpp")
    return RunPlan(load_strategy_prompts(strategy), target, strategy, load_actors())


def test_only_the_on_topic_story_of_001_reaches_the_model(
    corpus_dir: Path, make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    (article,), _ = load_corpus([next(corpus_dir.glob("001_*.txt"))])
    for answer in EMPTY["per_type"]:
        fake_server.answer(answer)
    outcome = process_article(article, make_client(), _plan())
    assert outcome.result.status is ArticleStatus.ok and outcome.result.stories == 6
    assert len(fake_server.requests) == 3
    sent = json.dumps(fake_server.requests)
    assert "Blinken" in sent and "Fukushima" not in sent and "ruble" not in sent
    assert outcome.result.usage.calls == 3 and outcome.result.usage.prompt_tokens == 30


def test_one_failure_does_not_stop_the_batch(
    corpus_dir: Path, make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    articles, _ = load_corpus([corpus_dir / "003_b79788a086d97685.txt", corpus_dir / "004_f280014935800b08.txt"])
    fake_server.answer({"error": {"message": "model not found"}}, status=404)
    fake_server.answer(EMPTY["single"][0])
    done: list[str] = []
    outcomes = run_batch(articles, make_client(), _plan("single"), on_done=lambda o: done.append(o.result.source))
    assert [o.result.status for o in outcomes] == [ArticleStatus.failed, ArticleStatus.ok]
    assert "HTTP 404" in (outcomes[0].result.error or "")
    assert len(done) == 2


def test_focused_strategy_asks_each_contact_paragraph_about_meetings(
    corpus_dir: Path, make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    from extractor.focus import meeting_paragraphs
    from extractor.requests import load_paragraph_prompts

    (article,), _ = load_corpus([corpus_dir / "000_bf9e0f4ef3c2686e.txt"])
    paragraphs = meeting_paragraphs(article.text)
    fake_server.answer(EMPTY["single"][0])
    for _ in paragraphs:
        fake_server.answer('{"meetings": []}')
    plan = _plan("focused")
    plan = RunPlan(
        plan.prompts, plan.target, "focused", plan.actors, paragraph_prompts=load_paragraph_prompts("focused")
    )
    outcome = process_article(article, make_client(), plan)
    assert outcome.result.status is ArticleStatus.ok
    assert len(fake_server.requests) == 1 + len(paragraphs) >= 4
    user_messages = [r["messages"][-1]["content"] for r in fake_server.requests[1:]]
    assert all(p in m for p, m in zip(paragraphs, user_messages, strict=True))
    assert outcome.result.prompt == "extract_all@v2+meetings@v2"
