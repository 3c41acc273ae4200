"""events.jsonl remembered by what it is built from.

The events step is a pass over a run's whole output (meetings are grouped across articles); on a warm rerun it
took more than half the run. What it writes follows from the records files, the articles' ids and dates, and the
code (grouping rules included), so it is kept under a hash of them: a rerun whose files come out the same copies
events.jsonl back instead of building it again, and any change to a record, a date, the code or the rules misses.

Kept as zstd files (with a checksum) in a directory of the cache, not as rows of the response cache: a value
holds its whole text in memory, and events.jsonl grows with the corpus. The KEEP most recently used are kept.
A damaged or unreadable file is a miss; the memo is only ever an optimisation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import zstandard

from extractor.dataset.load import EVENTS_FILE

log = logging.getLogger(__name__)

KEY_VERSION = "events-memo:v1"
EVENTS_MEMO_DIR = "events"  # under the cache directory, beside the response cache
KEEP = 8
RECORDS_FILES = ("meetings.jsonl", "statements.jsonl", "positions.jsonl")
SUFFIX = ".jsonl.zst"
_CHUNK = 1 << 16  # compressed bytes read at a time: about ten times as many come out


class EventsMemo:
    """events.jsonl of earlier runs in `directory`, for code whose fingerprint is `code`."""

    def __init__(self, directory: Path, code: str) -> None:
        self.directory = directory
        self._code = code

    def key(self, out_dir: Path) -> str | None:
        """A hash of the code, the records files' bytes and each article's id and date (only these of
        articles.jsonl: its usage and cost differ between a cold run and a warm one); None: a file is missing."""
        digest = hashlib.sha256(f"{KEY_VERSION}\0{self._code}\0".encode())
        try:
            digest.update(_article_dates_digest(out_dir / "articles.jsonl"))
            for name in RECORDS_FILES:
                with (out_dir / name).open("rb") as handle:
                    digest.update(f"{name}\0".encode() + hashlib.file_digest(handle, "sha256").digest())
        except OSError:
            return None  # the events step says which, in its own words
        return digest.hexdigest()

    def restore(self, key: str, out_dir: Path) -> Path | None:
        """events.jsonl written into `out_dir` (atomically) from the memo; None on a miss."""
        stored = self._path(key)
        if not stored.is_file():
            return None
        target = out_dir / EVENTS_FILE
        try:
            _atomic(target, lambda out: _decompress(stored, out))
            os.utime(stored)  # recently used: kept longest
        except zstandard.ZstdError as exc:
            log.warning("remembered events %s… are damaged (%s): building them again", key[:12], exc)
            stored.unlink(missing_ok=True)
            return None
        except OSError as exc:
            log.warning("remembered events %s… unreadable (%s): building them again", key[:12], exc.strerror or exc)
            return None
        return target

    def store(self, key: str, events: Path) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            _atomic(self._path(key), lambda out: _compress(events, out))
            self._forget_oldest()
        except OSError as exc:
            log.warning("could not remember events.jsonl in %s (%s)", self.directory, exc.strerror or exc)

    def count(self) -> int:
        return len(self._stored())

    def clear(self) -> int:
        """Forget every remembered events file; how many there were."""
        paths = self._stored()
        for path in paths:
            path.unlink(missing_ok=True)
        return len(paths)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{SUFFIX}"

    def _stored(self) -> list[Path]:
        return sorted(self.directory.glob(f"*{SUFFIX}")) if self.directory.is_dir() else []

    def _forget_oldest(self) -> None:
        by_use = sorted(self._stored(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in by_use[KEEP:]:
            path.unlink(missing_ok=True)


def write_events_remembered(out_dir: Path, memo: EventsMemo | None, build: Callable[[Path], Path]) -> tuple[Path, bool]:
    """events.jsonl of `out_dir`, and whether it came from `memo` (which holds these files' events), else from
    `build(out_dir)` (then remembered)."""
    key = memo.key(out_dir) if memo is not None else None
    if memo is None or key is None:
        return build(out_dir), False
    restored = memo.restore(key, out_dir)
    if restored is not None:
        return restored, True
    written = build(out_dir)
    memo.store(key, written)
    return written, False


def _article_dates_digest(path: Path) -> bytes:
    """Each article row's id and publication date, in order, as the events step reads them."""
    digest = hashlib.sha256()
    with path.open(encoding="utf-8", newline="\n") as lines:
        for line in lines:
            try:
                row = json.loads(line)
                fields = [row.get("id"), row.get("published")]
            except (ValueError, AttributeError):
                fields = [line]  # the step itself reports it; the key need only differ
            digest.update(json.dumps(fields).encode() + b"\n")
    return digest.digest()


def _compress(source: Path, out: BinaryIO) -> None:
    with source.open("rb") as src:
        zstandard.ZstdCompressor(level=3, write_checksum=True).copy_stream(src, out, size=source.stat().st_size)


def _decompress(source: Path, out: BinaryIO) -> None:
    inflate = zstandard.ZstdDecompressor().decompressobj()
    with source.open("rb") as src:
        while chunk := src.read(_CHUNK):
            out.write(inflate.decompress(chunk))
    if not inflate.eof:  # a stream cut short decodes without an error: only a finished frame has been checked
        raise zstandard.ZstdError("the file ends before its zstd frame does")


def _atomic(target: Path, fill: Callable[[BinaryIO], None]) -> None:
    """`target` replaced at once by what `fill` writes into a temporary file next to it (fsynced)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
