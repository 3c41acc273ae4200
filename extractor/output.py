"""Writing a batch: four JSONL files, each replaced atomically.

Files are written to a temporary name in the same directory and renamed
over the old one, so an interrupted run leaves either the old file or the
new one, never a torn one. Content is deterministic (input order, no
timings), so a replayed batch is byte-identical to the recorded one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel

from extractor.errors import InputError

OUTPUT_FILES = ("articles.jsonl", "meetings.jsonl", "statements.jsonl", "positions.jsonl")


def to_jsonl(rows: Iterable[BaseModel]) -> str:
    return "".join(row.model_dump_json() + "\n" for row in rows)


def write_atomic(path: Path, content: str) -> None:
    write_atomic_parts(path, [content])


def write_atomic_parts(path: Path, parts: Iterable[str]) -> None:
    """`parts` written one after another (e.g. lines from a generator), then the file replaced at once."""
    write_atomic_with(path, lambda handle: handle.writelines(part.encode("utf-8") for part in parts))


def write_atomic_with(path: Path, fill: Callable[[BinaryIO], None]) -> None:
    """What `fill` writes into a temporary file next to `path` (then fsynced), which replaces `path` at once."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(out_dir: Path, tables: dict[str, Sequence[BaseModel]]) -> list[Path]:
    """`tables` maps each name of OUTPUT_FILES to its rows."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot create the directory ({exc.strerror})") from exc
    written = []
    for name in OUTPUT_FILES:
        path = out_dir / name
        try:
            write_atomic(path, to_jsonl(tables.get(name, [])))
        except OSError as exc:
            raise InputError(
                f"--out {out_dir}: cannot write {name} ({exc.strerror}); results are in the cache"
            ) from exc
        written.append(path)
    return written
