"""Writing events.jsonl next to the other files of a run (atomically, like them)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel

from extractor.dataset.events import build_events, stream_events
from extractor.dataset.links import PositionLinkFields, StatementLinkFields
from extractor.dataset.load import EVENTS_FILE, OutputSet, iter_jsonl
from extractor.dataset.store import EventStore
from extractor.errors import InputError
from extractor.output import write_atomic_parts
from schemas import Event, MeetingRecord

# A statement links to an event only through its meeting, so one written without a meeting (compact JSON, as the
# run writes it: `meeting_id` is the only key of that name in a statement, and a key's quotes cannot occur inside
# a JSON string) is passed over unparsed. Most statements have none; parsing them was a fifth of the events step.
NO_MEETING = '"meeting_id":null'


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

    What spans articles goes to a scratch SQLite file in `out_dir` (deleted after), so memory holds the
    groups still open and one article's statements, whatever the corpus's size. Same bytes as `events_of`
    on the loaded files.
    """
    articles = article_dates(out_dir / "articles.jsonl")
    with (
        tempfile.TemporaryDirectory(dir=out_dir, prefix=".events-") as scratch,
        EventStore(Path(scratch) / "events.sqlite") as store,
    ):
        store.add_articles(articles)
        events = stream_events(
            store,
            iter_jsonl(out_dir / "meetings.jsonl", MeetingRecord),
            iter_jsonl(out_dir / "statements.jsonl", StatementLinkFields, unless=NO_MEETING),
            iter_jsonl(out_dir / "positions.jsonl", PositionLinkFields),
            article_order=True,
        )
        return write_event_file(out_dir, events)


def article_dates(path: Path) -> Iterator[tuple[str, dt.date | None]]:
    """Each article's id and publication date in run order, from articles.jsonl (read as plain JSON)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; run `extractor run … --out {path.parent}` first")
    return _article_rows(path)


def _article_rows(path: Path) -> Iterator[tuple[str, dt.date | None]]:
    with path.open(encoding="utf-8", newline="\n") as lines:
        for lineno, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
                article_id, day = str(row.get("id") or ""), row.get("published")
                published = dt.date.fromisoformat(day) if day else None
            except (ValueError, TypeError, AttributeError) as exc:
                raise InputError(f"{path}:{lineno}: not an article row ({exc})") from exc
            yield article_id, published
