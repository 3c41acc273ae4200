"""Streaming a batch to disk: each finished article is appended to a journal,
and the four JSONL files are written from it when the run ends.

Memory stays flat whatever the corpus size (the journal holds the rows; the
process keeps a file offset and an 8-byte id digest per article, in arrays), a run stopped by Ctrl-C or a
crash keeps every finished article, and the final files are still sorted by
input order and byte-identical to an unstreamed run. An article that failed
or was not reached keeps the result an earlier run wrote to the same
directory, so a failed rerun never replaces good output with failures.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from extractor.errors import InputError
from extractor.output import OUTPUT_FILES

JOURNAL_NAME = ".journal.jsonl"
LOCK_NAME = ".extractor.lock"
RECORD_FILES = OUTPUT_FILES[1:]  # meetings, statements, positions: rows carry `article_id`
FSYNC_INTERVAL_S = 2.0


@dataclass
class Entry:
    """One article's rows, already serialised (`article`: its articles.jsonl line)."""

    index: int
    article_id: str
    ok: bool  # ok or skipped: a result worth keeping over an earlier run's
    article: str
    records: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class StoredEntry:
    """An entry as read back for the final files: per file, its lines as bytes, newlines included."""

    article_id: str
    ok: bool
    lines: dict[str, bytes]

    @classmethod
    def of(cls, entry: Entry) -> StoredEntry:
        lines = {OUTPUT_FILES[0]: f"{entry.article}\n".encode()}
        for name in RECORD_FILES:
            lines[name] = "".join(f"{line}\n" for line in entry.records.get(name, [])).encode()
        return cls(entry.article_id, entry.ok, lines)


@dataclass
class MergeNote:
    kept_earlier: int = 0  # articles that failed or were not reached now, kept from the earlier output
    dropped_earlier: int = 0  # articles of the earlier output that are not in this run's input


class Journal:
    """Append-only; `entries()` reads it back in input order.

    An entry is a small JSON header (index, article id, ok, how many lines of each file follow) and then the
    lines themselves as they go into the output files, so reading it back parses only the header.
    """

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / JOURNAL_NAME
        # By input index, -1 where none: 8 bytes an article, where a dict of ints costs ~120 (100,000 articles:
        # 0.8 MB, not 12).
        self._offsets = array("q")
        self._ids = IdDigests()
        self.not_ok_ids: set[str] = set()  # few in a healthy run; the earlier output is kept for them
        self._handle: IO[str] = self.path.open("w", encoding="utf-8", newline="\n")
        self._synced = time.monotonic()

    def append(self, entry: Entry) -> None:
        counts = [len(entry.records.get(name, [])) for name in RECORD_FILES]
        header = json.dumps({"i": entry.index, "id": entry.article_id, "ok": entry.ok, "n": counts}, ensure_ascii=False)
        if entry.index >= len(self._offsets):
            self._offsets.extend([-1] * (entry.index + 1 - len(self._offsets)))
        self._offsets[entry.index] = self._handle.tell()
        lines = [header, entry.article, *(line for name in RECORD_FILES for line in entry.records.get(name, []))]
        self._handle.write("\n".join(lines) + "\n")
        self._handle.flush()
        if entry.article_id:
            self._ids.add(entry.article_id)
            if not entry.ok:
                self.not_ok_ids.add(entry.article_id)
        if time.monotonic() - self._synced >= FSYNC_INTERVAL_S:
            os.fsync(self._handle.fileno())
            self._synced = time.monotonic()

    def entries(self) -> Iterator[StoredEntry]:
        """In input order, as bytes: the final files are copies of these lines, not re-encoded."""
        self._handle.flush()
        with self.path.open("rb") as reader:
            for offset in self._offsets:
                if offset < 0:
                    continue
                reader.seek(offset)  # a byte offset: tell() of a text file being written is one
                header = json.loads(reader.readline())
                lines = {OUTPUT_FILES[0]: reader.readline()}
                for name, count in zip(RECORD_FILES, header["n"], strict=True):
                    lines[name] = b"".join(reader.readline() for _ in range(count))
                yield StoredEntry(header["id"], header["ok"], lines)

    @property
    def empty(self) -> bool:
        return not self._offsets

    def missing(self, article_ids: Iterable[str]) -> int:
        """How many distinct ids of `article_ids` no entry has."""
        return self._ids.missing(article_ids)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # on an error the journal stays on disk: what finished is not lost
        if self.empty:
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


class IdDigests:
    """A set of strings kept as 64-bit digests in an array (8 bytes each, where a set of str costs ~120):
    membership is by digest, so two ids colliding is possible, at odds of about n² / 2⁶⁵ (10⁻⁹ at 100,000)."""

    def __init__(self) -> None:
        self._digests = array("Q")
        self._sorted = 0  # how much of the array is sorted

    def add(self, value: str) -> None:
        self._digests.append(_digest(value))

    def __contains__(self, value: str) -> bool:
        if self._sorted != len(self._digests):
            self._digests = array("Q", sorted(self._digests))
            self._sorted = len(self._digests)
        digest = _digest(value)
        at = bisect.bisect_left(self._digests, digest)
        return at < len(self._digests) and self._digests[at] == digest

    def missing(self, values: Iterable[str]) -> int:
        return len({value for value in values if value not in self})


def _digest(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """One run per output directory at a time; a second one is told so at once."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = (out_dir / LOCK_NAME).open("a+")
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot create the directory ({exc.strerror})") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise InputError(
                f"--out {out_dir}: another extractor run ({holder}) is writing there; wait for it or use another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def earlier_rows(out_dir: Path, wanted: set[str]) -> dict[str, StoredEntry]:
    """The earlier output's ok rows for the articles in `wanted` (by article id); reads only what it keeps."""
    kept: dict[str, Entry] = {}
    articles = out_dir / OUTPUT_FILES[0]
    if not wanted or not articles.is_file():
        return {}
    for line in _lines(articles):
        row = json.loads(line)
        if row.get("id") in wanted and row.get("status") == "ok":
            kept[row["id"]] = Entry(-1, row["id"], True, line, {name: [] for name in RECORD_FILES})
    for name in RECORD_FILES:
        path = out_dir / name
        if kept and path.is_file():
            for line in _lines(path):
                article_id = json.loads(line).get("article_id")
                if article_id in kept:
                    kept[article_id].records[name].append(line)
    return {article_id: StoredEntry.of(entry) for article_id, entry in kept.items()}


def earlier_article_ids(out_dir: Path) -> Iterator[str]:
    path = out_dir / OUTPUT_FILES[0]
    if path.is_file():
        for line in _lines(path):
            if article_id := json.loads(line).get("id", ""):
                yield article_id


def _lines(path: Path) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield line.rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return


def write_final(out_dir: Path, journal: Journal, trailing: list[str]) -> tuple[list[Path], MergeNote]:
    """The four files from the journal in input order (then `trailing` article rows), each replaced atomically."""
    note = MergeNote()
    earlier = earlier_rows(out_dir, journal.not_ok_ids)
    note.dropped_earlier = journal.missing(earlier_article_ids(out_dir))
    writers = {name: _AtomicFile(out_dir / name) for name in OUTPUT_FILES}
    try:
        for entry in journal.entries():
            if not entry.ok and entry.article_id in earlier:
                entry, note.kept_earlier = earlier[entry.article_id], note.kept_earlier + 1
            for name, lines in entry.lines.items():
                writers[name].write(lines)
        for line in trailing:
            writers[OUTPUT_FILES[0]].write(f"{line}\n".encode())
        for writer in writers.values():
            writer.commit()
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot write ({exc.strerror}); results are in the cache") from exc
    finally:
        for writer in writers.values():
            writer.discard()
    return [out_dir / name for name in OUTPUT_FILES], note


class _AtomicFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.tmp = Path(tmp)
        self.handle: IO[bytes] = os.fdopen(fd, "wb")

    def write(self, lines: bytes) -> None:
        self.handle.write(lines)

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.tmp.unlink(missing_ok=True)
