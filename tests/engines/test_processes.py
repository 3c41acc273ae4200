"""`--engine processes` against the loopback fake server: the same files as threads, refusals, and stops."""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from pathlib import Path

import pytest

from extractor.batch import run_corpus
from extractor.config import Settings
from extractor.errors import ConfigError
from extractor.output import OUTPUT_FILES
from extractor.runner import StopFlag
from schemas import ArticleStatus
from tests.conftest import CORPUS
from tests.fakes.openai_server import FakeOpenAIServer, FaultPlan

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _settings(server: FakeOpenAIServer, tmp_path: Path, **changes: object) -> Settings:
    base = Settings(base_url=server.base_url, model="fake-model", cache_dir=tmp_path / "c", use_cache=False)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _differ(a: Path, b: Path) -> list[str]:
    return [name for name in (*OUTPUT_FILES, "events.jsonl") if (a / name).read_bytes() != (b / name).read_bytes()]


def test_worker_processes_write_the_same_files_as_threads(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        run_corpus([CORPUS], tmp_path / "threads", _settings(server, tmp_path, concurrency=3))
        spread = _settings(server, tmp_path, engine="processes", workers=2, concurrency=3, use_cache=True)
        finished: list[str] = []
        report = run_corpus([CORPUS], tmp_path / "processes", spread, on_done=lambda f: finished.append(f.result.id))
        calls = server.requests
        warm = run_corpus([CORPUS], tmp_path / "warm", spread)  # from the memo the workers wrote
        assert server.requests == calls
    assert report.articles == 5 and sorted(finished) == sorted(set(finished)) and len(finished) == 5
    assert _differ(tmp_path / "threads", tmp_path / "processes") == []
    assert warm.from_cache == 5
    assert multiprocessing.active_children() == []


def test_the_embedded_model_and_cassettes_are_refused(tmp_path: Path) -> None:
    local = Settings(engine="processes", cache_dir=tmp_path, use_cache=False)
    with pytest.raises(ConfigError, match="remote endpoint"):
        run_corpus([CORPUS], tmp_path / "out", local)
    remote = dataclasses.replace(local, base_url="http://127.0.0.1:9/v1", model="m")
    with pytest.raises(ConfigError, match="--engine local"):
        run_corpus([CORPUS], tmp_path / "out", remote, record=tmp_path / "cassette.yaml")


def test_a_stop_abandons_hung_requests_and_leaves_no_worker(tmp_path: Path) -> None:
    stop = StopFlag()
    with FakeOpenAIServer(FaultPlan(default="hang")) as server:
        timer = threading.Timer(3.0, lambda: stop.request("interrupted", abandon_in_flight=True))
        timer.start()
        report = run_corpus(
            [CORPUS], tmp_path / "out", _settings(server, tmp_path, engine="processes", workers=2), stop=stop
        )
        timer.cancel()
    assert report.stopped == "interrupted"
    assert report.count(ArticleStatus.not_started) == 5
    assert multiprocessing.active_children() == []
    assert len((tmp_path / "out" / "articles.jsonl").read_text().splitlines()) == 5


def test_worker_processes_together_keep_to_the_request_slots(tmp_path: Path) -> None:
    with FakeOpenAIServer(FaultPlan(latency_s=0.2)) as server:  # long enough for the workers' calls to overlap
        settings = _settings(server, tmp_path, engine="processes", workers=2, concurrency=4)
        report = run_corpus([CORPUS], tmp_path / "out", settings, events=False)
    assert report.count(ArticleStatus.ok) == report.articles
    # two slots per worker and four articles in progress each: more than one worker's slots were busy at
    # once, never more than --concurrency
    assert 2 < server.max_in_flight <= 4
