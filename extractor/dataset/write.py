"""Writing events.jsonl next to the other files of a run (atomically, like them)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel

from extractor.countries import default_countries
from extractor.dataset.events import build_events, events_in_order, group_meetings
from extractor.dataset.links import record_links
from extractor.dataset.load import EVENTS_FILE, OutputSet, iter_jsonl
from extractor.dataset.rules import default_rules
from extractor.errors import InputError
from extractor.output import write_atomic_parts
from schemas import Event, MeetingRecord, PositionRecord, StatementRecord


def events_of(output: OutputSet) -> list[Event]:
    return build_events(output.meetings, output.statements, output.positions, output.articles)


def write_event_file(out_dir: Path, events: Iterable[Event]) -> Path:
    path = out_dir / EVENTS_FILE
    try:
        write_atomic_parts(path, (event.model_dump_json() + "\n" for event in events))
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write {EVENTS_FILE} ({exc.strerror})") from exc
    return path


def write_events(out_dir: Path, tables: dict[str, Sequence[BaseModel]]) -> Path:
    """events.jsonl from a batch's in-memory tables (file name → rows); returns its path."""
    return write_event_file(out_dir, events_of(OutputSet.of(tables)))


def write_events_from_files(out_dir: Path) -> Path:
    """events.jsonl from a run's files, each read once, one line at a time.

    Memory holds the meetings as mentions (what grouping needs, not the records) and the ids of linked
    statements and positions; every other record is read, linked and let go. Same bytes as `events_of` on
    the loaded files.
    """
    rules = default_rules()
    published, order = _article_dates(out_dir / "articles.jsonl")
    meetings = iter_jsonl(out_dir / "meetings.jsonl", MeetingRecord)
    groups, ids = group_meetings(meetings, published, default_countries(), rules)
    statements = iter_jsonl(out_dir / "statements.jsonl", StatementRecord)
    positions = iter_jsonl(out_dir / "positions.jsonl", PositionRecord)
    links = record_links(groups, ids, statements, positions, article_order=order)
    return write_event_file(out_dir, events_in_order(groups, ids, links, rules))


def _article_dates(path: Path) -> tuple[dict[str, dt.date | None], dict[str, int]]:
    """Each article's publication date and its place in the run, from articles.jsonl (read as plain JSON)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; run `extractor run … --out {path.parent}` first")
    published: dict[str, dt.date | None] = {}
    order: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="\n") as lines:
        for lineno, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
                article_id, day = str(row.get("id") or ""), row.get("published")
                published[article_id] = dt.date.fromisoformat(day) if day else None
            except (ValueError, TypeError, AttributeError) as exc:
                raise InputError(f"{path}:{lineno}: not an article row ({exc})") from exc
            order.setdefault(article_id, lineno)
    return published, order
