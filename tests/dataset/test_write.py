"""events.jsonl streamed from a run's files is the same, byte for byte, as events built from the loaded files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import BaseModel

from extractor.dataset.load import load_output
from extractor.dataset.write import NO_MEETING, events_of, write_event_file, write_events_from_files
from extractor.errors import InputError
from schemas import MeetingStatus, Stance, StatementRecord
from tests.dataset.factories import article, meeting, position, statement


def _write(path: Path, rows: Sequence[BaseModel]) -> None:
    path.write_text("".join(row.model_dump_json() + "\n" for row in rows), encoding="utf-8")


def test_streamed_events_equal_the_in_memory_build(tmp_path: Path) -> None:
    said_1 = "Alice Smith urged Bruno Keller to cut tariffs."
    said_3 = "Chen Lan said the talks went well."
    _write(tmp_path / "articles.jsonl", [article(a, "2030-03-05") for a in ("a1", "a2", "a3", "a4")])
    _write(tmp_path / "meetings.jsonl", [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Chen Lan"], None, status=MeetingStatus.anticipated),
        meeting("a3:s0:meeting:0", ["Alice Smith", "Chen Lan"], "2030-03-10", evidence="They met in Oslo."),
        meeting("a4:s0:meeting:0", ["Bruno Keller", "Alice Smith"], "2030-03-04"),
    ])  # fmt: skip
    _write(tmp_path / "statements.jsonl", [
        statement("a1:s0:statement:0", "Alice Smith", "cut tariffs", "a1:s0:meeting:0", said_1),
        statement("a2:s0:statement:0", "Chen Lan", "looking forward", "a2:s0:meeting:0", "Chen Lan looks forward."),
        statement("a3:s0:statement:0", "Chen Lan", "went well", "a3:s0:meeting:0", said_3),
        statement("a3:s0:statement:1", "Dara Quinn", "no comment", None, "Dara Quinn declined to comment."),
    ])  # fmt: skip
    _write(tmp_path / "positions.jsonl", [  # none in a2: its statements are passed over, then dropped
        position("a1:s0:position:0", "Alice Smith", Stance.demands, said_1),
        position("a3:s0:position:0", "Chen Lan", Stance.supports, said_3),
        position("a3:s0:position:1", "Dara Quinn", Stance.opposes, "They met in Oslo."),
        position("a4:s0:position:0", "Bruno Keller", Stance.opposes, "Nothing anyone said."),
    ])  # fmt: skip
    write_event_file(tmp_path, events_of(load_output(tmp_path, with_events=False)))
    in_memory = (tmp_path / "events.jsonl").read_bytes()
    (tmp_path / "events.jsonl").unlink()
    write_events_from_files(tmp_path)
    streamed = (tmp_path / "events.jsonl").read_bytes()
    assert streamed == in_memory
    events = load_output(tmp_path).events
    by_first_record = {e.mentions[0].record_id: e for e in events}
    assert by_first_record["a1:s0:meeting:0"].statement_ids == ["a1:s0:statement:0"]
    assert by_first_record["a1:s0:meeting:0"].position_ids == ["a1:s0:position:0"]
    assert by_first_record["a3:s0:meeting:0"].position_ids == ["a3:s0:position:0", "a3:s0:position:1"]
    assert [link.relation for link in by_first_record["a2:s0:meeting:0"].links] == ["anticipates"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # the scratch database is gone
        "articles.jsonl", "events.jsonl", "meetings.jsonl", "positions.jsonl", "statements.jsonl"]  # fmt: skip



def test_a_position_matching_a_later_statement_of_its_article_links_in_memory_as_when_streamed(tmp_path: Path) -> None:
    _write(tmp_path / "articles.jsonl", [article("a1", "2030-03-05")])
    _write(tmp_path / "meetings.jsonl", [meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04")])
    _write(tmp_path / "statements.jsonl", [  # the first linked statement of a1 is not the one the position rests on
        statement("a1:s0:statement:0", "Bruno Keller", "talks", "a1:s0:meeting:0", "Bruno Keller said so."),
        statement("a1:s0:statement:1", "Alice Smith", "tariffs", "a1:s0:meeting:0", "Alice Smith said so."),
    ])  # fmt: skip
    _write(tmp_path / "positions.jsonl", [position("a1:s0:position:0", "Alice Smith", Stance.demands,
                                                   "Alice Smith said so.")])  # fmt: skip
    (in_memory,) = events_of(load_output(tmp_path, with_events=False))
    write_events_from_files(tmp_path)
    (streamed,) = load_output(tmp_path).events
    assert in_memory.position_ids == streamed.position_ids == ["a1:s0:position:0"]
    assert in_memory == streamed


def test_statements_without_a_meeting_are_passed_over_unparsed(tmp_path: Path) -> None:
    said = "Alice Smith urged Bruno Keller to cut tariffs."
    _write(tmp_path / "articles.jsonl", [article("a1", "2030-03-05")])
    _write(tmp_path / "meetings.jsonl", [meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04")])
    _write(tmp_path / "positions.jsonl", [position("a1:s0:position:0", "Alice Smith", Stance.demands, said)])
    linked = statement("a1:s0:statement:0", "Alice Smith", "cut tariffs", "a1:s0:meeting:0", said)
    loose = statement("a1:s0:statement:1", "Dara Quinn", "no comment", None, "Dara Quinn declined to comment.")
    assert NO_MEETING in loose.model_dump_json() and NO_MEETING not in linked.model_dump_json()
    assert json.dumps(StatementRecord.model_json_schema()).count('"meeting_id"') == 1  # no nested key of that name
    _write(tmp_path / "statements.jsonl", [loose, linked])
    write_events_from_files(tmp_path)
    expected = (tmp_path / "events.jsonl").read_bytes()
    assert load_output(tmp_path).events[0].statement_ids == ["a1:s0:statement:0"]
    broken = loose.model_dump_json().replace('"id":', '"i":')  # not a statement, but never read
    (tmp_path / "statements.jsonl").write_text(f"{broken}\n{linked.model_dump_json()}\n", encoding="utf-8")
    write_events_from_files(tmp_path)
    assert (tmp_path / "events.jsonl").read_bytes() == expected


def test_a_bad_line_is_reported_and_leaves_no_scratch_file(tmp_path: Path) -> None:
    _write(tmp_path / "articles.jsonl", [article("a1", "2030-03-05")])
    meetings = meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04").model_dump_json()
    (tmp_path / "meetings.jsonl").write_text(meetings + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meetings.jsonl:2: not a MeetingRecord"):
        write_events_from_files(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.jsonl", "meetings.jsonl"]
