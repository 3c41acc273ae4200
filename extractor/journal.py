"""Streaming a batch to disk: each finished article is appended to a journal,
and the four JSONL files are written from it when the run ends.

Memory stays flat whatever the corpus size (the journal holds the rows; the
process keeps one file offset per article), a run stopped by Ctrl-C or a
crash keeps every finished article, and the final files are still sorted by
input order and byte-identical to an unstreamed run. An article that failed
or was not reached keeps the result an earlier run wrote to the same
directory, so a failed rerun never replaces good output with failures.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Iterator
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
        self._offsets: dict[int, int] = {}
        self.article_ids: set[str] = set()
        self.not_ok_ids: set[str] = set()
        self._handle: IO[str] = self.path.open("w", encoding="utf-8", newline="\n")
        self._synced = time.monotonic()

    def append(self, entry: Entry) -> None:
        counts = [len(entry.records.get(name, [])) for name in RECORD_FILES]
        header = json.dumps({"i": entry.index, "id": entry.article_id, "ok": entry.ok, "n": counts}, ensure_ascii=False)
        self._offsets[entry.index] = self._handle.tell()
        lines = [header, entry.article, *(line for name in RECORD_FILES for line in entry.records.get(name, []))]
        self._handle.write("\n".join(lines) + "\n")
        self._handle.flush()
        if entry.article_id:
            self.article_ids.add(entry.article_id)
            if not entry.ok:
                self.not_ok_ids.add(entry.article_id)
        if time.monotonic() - self._synced >= FSYNC_INTERVAL_S:
            os.fsync(self._handle.fileno())
            self._synced = time.monotonic()

    def entries(self) -> Iterator[Entry]:
        self._handle.flush()
        with self.path.open(encoding="utf-8", newline="\n") as reader:
            for index in sorted(self._offsets):
                reader.seek(self._offsets[index])
                header = json.loads(reader.readline())
                article = reader.readline().rstrip("\n")
                records = {
                    name: [reader.readline().rstrip("\n") for _ in range(count)]
                    for name, count in zip(RECORD_FILES, header["n"], strict=True)
                }
                yield Entry(header["i"], header["id"], header["ok"], article, records)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # on an error the journal stays on disk: what finished is not lost
        if not self._offsets:
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


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


def earlier_rows(out_dir: Path, wanted: set[str]) -> dict[str, Entry]:
    """The earlier output's ok rows for the articles in `wanted` (by article id); reads only what it keeps."""
    kept: dict[str, Entry] = {}
    articles = out_dir / OUTPUT_FILES[0]
    if not wanted or not articles.is_file():
        return kept
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
    return kept


def earlier_article_ids(out_dir: Path) -> set[str]:
    path = out_dir / OUTPUT_FILES[0]
    return {json.loads(line).get("id", "") for line in _lines(path)} - {""} if path.is_file() else set()


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
    note.dropped_earlier = len(earlier_article_ids(out_dir) - journal.article_ids)
    writers = {name: _AtomicFile(out_dir / name) for name in OUTPUT_FILES}
    try:
        for entry in journal.entries():
            if not entry.ok and entry.article_id in earlier:
                entry, note.kept_earlier = earlier[entry.article_id], note.kept_earlier + 1
            writers[OUTPUT_FILES[0]].write(entry.article)
            for name in RECORD_FILES:
                for line in entry.records.get(name, []):
                    writers[name].write(line)
        for line in trailing:
            writers[OUTPUT_FILES[0]].write(line)
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
        self.handle: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, line: str) -> None:
        self.handle.write(line + "\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.tmp.unlink(missing_ok=True)
