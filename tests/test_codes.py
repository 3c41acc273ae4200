"""CAMEO/PLOVER codes from the packaged tables, on hand-made records."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.codes import (
    ContactFacts,
    code_contact,
    code_meeting,
    code_position,
    code_statement,
    contact_table,
    stance_table,
)
from extractor.errors import ConfigError
from schemas import MeetingFormat, Stance
from tests.dataset.factories import meeting, position, statement


def test_a_call_is_041_wherever_the_callers_are() -> None:
    codes = code_meeting(meeting("a:s0:meeting:0", ["Alice Smith", "Bruno Keller"], None, fmt=MeetingFormat.phone,
                                 country="France"))  # fmt: skip
    assert (codes.cameo, codes.plover, codes.plover_mode, codes.cameo_label) == (
        "041", "CONSULT", "phone", "Discuss by telephone"
    )


def test_a_meeting_in_a_participants_country_is_a_visit_with_its_host() -> None:
    codes = code_meeting(meeting("a:s0:meeting:0", ["Alice Smith", "Bruno Keller"], None, city="Berlin"))
    assert (codes.cameo, codes.plover_mode, codes.host_country) == ("042", "visit", "DEU")


def test_a_meeting_in_no_participants_country_is_at_a_third_location() -> None:
    codes = code_meeting(meeting("a:s0:meeting:0", ["Alice Smith", "Bruno Keller"], None, country="Kenya"))
    assert (codes.cameo, codes.plover_mode, codes.host_country) == ("044", "third-party", None)


def test_an_unknown_participants_country_leaves_a_third_location_unclear() -> None:
    record = meeting("a:s0:meeting:0", ["Alice Smith", "Bruno Keller", "Eve Unknown"], None, country="Kenya")
    assert code_meeting(record).cameo == "040"


def test_no_place_is_040() -> None:
    codes = code_meeting(meeting("a:s0:meeting:0", ["Alice Smith", "Bruno Keller"], None))
    assert (codes.cameo, codes.plover_mode) == ("040", None)
    assert codes.basis == "no place country stated"


@pytest.mark.parametrize(
    ("evidence", "cameo"),
    [("Alice Smith mediated between the two sides.", "045"), ("They negotiated a trade deal.", "046")],
)
def test_cue_words_in_the_evidence(evidence: str, cameo: str) -> None:
    record = meeting("a:s0:meeting:0", ["Alice Smith", "Bruno Keller"], None, country="France", evidence=evidence)
    assert code_meeting(record).cameo == cameo


def test_every_code_the_table_can_give_has_a_label() -> None:
    table = contact_table()
    facts = ContactFacts(MeetingFormat.video, None, ("FRA", "DEU"))
    assert code_contact(facts, table).cameo == "041"
    assert all(code.startswith("04") and entry.label for code, entry in table.codes.items())


@pytest.mark.parametrize(
    ("stance", "expected"),
    [(Stance.demands, ("100", "DEMAND")), (Stance.opposes, ("110", "DISAPPROVE")),
     (Stance.welcomes, ("051", "SUPPORT")), (Stance.warns, None), (Stance.neutral, None)],
)  # fmt: skip
def test_positions_are_coded_only_where_the_stance_is_clear(stance: Stance, expected: tuple[str, str] | None) -> None:
    codes = code_position(position("a:s0:position:0", "Alice Smith", stance, "Alice Smith spoke."))
    assert (None if codes is None else (codes.cameo, codes.plover)) == expected


def test_a_statement_takes_the_type_of_its_speakers_agreeing_positions() -> None:
    said = "Alice Smith demanded an answer."
    record = statement("a:s0:statement:0", "Alice Smith", "an answer", None, said)
    demand = position("a:s0:position:0", "Alice Smith", Stance.demands, said)
    warning = position("a:s0:position:1", "Alice Smith", Stance.warns, said)
    other = position("a:s0:position:2", "Bruno Keller", Stance.opposes, said)
    coded = code_statement(record, [demand, other])
    assert coded is not None and coded.cameo == "100" and "same evidence" in coded.basis
    assert code_statement(record, [demand, warning]) is None
    assert code_statement(record, []) is None


def test_a_table_using_an_unlisted_code_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "contacts.yaml"
    bad.write_text("version: 1\nplover: CONSULT\ncodes: {'040': {label: x}}\n"
                   "visit: '042'\nhost: '040'\nthird_location: '040'\nunclear: '040'\n")  # fmt: skip
    with pytest.raises(ConfigError, match="042"):
        contact_table(bad)
    assert stance_table().stances
