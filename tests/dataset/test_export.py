"""Tidy tables and their four formats, read back with pandas, duckdb and sqlite3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from extractor.dataset.events import build_events
from extractor.dataset.export import FORMATS, default_destination, export_tables
from extractor.dataset.load import OutputSet
from extractor.dataset.tables import Table, build_tables
from extractor.errors import InputError
from schemas import Flag, FlagCode, MeetingStatus, Stance
from tests.dataset.factories import article, meeting, position, statement

SAID = "Alice Smith urged Bruno Keller to cut tariffs."


def _output() -> OutputSet:
    meetings = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", city="Berlin"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-05", evidence=SAID),
        meeting("a2:s0:meeting:1", ["Alice Smith", "Chen Lan", "Dara Okafor"], None, status=MeetingStatus.planned),
    ]
    meetings[2] = meetings[2].model_copy(update={"flags": [Flag(code=FlagCode.date_unresolved, reason="no date")]})
    statements = [statement("a2:s0:statement:0", "Alice Smith", "cut tariffs", "a2:s0:meeting:0", SAID)]
    positions = [position("a2:s0:position:0", "Alice Smith", Stance.demands, SAID)]
    articles = [article("a1", "2030-03-05"), article("a2", "2030-03-06")]
    output = OutputSet(articles, meetings, statements, positions)
    output.events = build_events(meetings, statements, positions, articles)
    return output


def _by_name(tables: list[Table]) -> dict[str, Table]:
    return {t.name: t for t in tables}


def test_every_row_has_exactly_the_declared_columns() -> None:
    tables = build_tables(_output())
    assert [t.name for t in tables] == [
        "articles", "meetings", "participants", "statements", "positions", "events", "event_mentions", "flags"
    ]
    for table in tables:
        assert table.rows, table.name
        for row in table.rows:
            assert list(row) == table.column_names, table.name


def test_participant_rows_carry_the_cameo_code_from_their_side() -> None:
    rows = _by_name(build_tables(_output()))["participants"].rows
    first = {r["name_as_written"]: r["cameo"] for r in rows if r["meeting_id"] == "a1:s0:meeting:0"}
    assert first == {"Alice Smith": "042", "Bruno Keller": "043"}  # Bruno hosts in Berlin


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_back_with_the_same_rows_and_joins(fmt: str, tmp_path: Path) -> None:
    tables = build_tables(_output())
    counts = {t.name: len(t.rows) for t in tables}
    dest = default_destination(tmp_path, fmt)
    export_tables(tables, fmt, dest)
    frames = _read_back(fmt, dest, [t.name for t in tables])
    assert {name: len(frame) for name, frame in frames.items()} == counts
    meetings, participants, events = frames["meetings"], frames["participants"], frames["events"]
    joined = participants.merge(meetings, on="meeting_id", suffixes=("", "_m"))
    assert len(joined) == len(participants) == 7
    held = events[events["mentions"] == 2]
    assert len(held) == 1 and held.iloc[0]["flags"] == "event_date_conflict"
    mentions = frames["event_mentions"].merge(events, on="event_id")
    assert sorted(mentions[mentions["mentions"] == 2]["record_id"]) == ["a1:s0:meeting:0", "a2:s0:meeting:0"]
    statements = frames["statements"]
    assert statements.iloc[0]["event_id"] == held.iloc[0]["event_id"] and statements.iloc[0]["cameo"] == "100"
    assert set(frames["flags"]["code"]) == {"date_unresolved", "event_date_conflict"}


def _read_back(fmt: str, dest: Path, names: list[str]) -> dict[str, pd.DataFrame]:
    if fmt == "csv":
        return {n: pd.read_csv(dest / f"{n}.csv", dtype={"cameo": str}) for n in names}
    if fmt == "parquet":
        with duckdb.connect() as db:  # parquet read by duckdb's own reader, not by the writer's library
            return {n: db.execute(f"SELECT * FROM read_parquet('{dest / n}.parquet')").df() for n in names}
    if fmt == "sqlite":
        with sqlite3.connect(dest) as db:
            frames = {n: pd.read_sql_query(f'SELECT * FROM "{n}"', db) for n in names}
        db.close()
        return frames
    with duckdb.connect(str(dest), read_only=True) as db:
        return {n: db.execute(f'SELECT * FROM "{n}"').df() for n in names}


def test_duckdb_keeps_the_declared_types(tmp_path: Path) -> None:
    tables = build_tables(_output())
    export_tables(tables, "duckdb", tmp_path / "x.duckdb")
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as db:
        types = dict(db.execute("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_name = 'event_mentions'").fetchall())  # fmt: skip
    assert (types["supports_date"], types["evidence_start"], types["record_id"]) == ("BOOLEAN", "BIGINT", "VARCHAR")


def test_an_unknown_format_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="choose one of csv, parquet, sqlite, duckdb"):
        export_tables([], "xlsx", tmp_path)


def test_the_column_reference_in_docs_is_current() -> None:
    from extractor.dataset.tables import columns_markdown

    docs = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    assert docs.endswith(columns_markdown()), "docs/exports.md is stale: regenerate its Columns section"
