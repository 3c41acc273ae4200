"""Events across articles, on hand-made records (invented people, real ISO countries)."""

from __future__ import annotations

from extractor.dataset.events import build_events, event_id
from schemas import FlagCode, MeetingFormat, MeetingStatus, Stance
from tests.dataset.factories import article, meeting, position, statement


def _mentions(events):  # type: ignore[no-untyped-def]
    return sorted(sorted(m.record_id for m in e.mentions) for e in events)


def test_two_outlets_reporting_one_meeting_give_one_event() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", city="Paris", country="France"),
        meeting("a2:s0:meeting:0", ["Bruno Keller", "Alice Smith"], "2030-03-04"),
    ]
    (event,) = build_events(records)
    assert [m.record_id for m in event.mentions] == ["a1:s0:meeting:0", "a2:s0:meeting:0"]
    assert event.article_ids == ["a1", "a2"]
    assert (event.date.iso, event.date.precision.value) == ("2030-03-04", "day")
    assert event.date.supported_by == ["a1:s0:meeting:0", "a2:s0:meeting:0"]
    assert {p.actor_id for p in event.participants} == {"Q1000001", "Q1000002"}
    assert event.place is not None and (event.place.city, event.place.country) == ("Paris", "FRA")
    assert event.flags == [] and event.disagreements == []
    assert event.mentions[0].evidence[0].text == "Alice Smith and Bruno Keller met."


def test_the_same_pair_a_month_apart_is_two_events() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-04-04"),
    ]
    events = build_events(records)
    assert _mentions(events) == [["a1:s0:meeting:0"], ["a2:s0:meeting:0"]]
    assert [e.date.iso for e in events] == ["2030-03-04", "2030-04-04"]


def test_a_date_conflict_is_kept_and_flagged() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-05"),
        meeting("a3:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
    ]
    (event,) = build_events(records)
    assert event.date.iso == "2030-03-04"
    assert event.date.supported_by == ["a1:s0:meeting:0", "a3:s0:meeting:0"]
    (clash,) = event.disagreements
    assert clash.field == "date"
    assert {v.value: v.record_ids for v in clash.values} == {
        "2030-03-04": ["a1:s0:meeting:0", "a3:s0:meeting:0"],
        "2030-03-05": ["a2:s0:meeting:0"],
    }
    assert [f.code for f in event.flags] == [FlagCode.event_date_conflict]
    assert "2030-03-05 (a2:s0:meeting:0)" in event.flags[0].reason


def test_a_month_and_a_day_inside_it_agree() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-20"),
    ]
    (event,) = build_events(records)
    assert (event.date.iso, event.date.precision.value) == ("2030-03-20", "day")
    assert event.date.supported_by == ["a1:s0:meeting:0", "a2:s0:meeting:0"] and event.flags == []


def test_anticipated_then_held_are_linked_not_merged() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Chen Lan"], None, status=MeetingStatus.anticipated),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Chen Lan"], "2030-03-04"),
    ]
    articles = [article("a1", "2030-02-20"), article("a2", "2030-03-05")]
    held, anticipated = build_events(records, articles=articles)
    assert held.status is MeetingStatus.held and anticipated.status is MeetingStatus.anticipated
    assert [m.record_id for m in held.mentions] == ["a2:s0:meeting:0"]
    assert [(link.relation, link.event_id) for link in anticipated.links] == [("anticipates", held.id)]
    assert [(link.relation, link.event_id) for link in held.links] == [("anticipated_by", anticipated.id)]


def test_an_anticipation_outside_the_window_or_after_the_meeting_is_not_linked() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Chen Lan"], None, status=MeetingStatus.anticipated),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Chen Lan"], None, status=MeetingStatus.planned),
        meeting("a3:s0:meeting:0", ["Alice Smith", "Chen Lan"], "2030-03-04"),
    ]
    articles = [article("a1", "2029-06-01"), article("a2", "2030-03-10"), article("a3", "2030-03-05")]
    events = build_events(records, articles=articles)
    assert len(events) == 3 and all(e.links == [] for e in events)


def test_a_side_named_by_office_in_one_report_and_by_name_in_another() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "the German foreign minister"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
    ]
    (event,) = build_events(records)
    bruno = next(p for p in event.participants if p.actor_id == "Q1000002")
    assert bruno.names_as_written == ["Bruno Keller", "the German foreign minister"]
    assert sorted(bruno.record_ids) == ["a1:s0:meeting:0", "a2:s0:meeting:0"]
    assert len(event.participants) == 2


def test_another_counterpart_on_the_same_day_is_another_event() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a1:s0:meeting:1", ["Alice Smith", "Chen Lan"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Chen Lan", "Dara Okafor"], "2030-03-04"),
    ]
    assert len(build_events(records)) == 3


def test_a_call_and_a_meeting_on_the_same_day_are_two_events() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", fmt=MeetingFormat.phone),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", fmt=MeetingFormat.in_person),
    ]
    assert len(build_events(records)) == 2


def test_phone_against_video_and_two_cities_are_conflicts_in_one_event() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", fmt=MeetingFormat.phone,
                city="Lyon", country="France"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", fmt=MeetingFormat.video,
                city="Paris", country="France"),
    ]  # fmt: skip
    (event,) = build_events(records)
    assert {f.code for f in event.flags} == {FlagCode.event_format_conflict, FlagCode.event_place_conflict}
    place = next(d for d in event.disagreements if d.field == "place")
    assert {v.value: v.record_ids for v in place.values} == {
        "Lyon, FRA": ["a1:s0:meeting:0"], "Paris, FRA": ["a2:s0:meeting:0"]
    }


def test_places_in_different_countries_are_different_events() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", country="France"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", country="Germany"),
    ]
    assert len(build_events(records)) == 2


def test_undated_reports_are_not_merged_blindly() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], None),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], None),
    ]
    events = build_events(records)
    assert _mentions(events) == [["a1:s0:meeting:0"], ["a2:s0:meeting:0"]]
    assert all(e.date.iso is None for e in events)


def test_ids_are_stable_and_do_not_depend_on_input_order() -> None:
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a3:s0:meeting:0", ["Alice Smith", "Chen Lan"], "2030-05-01"),
    ]
    first = build_events(records)
    again = build_events(list(reversed(records)))
    assert [e.model_dump() for e in first] == [e.model_dump() for e in again]
    assert first[0].id == event_id(["a2:s0:meeting:0", "a1:s0:meeting:0"])
    assert first[0].id.startswith("ev-") and len(first[0].id) == 19


def test_statements_and_positions_link_to_their_meetings_event() -> None:
    said = "Alice Smith urged Bruno Keller to cut tariffs."
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", evidence="They met in Paris."),
    ]
    statements = [
        statement("a2:s0:statement:0", "Alice Smith", "cut tariffs", "a2:s0:meeting:0", said),
        statement("a2:s0:statement:1", "Chen Lan", "no comment", None, "Chen Lan declined to comment."),
    ]
    positions = [
        position("a2:s0:position:0", "Alice Smith", Stance.demands, said),
        position("a1:s0:position:0", "Bruno Keller", Stance.opposes, "Alice Smith and Bruno Keller met."),
        position("a2:s0:position:1", "Chen Lan", Stance.opposes, "Chen Lan declined to comment."),
    ]
    (event,) = build_events(records, statements, positions)
    assert event.statement_ids == ["a2:s0:statement:0"]
    assert event.position_ids == ["a2:s0:position:0", "a1:s0:position:0"]


def test_a_position_follows_its_speakers_statement_before_a_shared_span() -> None:
    said = "Alice Smith and Bruno Keller met in March."
    records = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", evidence=said),
        meeting("a1:s0:meeting:1", ["Alice Smith", "Bruno Keller"], "2030-05-06", evidence="They met again in May."),
    ]
    statements = [statement("a1:s0:statement:0", "Alice Smith", "more talks", "a1:s0:meeting:1", said)]
    positions = [position("a1:s0:position:0", "Alice Smith", Stance.demands, said)]
    march, may = build_events(records, statements, positions)
    assert (march.position_ids, may.position_ids) == ([], ["a1:s0:position:0"])
    assert may.statement_ids == ["a1:s0:statement:0"]
