"""Standard event codes: CAMEO 04x and PLOVER CONSULT for contacts, CAMEO/PLOVER types for stances.

The tables are data (``extractor/data/codes/contacts.yaml`` and ``stances.yaml``, documented in
docs/codebook.md §11); this module is their one loader and applies them. Everything but loading is pure.

* `code_contact` codes the facts of one contact (`ContactFacts`): format first (a call is 041), then cue
  stems in the evidence (045 mediate, 046 negotiate), then place against the participants' countries
  (042 visit with the host country, 044 third location), else 040.
* `code_meeting` reads those facts from a `MeetingRecord`; events use `code_contact` on their own facts.
* `code_position` maps a stance where the table lists it; `code_statement` takes the type of the positions
  its speaker states in the same evidence when they all agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from extractor.countries import CountryTable, default_countries
from extractor.datafiles import load_yaml_model
from schemas import (
    ActorRef,
    ContactCodes,
    Location,
    MeetingFormat,
    MeetingRecord,
    Participant,
    PositionRecord,
    Stance,
    StanceCodes,
    StatementRecord,
)

CODES_DIR = Path(__file__).resolve().parent / "data" / "codes"

__all__ = [
    "CODES_DIR",
    "ContactFacts",
    "ContactTable",
    "StanceTable",
    "code_contact",
    "code_meeting",
    "code_position",
    "code_statement",
    "contact_table",
    "participant_country",
    "place_country",
    "stance_table",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Code(_Strict):
    label: str
    plover_mode: str | None = None


class ContactTable(_Strict):
    version: int
    plover: str
    codes: dict[str, _Code]
    formats: dict[MeetingFormat, str] = {}
    cues: dict[str, tuple[str, ...]] = {}
    visit: str
    host: str
    third_location: str
    unclear: str

    @model_validator(mode="after")
    def _known_codes(self) -> ContactTable:
        used = [*self.formats.values(), *self.cues, self.visit, self.host, self.third_location, self.unclear]
        unknown = sorted({code for code in used if code not in self.codes})
        if unknown:
            raise ValueError(f"codes used but not listed under `codes`: {', '.join(unknown)}")
        return self

    @cached_property
    def cue_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple(
            (code, re.compile("|".join(rf"(?<!\w){re.escape(stem)}" for stem in stems), re.IGNORECASE))
            for code, stems in self.cues.items()
            if stems
        )

    def make(self, code: str, basis: str, host_country: str | None = None) -> ContactCodes:
        entry = self.codes[code]
        return ContactCodes(
            cameo=code, cameo_label=entry.label, plover=self.plover, plover_mode=entry.plover_mode,
            host_country=host_country, basis=basis,
        )  # fmt: skip


class _StanceCode(_Strict):
    cameo: str
    cameo_label: str
    plover: str


class StanceTable(_Strict):
    version: int
    stances: dict[Stance, _StanceCode] = {}

    def make(self, stance: Stance) -> StanceCodes | None:
        entry = self.stances.get(stance)
        if entry is None:
            return None
        return StanceCodes(cameo=entry.cameo, cameo_label=entry.cameo_label, plover=entry.plover,
                           basis=f"stance '{stance.value}'")  # fmt: skip


@lru_cache(maxsize=4)
def contact_table(path: Path = CODES_DIR / "contacts.yaml") -> ContactTable:
    return load_yaml_model(path, ContactTable, "the code table")


@lru_cache(maxsize=4)
def stance_table(path: Path = CODES_DIR / "stances.yaml") -> StanceTable:
    return load_yaml_model(path, StanceTable, "the code table")


@dataclass(frozen=True)
class ContactFacts:
    format: MeetingFormat
    place_country: str | None
    countries: tuple[str | None, ...]  # one per participant; None where unknown
    evidence: tuple[str, ...] = ()


def code_contact(facts: ContactFacts, table: ContactTable | None = None) -> ContactCodes:
    table = table or contact_table()
    if facts.format in table.formats:
        return table.make(table.formats[facts.format], f"format '{facts.format.value}'")
    for code, pattern in table.cue_patterns:
        for text in facts.evidence:
            if found := pattern.search(text):
                return table.make(code, f"the evidence says '{found.group(0)}…'")
    return _code_by_place(facts, table)


def _code_by_place(facts: ContactFacts, table: ContactTable) -> ContactCodes:
    known = {c for c in facts.countries if c}
    place = facts.place_country
    if place is None:
        return table.make(table.unclear, "no place country stated")
    if len(known) < 2:
        return table.make(table.unclear, f"fewer than two participants' countries known (place {place})")
    if place in known:
        return table.make(table.visit, f"the place {place} is a participant's country: a visit", host_country=place)
    if None in facts.countries:
        return table.make(table.unclear, f"the place {place} may be an unknown participant's country")
    return table.make(table.third_location, f"the place {place} is no participant's country")


def participant_country(ref: ActorRef, written: Participant | None, countries: CountryTable) -> str | None:
    """The canonical actor's country, else the country the article writes for the participant."""
    if ref.country:
        return ref.country
    return countries.code(written.country) if written is not None else None


def place_country(location: Location | None, countries: CountryTable) -> str | None:
    """The country of a meeting's place: its stated country, else its city when that is a seat of government."""
    if location is None:
        return None
    if code := countries.code(location.country):
        return code
    return countries.code(location.city) if location.city and countries.is_seat(location.city) else None


def meeting_countries(record: MeetingRecord, countries: CountryTable) -> tuple[str | None, ...]:
    written: Sequence[Participant | None] = record.meeting.participants
    if len(written) != len(record.participants):
        written = [None] * len(record.participants)
    return tuple(participant_country(ref, w, countries) for ref, w in zip(record.participants, written, strict=True))


def code_meeting(
    record: MeetingRecord, table: ContactTable | None = None, countries: CountryTable | None = None
) -> ContactCodes:
    countries = countries or default_countries()
    facts = ContactFacts(
        format=record.meeting.format,
        place_country=place_country(record.meeting.location, countries),
        countries=meeting_countries(record, countries),
        evidence=tuple(span.text for span in record.evidence),
    )
    return code_contact(facts, table)


def code_position(record: PositionRecord, table: StanceTable | None = None) -> StanceCodes | None:
    return (table or stance_table()).make(record.position.stance)


def _actor_key(ref: ActorRef) -> str:
    return (ref.actor_id or ref.canonical_name or ref.name_as_written).casefold()


def code_statement(
    record: StatementRecord, positions: Iterable[PositionRecord], table: StanceTable | None = None
) -> StanceCodes | None:
    """The type of the speaker's positions resting on the same evidence, when there are some and they agree."""
    table = table or stance_table()
    evidence = {span.text for span in record.evidence}
    same = [
        p for p in positions
        if p.article_id == record.article_id and _actor_key(p.holder) == _actor_key(record.speaker)
        and evidence & {span.text for span in p.evidence}
    ]  # fmt: skip
    found = {stance: table.make(stance) for stance in dict.fromkeys(p.position.stance for p in same)}
    cameo = {c.cameo if c is not None else None for c in found.values()}
    codes = next(iter(found.values()), None)
    if len(cameo) != 1 or codes is None:
        return None
    return codes.model_copy(update={"basis": f"the speaker's position in the same evidence ({codes.basis})"})
