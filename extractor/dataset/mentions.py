"""Meeting records as comparable mentions, and the pairwise tests that say two mentions may be one meeting.

A mention's participants are `Side`s: a person (key: Wikidata QID, else canonical name, else the name as
written, normalised) or a side named only by office or country ("the Ruritanian foreign minister"), which has
no key and matches any participant of its country. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from pydantic import TypeAdapter

from extractor.codes import participant_country, place_country
from extractor.countries import CountryTable
from extractor.dataset.rules import EventRules
from extractor.normalize.actors import normalize_name
from schemas import (
    ActorRef,
    DatePrecision,
    EvidenceSpan,
    MeetingFormat,
    MeetingRecord,
    MeetingStatus,
    Participant,
    ResolvedDate,
)

PRECISION_RANK = {DatePrecision.year: 1, DatePrecision.month: 2, DatePrecision.day: 3}
_PREFIX = {1: 4, 2: 7, 3: 10}
REMOTE = frozenset({MeetingFormat.phone, MeetingFormat.video})
_Class = TypeVar("_Class", bound=type)


def _pickled_by_init(cls: _Class) -> _Class:
    """Pickle as (class, its __init__ arguments). Mentions are pickled by the thousand (`dataset.store`), and
    the default for a slotted dataclass looks its fields up again for every object (a third of the time)."""
    names = tuple(f.name for f in fields(cls) if f.init)

    def reduce(self: object) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return cls, tuple(getattr(self, name) for name in names)

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]
    return cls


@_pickled_by_init
@dataclass(frozen=True, slots=True)
class Side:
    key: str | None  # None: named by office or country only
    country: str | None
    ref: ActorRef


@_pickled_by_init
@dataclass(frozen=True, slots=True)
class Place:
    country: str | None = None
    city: str | None = None
    venue: str | None = None

    def text(self) -> str | None:
        parts = [p for p in (self.venue, self.city, self.country) if p]
        return ", ".join(parts) if parts else None


_SPANS = TypeAdapter(list[EvidenceSpan])


@_pickled_by_init
@dataclass(frozen=True, slots=True)
class Mention:
    """What grouping and consolidation need of one meeting record, and no more: mentions are stored and
    sorted by the thousand (`dataset.store`), so the record itself (topics, outcomes, provenance, flags …) is
    not kept, and the evidence spans are kept as their JSON (a span object costs several times its text)."""

    id: str  # the record's id
    article_id: str
    date: ResolvedDate
    format: MeetingFormat
    status: MeetingStatus
    evidence_json: bytes
    published: dt.date | None
    sides: tuple[Side, ...]
    place: Place
    # Derived from `date` once, not on each use: grouping compares mentions many times over.
    precision_rank: int = field(init=False, compare=False, repr=False)
    iso: str | None = field(init=False, compare=False, repr=False)  # None unless at least year precision

    def __post_init__(self) -> None:
        rank = PRECISION_RANK.get(self.date.precision, 0) if self.date.iso else 0
        object.__setattr__(self, "precision_rank", rank)
        object.__setattr__(self, "iso", self.date.iso if rank else None)

    @property
    def evidence(self) -> list[EvidenceSpan]:
        return _SPANS.validate_json(self.evidence_json)


def _words(name: str) -> list[str]:
    return re.findall(r"[\w'’.-]+", name.replace("’", "'"))


def is_office_or_country(name: str, countries: CountryTable, rules: EventRules) -> bool:
    """True when every word of `name` is an office word, a country name or a demonym."""
    words = [w.strip(".").removesuffix("'s") for w in _words(name)]
    words = [w for w in words if w]
    return bool(words) and all(
        w.casefold() in rules.office_words or countries.code(w) is not None or countries.is_demonym(w) for w in words
    )


def make_side(ref: ActorRef, written: Participant | None, countries: CountryTable, rules: EventRules) -> Side:
    country = participant_country(ref, written, countries)
    if ref.match == "none" and is_office_or_country(ref.name_as_written, countries, rules):
        found = countries.find(ref.name_as_written)
        return Side(None, country or (found[0] if len(found) == 1 else None), ref)
    key = ref.actor_id or normalize_name(ref.canonical_name or ref.name_as_written)
    return Side(key or None, country, ref)


def make_mention(
    record: MeetingRecord, published: dt.date | None, countries: CountryTable, rules: EventRules
) -> Mention:
    written: list[Participant | None] = list(record.meeting.participants)
    if len(written) != len(record.participants):
        written = [None] * len(record.participants)
    sides = tuple(
        make_side(ref, w, countries, rules) for ref, w in zip(record.participants, written, strict=True)
    )
    location = record.meeting.location
    place = Place(
        country=place_country(location, countries),
        city=location.city if location else None,
        venue=location.venue if location else None,
    )
    return Mention(
        id=record.id, article_id=record.article_id, date=record.date, format=record.meeting.format,
        status=record.meeting.status, evidence_json=_SPANS.dump_json(list(record.evidence)), published=published,
        sides=sides, place=place,
    )  # fmt: skip


def identified(mention: Mention) -> bool:
    """At least two distinct sides: two people, or a person and another country's office."""
    keys = {s.key for s in mention.sides if s.key}
    unnamed = {s.country for s in mention.sides if s.key is None and s.country}
    return len(keys) >= 2 or (len(keys) >= 1 and bool(unnamed))


def sides_compatible(a: Mention, b: Mention) -> bool:
    """The same people, allowing a side named by office or country in one report and by name in the other,
    and extra delegation members of a country that is already matched."""
    left, right = list(a.sides), list(b.sides)
    matched: list[Side] = []
    for side in [s for s in left if s.key]:
        other = next((o for o in right if o.key == side.key), None)
        if other is not None:
            left.remove(side)
            right.remove(other)
            matched.append(side)
    if not matched:
        return False
    for pool, others in ((left, right), (right, left)):
        for side in [s for s in pool if s.key is None]:
            other = next((o for o in others if o.country and o.country == side.country), None)
            if other is None:
                return False
            pool.remove(side)
            others.remove(other)
            matched.append(other)
    if len(matched) < 2:
        return False
    matched_countries = {s.country for s in matched if s.country}
    return all(s.country in matched_countries for s in left + right)


def dates_compatible(a: Mention, b: Mention, rules: EventRules) -> bool:
    """Both dated, and equal at their common precision (within `day_tolerance` days at day precision)."""
    if a.iso is None or b.iso is None:
        return False
    common = min(a.precision_rank, b.precision_rank)
    if common == PRECISION_RANK[DatePrecision.day]:
        return abs((dt.date.fromisoformat(a.iso) - dt.date.fromisoformat(b.iso)).days) <= rules.day_tolerance
    n = _PREFIX[common]
    return a.iso[:n] == b.iso[:n]


def formats_compatible(a: MeetingFormat, b: MeetingFormat) -> bool:
    """Unknown fits anything; a call (phone or video) is not a face-to-face meeting."""
    if MeetingFormat.unknown in (a, b):
        return True
    return (a in REMOTE) == (b in REMOTE)


def places_compatible(a: Place, b: Place) -> bool:
    """Different countries are different meetings; different cities or venues in one country are a conflict."""
    return a.country is None or b.country is None or a.country == b.country


def same_meeting(a: Mention, b: Mention, rules: EventRules) -> bool:
    return (
        sides_compatible(a, b)
        and dates_compatible(a, b, rules)
        and formats_compatible(a.format, b.format)
        and places_compatible(a.place, b.place)
    )
