"""Provider batch files end to end: prepare → a server answers the file → collect → … until nothing pends.

Results files come from the loopback fake server (`tests.fakes.batch_results`), never from hand-written
answers. The finished outputs must be byte-identical to a realtime run against the same server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.batch import run_corpus
from extractor.batchfiles import BatchRound, collect, prepare
from extractor.config import Settings
from extractor.output import OUTPUT_FILES
from schemas import ArticleStatus
from tests.conftest import CORPUS
from tests.fakes.batch_results import run_batch_file
from tests.fakes.openai_server import FakeOpenAIServer, FaultPlan

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
MAX_ROUNDS = 30
TWO_ARTICLES = sorted(CORPUS.glob("*.txt"))[:2]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def _settings(server: FakeOpenAIServer, tmp_path: Path, backend: str = "compatible") -> Settings:
    return Settings(
        base_url=server.base_url, model="fake-model", backend=backend, use_cache=False, cache_dir=tmp_path / "c"
    )


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _rounds(
    corpus: list[Path], work: Path, settings: Settings, answer: FakeOpenAIServer, first: FakeOpenAIServer | None = None
) -> tuple[list[BatchRound], list[Path]]:
    """prepare, then answer (the first file by `first`, if given) and collect until nothing is pending."""
    batches = [work / "batch0.jsonl"]
    rounds = [prepare(corpus, batches[0], settings)]
    results: list[Path] = []
    while rounds[-1].requests and len(rounds) < MAX_ROUNDS:
        results.append(work / f"results{len(results)}.jsonl")
        run_batch_file(batches[-1], results[-1], (first if first and not rounds[1:] else answer).base_url)
        batches.append(work / f"batch{len(batches)}.jsonl")
        rounds.append(collect(results, corpus, work / "out", batches[-1], settings))
    return rounds, batches[: len(results)]


def _same_outputs(a: Path, b: Path) -> list[str]:
    return [name for name in OUTPUT_FILES if (a / name).read_bytes() != (b / name).read_bytes()]


@pytest.mark.parametrize("backend", ["compatible", "openai", "llama_cpp"])
def test_the_round_trip_writes_exactly_what_a_realtime_run_writes(
    server: FakeOpenAIServer, tmp_path: Path, backend: str
) -> None:
    settings = _settings(server, tmp_path, backend)
    realtime = run_corpus([CORPUS], tmp_path / "realtime", settings)
    sent = sorted(json.dumps(body, sort_keys=True) for body in server.bodies)
    rounds, batches = _rounds([CORPUS], tmp_path / "batch", settings, server)
    assert rounds[-1].pending == 0 and rounds[-1].batch_files == []
    assert len(rounds[-1].outcomes) == realtime.articles == 5
    assert _same_outputs(tmp_path / "realtime", tmp_path / "batch" / "out") == []
    # the batch files hold the very bodies the realtime run sent over HTTP, each once
    written = sorted(json.dumps(line["body"], sort_keys=True) for batch in batches for line in _lines(batch))
    assert written == sent
    assert [r.pending for r in rounds] == sorted((r.pending for r in rounds), reverse=True)


def test_request_lines_are_in_the_openai_batch_format(server: FakeOpenAIServer, tmp_path: Path) -> None:
    done = prepare([CORPUS], tmp_path / "batch.jsonl", _settings(server, tmp_path))
    lines = _lines(tmp_path / "batch.jsonl")
    assert done.requests == len(lines) == 5 and done.pending == 5
    articles = {line["custom_id"].split(":")[0] for line in lines}  # type: ignore[union-attr]
    assert len(articles) == 5 and all(len(a) == 16 for a in articles)
    assert {(line["method"], line["url"]) for line in lines} == {("POST", "/v1/chat/completions")}
    assert all(line["body"]["model"] == "fake-model" for line in lines)  # type: ignore[index]


def test_an_answer_that_fails_validation_comes_back_as_a_re_ask(tmp_path: Path) -> None:
    # The first call of the first article gets an invalid answer, in the realtime run and in the batch alike.
    with (
        FakeOpenAIServer(FaultPlan(script=["invalid"])) as live,
        FakeOpenAIServer(FaultPlan(script=["invalid"])) as fake,
    ):
        run_corpus(TWO_ARTICLES, tmp_path / "realtime", _settings(live, tmp_path))
        _, batches = _rounds(TWO_ARTICLES, tmp_path / "batch", _settings(fake, tmp_path), fake)
    assert _same_outputs(tmp_path / "realtime", tmp_path / "batch" / "out") == []
    asked = _lines(batches[0])[0]
    article = str(asked["custom_id"]).split(":")[0]
    (re_ask,) = [line for line in _lines(batches[1]) if str(line["custom_id"]).startswith(article)]
    messages = re_ask["body"]["messages"]  # type: ignore[index]
    assert len(messages) > len(asked["body"]["messages"])  # type: ignore[index]
    assert "unexpected" in json.dumps(messages)  # the failed answer and its validation error go back


def test_a_call_the_provider_failed_is_asked_again(server: FakeOpenAIServer, tmp_path: Path) -> None:
    settings = _settings(server, tmp_path)
    run_corpus(TWO_ARTICLES, tmp_path / "realtime", settings)
    with FakeOpenAIServer(FaultPlan(script=["500"])) as failing:
        rounds, batches = _rounds(TWO_ARTICLES, tmp_path / "batch", settings, server, first=failing)
    failed = _lines(batches[0])[0]["custom_id"]
    assert failed in {line["custom_id"] for line in _lines(batches[1])}
    assert all(o.result.status is ArticleStatus.ok for r in rounds for o in r.outcomes)
    assert _same_outputs(tmp_path / "realtime", tmp_path / "batch" / "out") == []


def test_a_call_the_provider_rejected_fails_its_article(server: FakeOpenAIServer, tmp_path: Path) -> None:
    settings = _settings(server, tmp_path)
    prepare(TWO_ARTICLES, tmp_path / "batch0.jsonl", settings)
    run_batch_file(tmp_path / "batch0.jsonl", tmp_path / "results0.jsonl", server.base_url)
    lines = _lines(tmp_path / "results0.jsonl")
    lines[0]["response"] = {"status_code": 400, "body": {"error": {"message": "bad request"}}}  # type: ignore[index]
    (tmp_path / "results0.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    done = collect([tmp_path / "results0.jsonl"], TWO_ARTICLES, tmp_path / "out", tmp_path / "next.jsonl", settings)
    failed = [o.result for o in done.outcomes if o.result.status is ArticleStatus.failed]
    assert len(failed) == 1 and "HTTP 400" in str(failed[0].error) and "bad request" in str(failed[0].error)


def test_results_for_another_model_answer_nothing(server: FakeOpenAIServer, tmp_path: Path) -> None:
    settings = _settings(server, tmp_path)
    prepare([CORPUS], tmp_path / "batch0.jsonl", settings)
    run_batch_file(tmp_path / "batch0.jsonl", tmp_path / "results0.jsonl", server.base_url)
    other = Settings(base_url=server.base_url, model="other-model", use_cache=False, cache_dir=tmp_path / "c")
    done = collect([tmp_path / "results0.jsonl"], [CORPUS], tmp_path / "out", tmp_path / "next.jsonl", other)
    assert done.unused_results == 5 and done.pending == 5 and done.outcomes == []
    assert (tmp_path / "out" / "articles.jsonl").read_text() == ""
