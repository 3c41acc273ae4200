"""Writing events.jsonl next to the other files of a run (atomically, like them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from extractor.dataset.events import build_events
from extractor.dataset.load import EVENTS_FILE, OutputSet
from extractor.errors import InputError
from extractor.output import to_jsonl, write_atomic
from schemas import Event


def events_of(output: OutputSet) -> list[Event]:
    return build_events(output.meetings, output.statements, output.positions, output.articles)


def write_event_file(out_dir: Path, events: Sequence[Event]) -> Path:
    path = out_dir / EVENTS_FILE
    try:
        write_atomic(path, to_jsonl(events))
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write {EVENTS_FILE} ({exc.strerror})") from exc
    return path


def write_events(out_dir: Path, tables: dict[str, Sequence[BaseModel]]) -> Path:
    """events.jsonl from a batch's in-memory tables (file name → rows); returns its path."""
    return write_event_file(out_dir, events_of(OutputSet.of(tables)))
