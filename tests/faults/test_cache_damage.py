"""A damaged cache never stops a run, and `cache clear` always recovers (issue case 4)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeOpenAIServer
from tests.faults.conftest import Result, read_jsonl, remote, write_article


def test_a_corrupt_cache_row_is_a_miss_with_a_warning(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer, fresh_cache: Path
) -> None:
    article = write_article(tmp_path / "in", "a.txt")
    assert invoke("run", str(article), "--out", str(tmp_path / "first"), *remote(server)).code == 0
    with sqlite3.connect(fresh_cache / "responses" / "cache.db") as db:
        db.execute("UPDATE Cache SET value = substr(value, 1, 10)")  # every row cut short
    result = invoke("run", str(article), "--out", str(tmp_path / "second"), *remote(server))
    assert result.code == 0, result.err
    assert "warning: cache row" in result.err and "treated as a miss" in result.err
    first, second = (read_jsonl(tmp_path / d / "meetings.jsonl") for d in ("first", "second"))
    assert first == second


def test_a_corrupt_cache_database_runs_uncached_and_clear_recovers(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer, fresh_cache: Path
) -> None:
    article = write_article(tmp_path / "in", "a.txt")
    assert invoke("run", str(article), "--out", str(tmp_path / "out"), *remote(server)).code == 0
    (fresh_cache / "responses" / "cache.db").write_bytes(b"garbage" * 1000)
    result = invoke("run", str(article), "--out", str(tmp_path / "out"), *remote(server))
    assert result.code == 0 and "running without the cache" in result.err
    stats = invoke("cache", "stats")
    assert stats.code == 2 and stats.err.startswith("error: the cache in") and "cache clear" in stats.err
    assert invoke("cache", "clear").code == 0
    assert invoke("cache", "stats").code == 0


@pytest.mark.parametrize("command", [("cache", "stats"), ("run", "IN")])
def test_an_unusable_cache_directory_is_a_one_line_error(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:  # fmt: skip
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(blocker))
    article = write_article(tmp_path / "in", "a.txt")
    args = [str(article) if a == "IN" else a for a in command]
    extra = ["--out", str(tmp_path / "out"), *remote(server)] if command[0] == "run" else []
    result = invoke(*args, *extra)
    assert result.code == 2
    assert result.err.strip().startswith("error: cache directory") and "EXTRACTOR_CACHE_DIR" in result.err
    assert "Traceback" not in result.err


def test_damaged_remembered_events_are_rebuilt_and_clear_forgets_them(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer, fresh_cache: Path
) -> None:
    article = write_article(tmp_path / "in", "a.txt")
    assert invoke("run", str(article), "--out", str(tmp_path / "first"), *remote(server)).code == 0
    (remembered,) = (fresh_cache / "events").iterdir()
    remembered.write_bytes(remembered.read_bytes()[:-3])  # cut short on disk
    result = invoke("run", str(article), "--out", str(tmp_path / "second"), *remote(server))
    assert result.code == 0, result.err
    assert "are damaged" in result.err and "building them again" in result.err
    first, second = ((tmp_path / d / "events.jsonl").read_bytes() for d in ("first", "second"))
    assert first == second
    assert "remembered events files: 1" in invoke("cache", "stats").out
    cleared = invoke("cache", "clear")
    assert cleared.code == 0 and "removed 1 remembered events files" in cleared.out
    assert list((fresh_cache / "events").iterdir()) == []
