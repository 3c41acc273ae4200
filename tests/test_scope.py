"""Scopes: presets and files, the story pre-filter, record filtering, and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.postprocess import RecordSet
from extractor.scope import Scope, available_scopes, default_scope, load_scope, parse_scope
from extractor.stories import Story
from schemas import (
    ActorRef,
    Meeting,
    MeetingRecord,
    MeetingStatus,
    Participant,
    Position,
    PositionRecord,
    Provenance,
    Stance,
    Statement,
    StatementKind,
    StatementRecord,
)
from schemas.extraction import Issue

PROVENANCE = Provenance(model="m", backend="b", prompt="p@v1", prompt_hash="h", strategy="single")


def story(text: str) -> Story:
    return Story(index=0, title="", text=text, start=0)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scope.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def meeting(*people: tuple[str, str | None, str | None], record_id: str = "a:s0:meeting:0") -> MeetingRecord:
    """A meeting record of (name, country the model wrote, ISO code the actors table gave) participants."""
    return MeetingRecord(
        id=record_id, article_id="a", provenance=PROVENANCE,
        meeting=Meeting(participants=[Participant(name=n, country=c) for n, c, _ in people],
                        status=MeetingStatus.held, evidence=["x"]),
        participants=[ActorRef(name_as_written=n, country=iso) for n, _, iso in people],
    )  # fmt: skip


def statement(speaker: str, country: str | None = None, meeting_id: str | None = None) -> StatementRecord:
    return StatementRecord(
        id=f"a:s0:statement:{speaker}", article_id="a", provenance=PROVENANCE,
        statement=Statement(speaker=speaker, text="t", kind=StatementKind.paraphrase, evidence=["x"]),
        speaker=ActorRef(name_as_written=speaker, country=country), meeting_id=meeting_id,
    )  # fmt: skip


def position(holder: str, country: str | None = None) -> PositionRecord:
    return PositionRecord(
        id=f"a:s0:position:{holder}", article_id="a", provenance=PROVENANCE,
        position=Position(holder=holder, issue=Issue.climate, stance=Stance.supports, summary="s", evidence=["x"]),
        holder=ActorRef(name_as_written=holder, country=country),
    )  # fmt: skip


# --------------------------------------------------------------------------- loading


def test_presets_are_packaged_and_all_is_the_default() -> None:
    assert {"all", "us-china"} <= set(available_scopes())
    assert load_scope() == load_scope("all") == default_scope()
    assert default_scope().admits_everything


def test_us_china_preset_is_one_dyad() -> None:
    scope = load_scope("us-china")
    assert scope.name == "us-china"
    assert set(scope.countries) == {"USA", "CHN"}
    assert scope.dyads == (frozenset({"USA", "CHN"}),)


def test_a_user_file_takes_names_and_iso_codes(tmp_path: Path) -> None:
    path = write(tmp_path, "name: south-asia\ncountries: [India, PAK, NP]\ndyads:\n  - [IND, Bangladesh]\n")
    scope = load_scope(path)
    assert scope.countries == ("IND", "PAK", "NPL", "BGD")
    assert scope.dyads == (frozenset({"IND", "BGD"}),)
    assert load_scope(str(path)) == scope


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\ncountries: [Atlantis]\n", "countries[0]: 'Atlantis' is not a country name or ISO 3166 code"),
        ("name: x\ndyads:\n  - [USA]\n", "dyads[0]: a dyad is a pair of two countries, got 1"),
        ("name: x\ndyads:\n  - [USA, United States]\n", "dyads[0]: a dyad needs two different countries"),
        ("name: x\ncountry: [USA]\n", "country: Extra inputs are not permitted"),
        ("countries: [USA]\n", "name: Field required"),
        ("name: x\ncountries: [USA\n", "invalid YAML"),
        ("- just\n- a list\n", "a scope file is a mapping"),
        ("name: x\ncountries: [USA]\nmentions:\n  CHN: [Beijing]\n", "mentions: 'CHN' is not one of the scope's"),
    ],
)
def test_a_bad_scope_file_is_one_line_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_scope(path)
    error = str(caught.value)
    assert str(path) in error and message in error
    assert "\n" not in error


def test_unknown_preset_and_missing_file_say_what_exists(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown scope 'nope': not a preset \(all, .*us-china"):
        load_scope("nope")
    with pytest.raises(InputError, match="no such scope file"):
        load_scope(tmp_path / "missing.yaml")


def test_cli_reports_a_bad_scope_in_one_line(tmp_path: Path, corpus_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "run", str(corpus_dir / "003_b79788a086d97685.txt"), "--out",
         str(tmp_path / "out"), "--base-url", "http://x/v1", "--model", "m", "--scope", "nope"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: unknown scope 'nope'")


# --------------------------------------------------------------------------- stories


def test_all_admits_every_story() -> None:
    assert default_scope().admits_story(story("Nothing about anyone."))


def test_a_dyad_needs_both_countries_in_the_story() -> None:
    scope = load_scope("us-china")
    assert scope.admits_story(story("Chinese and American negotiators met in Geneva."))
    assert scope.admits_story(story("Beijing and Washington resumed talks."))  # seats of government
    assert not scope.admits_story(story("Chinese and Brazilian negotiators met in Geneva."))
    assert not scope.admits_story(story("Us and them: a story about nothing."))  # "US" is case-sensitive


def test_people_of_a_country_in_the_actors_table_mention_it() -> None:
    scope = load_scope("us-china")
    assert scope.admits_story(story("Xi Jinping received the US delegation."))  # a CHN actor, a USA alias


def test_without_dyads_any_actor_of_interest_admits_a_story(tmp_path: Path) -> None:
    scope = parse_scope({"name": "x", "countries": ["Norway"], "institutions": ["Arctic Council"]})
    assert scope.admits_story(story("Norwegian officials said little."))
    assert scope.admits_story(story("The Arctic Council met in Tromso."))
    assert not scope.admits_story(story("Chile and Peru signed a deal."))
    extra = parse_scope({"name": "x", "countries": ["Chile"], "mentions": {"Chile": ["La Moneda"]}})
    assert extra.admits_story(story("La Moneda issued a statement."))


# --------------------------------------------------------------------------- records


def test_all_keeps_every_record() -> None:
    records = RecordSet([meeting(("A B", None, None), ("C D", None, None))], [statement("E")], [position("F")])
    assert default_scope().filter_records(records) == records


def test_a_meeting_is_kept_when_its_participants_cover_a_dyad() -> None:
    scope = load_scope("us-china")
    kept = meeting(("Jane Doe", None, "USA"), ("Li Ming", "China", None))  # table country, then the model's
    titled = meeting(("Ana Roe", None, None), ("Zhang Wei", None, None))
    titled.meeting.participants[0].title = "U.S. Trade Representative"  # the title names the country
    titled.meeting.participants[1].title = "Chinese Vice Premier"
    other = meeting(("Jane Doe", None, "USA"), ("Raj Mehta", "India", None))
    assert scope.admits_meeting(kept) and scope.admits_meeting(titled)
    assert not scope.admits_meeting(other)


def test_statements_follow_their_meeting_or_their_speaker() -> None:
    scope = load_scope("us-china")
    usa_ind = meeting(("Jane Doe", None, "USA"), ("Raj Mehta", "India", None), record_id="m-out")
    usa_chn = meeting(("Jane Doe", None, "USA"), ("Li Ming", "China", None), record_id="m-in")
    records = RecordSet(
        [usa_ind, usa_chn],
        [
            statement("Raj Mehta", meeting_id="m-in"),  # said at a kept meeting: kept
            statement("Jane Doe", "USA", meeting_id="m-out"),  # said at a dropped meeting: dropped
            statement("Chinese Foreign Ministry"),  # the name says the country: kept
            statement("Elena Marsh"),  # unknown country: dropped
        ],
        [position("Washington"), position("Brazil"), position("Li Ming", "CHN")],
    )
    kept = scope.filter_records(records)
    assert [m.id for m in kept.meetings] == ["m-in"]
    assert [s.statement.speaker for s in kept.statements] == ["Raj Mehta", "Chinese Foreign Ministry"]
    assert [p.position.holder for p in kept.positions] == ["Washington", "Li Ming"]


def test_without_dyads_a_meeting_with_any_actor_of_interest_is_kept() -> None:
    scope = Scope(name="x", countries=("NOR",), people=("Elena Marsh",))
    assert scope.admits_meeting(meeting(("Kari Nord", "Norway", None), ("Raj Mehta", "India", None)))
    assert scope.admits_meeting(meeting(("Elena Marsh", None, None), ("Raj Mehta", "India", None)))
    assert not scope.admits_meeting(meeting(("Ana Roe", "Chile", None), ("Raj Mehta", "India", None)))
