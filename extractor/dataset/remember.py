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

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import zstandard

from extractor.dataset.load import EVENTS_FILE
from extractor.dataset.write import article_dates
from extractor.errors import InputError
from extractor.output import write_atomic_with

log = logging.getLogger(__name__)

KEY_VERSION = "events-memo:v1"
EVENTS_MEMO_DIR = "events"  # under the cache directory, beside the response cache
KEEP = 8
ARTICLES_FILE = "articles.jsonl"  # of which only each row's id and date are read (keyed by them alone)
RECORDS_FILES = ("meetings.jsonl", "statements.jsonl", "positions.jsonl")  # read whole (keyed by their bytes)
SUFFIX = ".jsonl.zst"
_CHUNK = 1 << 14  # compressed bytes decoded at a time: what comes out is this times the ratio (10 to 30)


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
            digest.update(_article_dates_digest(out_dir / ARTICLES_FILE))
            for name in RECORDS_FILES:
                with (out_dir / name).open("rb") as handle:
                    digest.update(f"{name}\0".encode() + hashlib.file_digest(handle, "sha256").digest())
        except (OSError, InputError):
            return None  # a file missing or unreadable: the events step says which, in its own words
        return digest.hexdigest()

    def restore(self, key: str, out_dir: Path) -> Path | None:
        """events.jsonl written into `out_dir` (atomically) from the memo; None on a miss."""
        stored = self.directory / f"{key}{SUFFIX}"
        if not stored.is_file():
            return None
        target = out_dir / EVENTS_FILE
        try:
            write_atomic_with(target, lambda out: _decompress(stored, out))
        except zstandard.ZstdError as exc:
            log.warning("remembered events %s… are damaged (%s): building them again", key[:12], exc)
            stored.unlink(missing_ok=True)
            return None
        except OSError as exc:  # reading the memo or writing the output: the build that follows tells which
            log.warning("could not copy remembered events %s… (%s): building them again", key[:12], _why(exc))
            return None
        with contextlib.suppress(OSError):  # a shared or read-only cache: the copy stands, only its age is off
            os.utime(stored)  # recently used: kept longest
        return target

    def store(self, key: str, events: Path) -> None:
        """Keep `events` (a finished events.jsonl) under `key`; then only the KEEP most recently used."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.directory, 0o700)
            write_atomic_with(self.directory / f"{key}{SUFFIX}", lambda out: _compress(events, out))
        except OSError as exc:
            log.warning("could not remember events.jsonl in %s (%s)", self.directory, _why(exc))
            return
        _forget_oldest(self.directory)


def remembered_files(directory: Path) -> list[Path]:
    """The events files kept in `directory` (none when it does not exist)."""
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []


def forget_all(directory: Path) -> int:
    """Delete every events file kept in `directory`, and what a stopped store left; how many files were kept."""
    kept = remembered_files(directory)
    leftovers = sorted(directory.glob(f".*{SUFFIX}.*.tmp")) if directory.is_dir() else []
    for path in kept + leftovers:
        path.unlink(missing_ok=True)
    return len(kept)


def _forget_oldest(directory: Path) -> None:
    used: list[tuple[int, Path]] = []
    for path in remembered_files(directory):
        with contextlib.suppress(FileNotFoundError):  # another run may have let it go meanwhile
            used.append((path.stat().st_mtime_ns, path))
    for _, path in sorted(used, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


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
    """Each article's id and publication date, in order, as the events step reads them (`write.article_dates`)."""
    digest = hashlib.sha256()
    for article_id, published in article_dates(path):
        digest.update(json.dumps([article_id, published.isoformat() if published else None]).encode() + b"\n")
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
