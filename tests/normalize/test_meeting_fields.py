from __future__ import annotations

import pytest

from extractor.normalize.meeting_fields import date_expression_in, reconcile_meeting, status_cue
from schemas import Meeting, MeetingFormat, MeetingStatus, Participant

RUBIO_CALL = (
    "On September 10th, US Secretary of State Marco Rubio held a phone call with Chinese Foreign Minister Wang Yi, "
    "continuing discussions on the issues raised during the July meeting in Malaysia."
)
BEIJING = "U.S. Secretary of State Antony Blinken met Chinese Foreign Minister Wang Yi in Beijing on Friday for talks."
XI = "Blinken is likely to meet Chinese President Xi Jinping today before he returns to Washington in the evening."


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (RUBIO_CALL, "September 10th"),
        (BEIJING, "on Friday"),
        ("US officials stated Friday (Oct 27) that the US and China had decided", "Friday (Oct 27)"),
        ("On the 13th local time, Wang Yi met with US Secretary of State Antony Blinken", "On the 13th"),
        ("during his visit to China from June 18 to 19", "June 18 to 19"),
        ("Wang Yi and Blinken met in Jakarta.", None),
    ],
)
def test_date_expression_in_evidence(evidence: str, expected: str | None) -> None:
    assert date_expression_in([evidence]) == expected


def _meeting(evidence: str, **fields: object) -> Meeting:
    people = [Participant(name="Marco Rubio"), Participant(name="Wang Yi"), Participant(name="Blinken")]
    return Meeting(participants=people, evidence=[evidence], **{"status": MeetingStatus.planned, **fields})  # type: ignore[arg-type]


def test_phone_call_reported_in_the_past_is_held_by_phone_with_flags() -> None:
    fixed, flags = reconcile_meeting(_meeting(RUBIO_CALL))
    assert (fixed.date_text, fixed.format, fixed.status) == ("September 10th", MeetingFormat.phone, MeetingStatus.held)
    assert [f.code for f in flags] == ["date_text_from_evidence", "format_from_evidence", "status_from_evidence"]


def test_future_meeting_is_not_turned_into_a_held_one() -> None:
    assert status_cue([XI]) is MeetingStatus.anticipated
    fixed, flags = reconcile_meeting(_meeting(XI, status=MeetingStatus.held, date_text="today"))
    assert fixed.status is MeetingStatus.anticipated and fixed.date_text == "today"
    assert "status_from_evidence" in [f.code for f in flags]


def test_agreeing_fields_are_left_alone() -> None:
    meeting = _meeting(BEIJING, status=MeetingStatus.held, format=MeetingFormat.in_person, date_text="on Friday")
    fixed, flags = reconcile_meeting(meeting)
    assert fixed == meeting and flags == []


def test_evidence_that_names_no_participant_is_flagged() -> None:
    yellen = "Ahead of the talks, U.S. Treasury Secretary Janet Yellen also signalled that the Biden administration"
    meeting = Meeting(
        participants=[Participant(name="Antony Blinken"), Participant(name="Wang Xiaohong")],
        status=MeetingStatus.planned, evidence=[yellen],
    )  # fmt: skip
    _, flags = reconcile_meeting(meeting)
    assert [f.code for f in flags] == ["evidence_names_no_participant"]
