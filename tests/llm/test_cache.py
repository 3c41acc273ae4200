from __future__ import annotations

import pickle
import sqlite3
import stat
from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.llm.cache import ResponseCache


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


def test_a_planted_pickle_is_refused_not_loaded(tmp_path: Path) -> None:
    ResponseCache(tmp_path / "c").close()
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        db.execute(
            "INSERT INTO Cache (key, raw, store_time, expire_time, access_time, access_count, tag, size, mode, "
            "filename, value) VALUES ('evil', 1, 0, NULL, 0, 0, NULL, 0, 4, NULL, ?)",
            (pickle.dumps({"x": 1}),),
        )
    cache = ResponseCache(tmp_path / "c")
    with pytest.raises(ConfigError, match="pickled value"):
        cache.get("evil")
    cache.close()
