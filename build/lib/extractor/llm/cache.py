"""A JSON-only response cache on diskcache.

diskcache unpickles any row stored in pickle mode, so whoever can write the
cache directory could run code in our process. `JSONOnlyDisk` stores text
only and refuses to read a pickled key or value; the directory is 0700.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE

from extractor.errors import ConfigError


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


class ResponseCache:
    """Validated responses as JSON, keyed by the request hash."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(directory, 0o700)
        self.directory = directory
        self._cache = diskcache.Cache(str(directory), disk=JSONOnlyDisk)

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._cache.get(key)
        if raw is None:
            return None
        loaded: dict[str, Any] = json.loads(raw)
        return loaded

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self._cache.set(key, json.dumps(entry, ensure_ascii=False, sort_keys=True))

    def stats(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "entries": len(self._cache), "bytes": self._cache.volume()}

    def clear(self) -> int:
        removed: int = self._cache.clear()
        return removed

    def close(self) -> None:
        self._cache.close()
