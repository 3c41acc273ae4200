"""A JSON-only response cache on diskcache.

diskcache unpickles any row stored in pickle mode, so whoever can write the
cache directory could run code in our process. `JSONOnlyDisk` stores text
only and refuses to read a pickled key or value; the directory is 0700.

Nothing is evicted unless the user caps the size (`EXTRACTOR_CACHE_MAX_GB`): the
answers are what a run paid for, and diskcache's own default (1 GiB, then the
oldest rows are dropped) silently re-bought them on a large corpus.

A cache is only ever an optimisation: a damaged row is a miss (with a
warning, and the row is dropped), a damaged database makes the run go on
without a cache, and `clear_directory` recovers even when diskcache cannot
open the database at all.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE

from extractor.errors import ConfigError

log = logging.getLogger(__name__)


class JSONOnlyDisk(diskcache.Disk):  # type: ignore[misc]
    def put(self, key: Any) -> Any:
        if not isinstance(key, str):
            raise TypeError("cache keys must be str")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise ConfigError("cache row with a pickled key: refusing to load it; run `extractor cache clear`")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
        if read or not isinstance(value, str):
            raise TypeError("cache values must be JSON text")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
        if mode == MODE_PICKLE:
            raise ConfigError("cache row holds a pickled value: refusing to load it; run `extractor cache clear`")
        return super().fetch(mode, filename, value, read)


NO_LIMIT = 2**62  # bytes: diskcache needs a number
# diskcache's defaults (64 MB of memory-mapped database, 32 MB of page cache) show up as resident memory that
# grows with the corpus until both are full; a run reads each row about once, so a small cache costs little.
SQLITE_MMAP_BYTES = 0
SQLITE_CACHE_PAGES = 512  # 2 MB at 4 KB pages


class ResponseCache:
    """Validated responses as JSON, keyed by the request hash; `max_bytes` caps it (oldest rows go first)."""

    def __init__(self, directory: Path, max_bytes: int | None = None) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(directory, 0o700)
        except OSError as exc:
            raise ConfigError(
                f"cache directory {directory}: {exc.strerror}; set EXTRACTOR_CACHE_DIR to a writable directory"
            ) from exc
        self.directory = directory
        # One writer at a time in this process. SQLite admits one anyway, and a writer that finds the database
        # locked waits in its busy handler, which sleeps in growing steps: under 64 threads a put took up to
        # 0.9 s (p99 0.23 s); queued on a lock, at most 0.1 s (0.05 s), and the same puts end sooner.
        self._write = threading.Lock()
        try:
            self._cache = diskcache.Cache(
                str(directory), disk=JSONOnlyDisk, size_limit=max_bytes or NO_LIMIT,
                eviction_policy="least-recently-stored", sqlite_mmap_size=SQLITE_MMAP_BYTES,
                sqlite_cache_size=SQLITE_CACHE_PAGES,
            )  # fmt: skip
        except (sqlite3.DatabaseError, OSError) as exc:
            raise ConfigError(f"the cache in {directory} is damaged ({exc}); run `extractor cache clear`") from exc

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self._cache.get(key)
            if raw is None:
                return None
            loaded = json.loads(raw)
            if not isinstance(loaded, dict):
                raise ValueError("not a JSON object")
        except (ValueError, TypeError, ConfigError, sqlite3.DatabaseError, OSError) as exc:
            log.warning("cache row %s… is damaged (%s): treated as a miss and dropped", key[:12], exc)
            self._drop(key)
            return None
        return loaded

    def _drop(self, key: str) -> None:
        try:
            with self._write:
                self._cache.delete(key)
        except (sqlite3.DatabaseError, OSError) as exc:
            log.warning("could not drop the damaged cache row (%s)", exc)

    def put(self, key: str, entry: dict[str, Any]) -> None:
        row = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with self._write:
            self._cache.set(key, row)

    def stats(self) -> dict[str, Any]:
        limit = self._cache.size_limit
        return {
            "directory": str(self.directory), "entries": len(self._cache), "bytes": self._cache.volume(),
            "limit_bytes": None if limit >= NO_LIMIT else limit,
        }  # fmt: skip

    def clear(self) -> int:
        removed: int = self._cache.clear()
        return removed

    def close(self) -> None:
        self._cache.close()


def clear_directory(directory: Path) -> int:
    """Empty the cache, even one diskcache cannot open; the number of entries removed (-1: unknown, damaged)."""
    try:
        cache = ResponseCache(directory)
    except ConfigError:
        shutil.rmtree(directory, ignore_errors=True)
        return -1
    try:
        return cache.clear()
    except (sqlite3.DatabaseError, OSError):
        cache.close()
        shutil.rmtree(directory, ignore_errors=True)
        return -1
    finally:
        cache.close()


def open_or_warn(directory: Path, max_bytes: int | None = None) -> ResponseCache | None:
    """The cache for a run; a damaged one is skipped with a warning (the run still works, just uncached)."""
    try:
        return ResponseCache(directory, max_bytes)
    except ConfigError as exc:
        if "damaged" not in str(exc):
            raise
        log.warning("%s; running without the cache", exc)
        return None
