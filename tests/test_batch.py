"""The batch's steps after the articles: named to the caller and logged with their times."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

import extractor.batch
from extractor.batch import GROUPING_EVENTS, WRITING_FILES, run_corpus
from extractor.config import Settings
from extractor.dataset.write import write_events_from_files
from extractor.errors import InputError
from tests.conftest import CORPUS
from tests.fakes.openai_server import FakeOpenAIServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
ONE_ARTICLE = sorted(CORPUS.glob("*.txt"))[:1]
ANOTHER_ARTICLE = sorted(CORPUS.glob("*.txt"))[1:2]


def _settings(server: FakeOpenAIServer, tmp_path: Path) -> Settings:
    return Settings(base_url=server.base_url, model="fake-model", backend="compatible", cache_dir=tmp_path / "c")


def test_the_steps_after_the_articles_are_named_in_order(tmp_path: Path) -> None:
    phases: list[str] = []
    with FakeOpenAIServer() as server:
        run_corpus(ONE_ARTICLE, tmp_path / "out", _settings(server, tmp_path), on_phase=phases.append)
        run_corpus(ONE_ARTICLE, tmp_path / "no-events", _settings(server, tmp_path), events=False,
                   on_phase=phases.append)  # fmt: skip
    assert phases == [WRITING_FILES, GROUPING_EVENTS, WRITING_FILES]


def test_a_step_that_fails_is_logged_as_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(out_dir: Path) -> Path:
        raise InputError(f"{out_dir}: cannot write events.jsonl (No space left on device)")

    monkeypatch.setattr(extractor.batch, "write_events_from_files", fail)
    caplog.set_level(logging.INFO, logger="extractor.run")
    with FakeOpenAIServer() as server, pytest.raises(InputError, match="No space left"):
        run_corpus(ONE_ARTICLE, tmp_path / "out", _settings(server, tmp_path))
    assert f"{WRITING_FILES}: done in" in caplog.text
    assert f"{GROUPING_EVENTS}: stopped after" in caplog.text and f"{GROUPING_EVENTS}: done" not in caplog.text


def test_a_rerun_with_the_same_records_reuses_the_events(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="extractor.run")
    with FakeOpenAIServer() as server:
        run_corpus(ONE_ARTICLE, tmp_path / "first", _settings(server, tmp_path))
        assert "reused" not in caplog.text
        run_corpus(ONE_ARTICLE, tmp_path / "second", _settings(server, tmp_path))
    assert "events.jsonl: the same records as an earlier run, whose events were kept: reused" in caplog.text
    first, second = ((tmp_path / name / "events.jsonl").read_bytes() for name in ("first", "second"))
    assert first == second and first.count(b"\n") >= 1
    assert len(list((tmp_path / "c" / "events").iterdir())) == 1


def test_an_uncached_run_neither_reads_nor_keeps_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Path] = []

    def build(out_dir: Path) -> Path:
        built.append(out_dir)
        return write_events_from_files(out_dir)

    monkeypatch.setattr(extractor.batch, "write_events_from_files", build)
    with FakeOpenAIServer() as server:
        run_corpus(ONE_ARTICLE, tmp_path / "cached", _settings(server, tmp_path))
        uncached = replace(_settings(server, tmp_path), use_cache=False)
        run_corpus(ONE_ARTICLE, tmp_path / "uncached", uncached)  # the same records: reads nothing
        run_corpus(ANOTHER_ARTICLE, tmp_path / "another", uncached)  # other records: keeps nothing
    assert built == [tmp_path / "cached", tmp_path / "uncached", tmp_path / "another"]
    assert len(list((tmp_path / "c" / "events").iterdir())) == 1  # the cached run's only
