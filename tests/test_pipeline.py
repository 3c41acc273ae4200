from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

from extractor.corpus import load_corpus
from extractor.llm.seam import LLMClient
from extractor.normalize.actors import load_actors
from extractor.pipeline import RunPlan, process_article, run_batch
from extractor.requests import Target, load_strategy_prompts
from extractor.scope import Scope, load_scope
from schemas import ArticleStatus
from tests.conftest import FakeServer

EMPTY = {"per_type": ['{"meetings": []}', '{"statements": []}', '{"positions": []}'],
         "single": ['{"meetings": [], "statements": [], "positions": []}']}  # fmt: skip


def _plan(strategy: str = "per_type", scope: Scope | None = None) -> RunPlan:
    target = Target(model="fake-model", endpoint="fake", mode="llama_cpp")
    plan = RunPlan(load_strategy_prompts(strategy), target, strategy, load_actors())
    return plan if scope is None else dataclasses.replace(plan, scope=scope)


def _meetings(*pairs: tuple[str, str, str, str, str]) -> str:
    """A canned meetings answer: (name, country, name, country, evidence) per meeting."""
    meetings = [
        {"participants": [{"name": a, "country": ca}, {"name": b, "country": cb}], "status": "held", "evidence": [e]}
        for a, ca, b, cb, e in pairs
    ]
    return json.dumps({"meetings": meetings})


def test_by_default_every_diplomatic_story_of_001_reaches_the_model(
    corpus_dir: Path, make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    (article,), _ = load_corpus([next(corpus_dir.glob("001_*.txt"))])
    for _ in range(5):
        for answer in EMPTY["per_type"]:
            fake_server.answer(answer)
    outcome = process_article(article, make_client(), _plan())
    assert outcome.result.status is ArticleStatus.ok and outcome.result.stories == 6
    assert len(fake_server.requests) == 15  # 5 stories x 3 calls; the central bank story has no diplomacy
    sent = json.dumps(fake_server.requests)
    assert "Blinken" in sent and "Fukushima" in sent and "ruble" not in sent
    assert [f.code for f in outcome.result.flags] == ["off_topic_story_skipped"]


def test_a_dyad_scope_narrows_stories_before_and_records_after_the_model(
    corpus_dir: Path, make_client: Callable[..., LLMClient], fake_server: FakeServer
) -> None:
    (article,), _ = load_corpus([next(corpus_dir.glob("001_*.txt"))])
    jakarta = (
        "On the 13th local time, Wang Yi, Director of the Central Foreign Affairs Office, met with US Secretary of "
        "State Antony Blinken at request in Jakarta."
    )
    delhi = "During the visit, Austin met with Indian Defense Minister Singh and finalized a roadmap"
    fake_server.answer(_meetings(("Wang Yi", "China", "Antony Blinken", "United States", jakarta)))
    fake_server.answer('{"statements": []}')
    fake_server.answer('{"positions": []}')
    fake_server.answer(_meetings(("Austin", "United States", "Singh", "India", delhi)))
    fake_server.answer('{"statements": []}')
    fake_server.answer('{"positions": []}')
    outcome = process_article(article, make_client(), _plan(scope=load_scope("us-china")))
    assert outcome.result.status is ArticleStatus.ok and outcome.result.stories == 6
    assert len(fake_server.requests) == 6  # the first story and the one that mentions both countries
    sent = json.dumps(fake_server.requests)
    assert "Blinken" in sent and "Fukushima" not in sent and "ruble" not in sent
    assert outcome.result.usage.calls == 6 and outcome.result.usage.prompt_tokens == 60
    (meeting,) = outcome.records.meetings  # the US-India meeting is outside the dyad
    assert {p.country for p in meeting.participants} == {"CHN", "USA"}
    assert outcome.result.counts["meetings"] == 1


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
