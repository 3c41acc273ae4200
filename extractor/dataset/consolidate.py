"""One group of mentions → the event's fields: best-supported date, place, format, participants, and every
disagreement between the reports with the flag that marks it. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from extractor.dataset.mentions import PRECISION_RANK, Mention, Side
from schemas import (
    DatePrecision,
    Disagreement,
    EventDate,
    EventParticipant,
    EventPlace,
    Flag,
    FlagCode,
    MeetingFormat,
    ReportedValue,
)

_CONFIDENCE = {"high": 3, "medium": 2, "low": 1}
_PRECISION_OF_RANK = {rank: precision for precision, rank in PRECISION_RANK.items()}
_FORMAT_ORDER = (MeetingFormat.video, MeetingFormat.phone, MeetingFormat.in_person)
_FLAG_OF_FIELD = {
    "date": FlagCode.event_date_conflict,
    "place": FlagCode.event_place_conflict,
    "format": FlagCode.event_format_conflict,
}


def _values(mentions: Sequence[Mention], value: Callable[[Mention], str | None]) -> list[ReportedValue]:
    by_value: dict[str, list[str]] = {}
    for mention in mentions:
        if (v := value(mention)) is not None:
            by_value.setdefault(v, []).append(mention.id)
    return [ReportedValue(value=v, record_ids=ids) for v, ids in by_value.items()]


def _agrees(iso: str, other: str) -> bool:
    return iso.startswith(other) or other.startswith(iso)


def best_date(mentions: Sequence[Mention]) -> tuple[EventDate, Disagreement | None]:
    """The date most mentions agree with (a coarser date agrees with a finer one inside it), finest first."""
    dated = [m for m in mentions if m.iso is not None]
    if not dated:
        return EventDate(), None

    def support(candidate: Mention) -> list[Mention]:
        return [m for m in dated if _agrees(candidate.iso or "", m.iso or "")]

    def rank(candidate: Mention) -> tuple[int, int, int, str]:
        confidence = _CONFIDENCE.get(candidate.date.confidence, 0)
        return -len(support(candidate)), -candidate.precision_rank, -confidence, candidate.iso or ""

    best = min(dated, key=rank)
    date = EventDate(
        iso=best.iso,
        precision=_PRECISION_OF_RANK.get(best.precision_rank, DatePrecision.unknown),
        supported_by=[m.id for m in support(best)],
    )
    clash = any(not _agrees(a.iso or "", b.iso or "") for a in dated for b in dated)
    return date, Disagreement(field="date", values=_values(dated, lambda m: m.iso)) if clash else None


def _most_common(values: Sequence[str | None]) -> str | None:
    present = [v for v in values if v]
    return Counter(present).most_common(1)[0][0] if present else None


def best_place(mentions: Sequence[Mention]) -> tuple[EventPlace | None, Disagreement | None]:
    country = _most_common([m.place.country for m in mentions])
    city = _most_common([m.place.city for m in mentions])
    venue = _most_common([m.place.venue for m in mentions])
    place = EventPlace(city=city, venue=venue, country=country) if (country or city or venue) else None
    cities = {m.place.city.casefold() for m in mentions if m.place.city}
    venues = {m.place.venue.casefold() for m in mentions if m.place.venue}
    if len(cities) > 1 or len(venues) > 1:
        return place, Disagreement(field="place", values=_values(mentions, lambda m: m.place.text()))
    return place, None


def best_format(mentions: Sequence[Mention]) -> tuple[MeetingFormat, Disagreement | None]:
    known = Counter(m.format for m in mentions if m.format is not MeetingFormat.unknown)
    if not known:
        return MeetingFormat.unknown, None
    chosen = max(known, key=lambda f: (known[f], -_FORMAT_ORDER.index(f)))
    if len(known) > 1:
        return chosen, Disagreement(field="format", values=_values(mentions, _known_format))
    return chosen, None


def _known_format(mention: Mention) -> str | None:
    return mention.format.value if mention.format is not MeetingFormat.unknown else None


def disagreement_flags(disagreements: Sequence[Disagreement]) -> list[Flag]:
    return [
        Flag(code=_FLAG_OF_FIELD[d.field], reason="reports disagree on the " + d.field + ": " + "; ".join(
            f"{v.value} ({', '.join(v.record_ids)})" for v in d.values))
        for d in disagreements
    ]  # fmt: skip


def _name(side: Side) -> str:
    return side.ref.canonical_name or side.ref.name_as_written


def merge_participants(mentions: Sequence[Mention]) -> list[EventParticipant]:
    """One participant per person; a side named by office or country joins a person of its country if any."""
    people: dict[str, EventParticipant] = {}
    unnamed: list[tuple[Side, str]] = []
    for mention in mentions:
        for side in mention.sides:
            if side.key is None:
                unnamed.append((side, mention.id))
                continue
            found = people.setdefault(side.key, EventParticipant(name=_name(side), actor_id=side.ref.actor_id,
                                                                  country=side.country))  # fmt: skip
            _add(found, side, mention.id)
            if len(side.ref.name_as_written) > len(found.name) and side.ref.canonical_name is None:
                found.name = side.ref.name_as_written
    offices: dict[str, EventParticipant] = {}
    for side, record_id in unnamed:
        host = next((p for p in people.values() if p.country and p.country == side.country), None)
        if host is None:
            blank = EventParticipant(name=side.ref.name_as_written, country=side.country)
            host = offices.setdefault(side.country or side.ref.name_as_written, blank)
        _add(host, side, record_id)
    return [*people.values(), *offices.values()]


def _add(participant: EventParticipant, side: Side, record_id: str) -> None:
    if side.ref.name_as_written not in participant.names_as_written:
        participant.names_as_written.append(side.ref.name_as_written)
    if record_id not in participant.record_ids:
        participant.record_ids.append(record_id)
    if participant.country is None:
        participant.country = side.country
