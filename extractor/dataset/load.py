"""Reading an output directory (`extractor run --out DIR`) back into typed records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from extractor.errors import InputError
from schemas import ArticleResult, Event, MeetingRecord, PositionRecord, StatementRecord

EVENTS_FILE = "events.jsonl"
Row = TypeVar("Row", bound=BaseModel)


@dataclass
class OutputSet:
    articles: list[ArticleResult] = field(default_factory=list)
    meetings: list[MeetingRecord] = field(default_factory=list)
    statements: list[StatementRecord] = field(default_factory=list)
    positions: list[PositionRecord] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @classmethod
    def of(cls, tables: dict[str, Sequence[BaseModel]]) -> OutputSet:
        """From the in-memory tables of a batch (file name → rows), as `extractor.batch.tables` gives them."""
        return cls(
            articles=_typed(tables.get("articles.jsonl", ()), ArticleResult),
            meetings=_typed(tables.get("meetings.jsonl", ()), MeetingRecord),
            statements=_typed(tables.get("statements.jsonl", ()), StatementRecord),
            positions=_typed(tables.get("positions.jsonl", ()), PositionRecord),
        )


def _typed(rows: Sequence[BaseModel], model: type[Row]) -> list[Row]:
    return [row for row in rows if isinstance(row, model)]


def read_jsonl(path: Path, model: type[Row], *, required: bool = True) -> list[Row]:
    return list(iter_jsonl(path, model, required=required))


def iter_jsonl(path: Path, model: type[Row], *, required: bool = True, unless: str | None = None) -> Iterator[Row]:
    """The rows of one output file, parsed one line at a time; `unless`: lines holding this text are passed over
    unparsed (and unchecked)."""
    if not path.is_file():
        if required:
            raise InputError(f"{path}: no such file; run `extractor run … --out {path.parent}` first")
        return
    with path.open(encoding="utf-8", newline="\n") as lines:
        for lineno, line in enumerate(lines, start=1):
            if line.strip() and (unless is None or unless not in line):
                try:
                    yield model.model_validate_json(line)
                except ValidationError as exc:
                    raise InputError(f"{path}:{lineno}: not a {model.__name__} ({exc.errors()[0]['msg']})") from exc


def load_output(out_dir: Path, *, with_events: bool = True) -> OutputSet:
    """The four JSONL files of a run, and events.jsonl when it is there and `with_events`."""
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: no such directory; pass the --out directory of a run")
    return OutputSet(
        articles=read_jsonl(out_dir / "articles.jsonl", ArticleResult),
        meetings=read_jsonl(out_dir / "meetings.jsonl", MeetingRecord),
        statements=read_jsonl(out_dir / "statements.jsonl", StatementRecord),
        positions=read_jsonl(out_dir / "positions.jsonl", PositionRecord),
        events=read_jsonl(out_dir / EVENTS_FILE, Event, required=False) if with_events else [],
    )
