from __future__ import annotations

import logging
import pickle
import sqlite3
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from extractor.config import settings_from_env
from extractor.errors import ConfigError
from extractor.llm.cache import ResponseCache, clear_directory, open_or_warn


def test_round_trip_and_stats(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c")
    cache.put("k", {"data": {"meetings": []}, "usage": {"calls": 1}})
    assert cache.get("k") == {"data": {"meetings": []}, "usage": {"calls": 1}}
    assert cache.get("missing") is None
    assert cache.stats()["entries"] == 1
    assert cache.clear() == 1 and cache.get("k") is None
    cache.close()


def test_directory_is_private(tmp_path: Path) -> None:
    ResponseCache(tmp_path / "c").close()
    assert stat.S_IMODE((tmp_path / "c").stat().st_mode) == 0o700


def test_values_are_stored_as_json_text_not_pickles(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c")
    cache.put("k", {"a": 1})
    cache.close()
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        (mode, value) = db.execute("SELECT mode, value FROM Cache WHERE key = 'k'").fetchone()
    assert value == '{"a": 1}' and mode != 4  # 4 = diskcache MODE_PICKLE


def test_a_planted_pickle_is_refused_not_loaded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    ResponseCache(tmp_path / "c").close()
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        db.execute(
            "INSERT INTO Cache (key, raw, store_time, expire_time, access_time, access_count, tag, size, mode, "
            "filename, value) VALUES ('evil', 1, 0, NULL, 0, 0, NULL, 0, 4, NULL, ?)",
            (pickle.dumps({"x": 1}),),
        )
    cache = ResponseCache(tmp_path / "c")
    with caplog.at_level(logging.WARNING):
        assert cache.get("evil") is None  # never unpickled: a miss, and the row is gone
    assert "pickled value" in caplog.text
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        assert db.execute("SELECT count(*) FROM Cache WHERE key = 'evil'").fetchone() == (0,)
    cache.close()


def test_a_damaged_row_is_a_miss_not_a_crash(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = ResponseCache(tmp_path / "c")
    cache.put("k", {"a": 1})
    cache.close()
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        db.execute("UPDATE Cache SET value = '{\"a\": 1' WHERE key = 'k'")  # cut short
    cache = ResponseCache(tmp_path / "c")
    with caplog.at_level(logging.WARNING):
        assert cache.get("k") is None
    assert "damaged" in caplog.text
    cache.put("k", {"a": 2})
    assert cache.get("k") == {"a": 2}
    cache.close()


def test_a_damaged_database_is_reported_and_clear_recovers(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    ResponseCache(directory).close()
    (directory / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    with pytest.raises(ConfigError, match=r"damaged.*extractor cache clear"):
        ResponseCache(directory)
    assert open_or_warn(directory) is None
    assert clear_directory(directory) == -1
    fresh = ResponseCache(directory)
    fresh.put("k", {"a": 1})
    assert fresh.get("k") == {"a": 1}
    fresh.close()


def test_an_unusable_cache_directory_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="EXTRACTOR_CACHE_DIR"):
        ResponseCache(blocker / "responses")


def test_nothing_is_evicted_unless_the_size_is_capped(tmp_path: Path) -> None:
    """diskcache's own default (1 GiB, then the oldest rows go) silently dropped answers on large corpora."""
    row = {"data": "x" * 60_000}
    uncapped = ResponseCache(tmp_path / "uncapped")
    capped = ResponseCache(tmp_path / "capped", max_bytes=200_000)
    for i in range(20):
        uncapped.put(f"k{i}", row)
        capped.put(f"k{i}", row)
    assert uncapped.get("k0") == row and uncapped.stats()["entries"] == 20
    assert uncapped.stats()["limit_bytes"] is None
    assert capped.get("k0") is None and capped.get("k19") == row  # oldest stored went first
    uncapped.close()
    capped.close()


def test_the_cap_comes_from_the_environment(tmp_path: Path) -> None:
    assert settings_from_env({"EXTRACTOR_CACHE_MAX_GB": "2"}).cache_max_bytes == 2 * 2**30
    assert settings_from_env({}).cache_max_bytes is None
    with pytest.raises(ConfigError, match="EXTRACTOR_CACHE_MAX_GB='lots'"):
        settings_from_env({"EXTRACTOR_CACHE_MAX_GB": "lots"})


def test_writers_of_one_process_take_turns_and_every_row_lands(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    with cache._write:  # a writer is busy: another thread's put waits for it, not in SQLite's busy handler
        waiting = threading.Thread(target=cache.put, args=("k", {"v": 1}))
        waiting.start()
        waiting.join(0.2)
        assert waiting.is_alive()
    waiting.join(5)
    assert cache.get("k") == {"v": 1}
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda i: cache.put(f"k{i}", {"v": i}), range(320)))
    assert all(cache.get(f"k{i}") == {"v": i} for i in range(320))
