"""Meeting records from all articles → events (docs/codebook.md §12). Pure: records in, events out.

1. Every meeting record becomes a `Mention` (`mentions.make_mention`).
2. Mentions are taken in date order (undated last, then by record id, so file order does not matter) and each
   joins the first group of its status class (held · planned or anticipated · cancelled) with every member of
   which it is `same_meeting`; otherwise it starts a group. Undated mentions and mentions that do not name two
   sides stay alone: nothing says which meeting they report.
3. Each group is consolidated (`consolidate`) and coded (`extractor.codes.code_contact`); its id is a hash of
   its sorted record ids, so the same input gives the same ids in every run.
4. `links` links anticipated/planned events to the held event they announce, and statements and positions to
   the events of their meetings.

Only the mentions of a corpus are held in memory (not its records): `group_meetings` reads meetings once,
`record_links` streams statements and positions, and `events_in_order` builds one event at a time, so
`dataset.write.write_events_from_files` keeps memory to a small fraction of the output's size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from extractor.codes import ContactFacts, code_contact
from extractor.countries import CountryTable, default_countries
from extractor.dataset.consolidate import best_date, best_format, best_place, disagreement_flags, merge_participants
from extractor.dataset.links import RecordLinks, anticipation_links, record_links
from extractor.dataset.mentions import Mention, identified, make_mention, same_meeting
from extractor.dataset.rules import EventRules, default_rules
from schemas import (
    ArticleResult,
    DatePrecision,
    Event,
    EventLink,
    EventMention,
    MeetingRecord,
    MeetingStatus,
    PositionRecord,
    StatementRecord,
)

STATUS_CLASS = {
    MeetingStatus.held: "held",
    MeetingStatus.planned: "upcoming",
    MeetingStatus.anticipated: "upcoming",
    MeetingStatus.cancelled: "cancelled",
}


def event_id(record_ids: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(record_ids)).encode("utf-8")).hexdigest()
    return f"ev-{digest[:16]}"


def _order(mention: Mention) -> tuple[str, str]:
    return mention.iso or "~", mention.id


def _years(mention: Mention) -> list[str]:
    """Index years a dated mention may share a group in (the year before and after catch day tolerances)."""
    year = int((mention.iso or "0")[:4])
    return [str(y) for y in (year - 1, year, year + 1)]


def group_mentions(mentions: Sequence[Mention], rules: EventRules) -> list[list[Mention]]:
    groups: list[list[Mention]] = []
    index: dict[tuple[str, str], list[int]] = {}  # (person key, year) → groups: only those are compared
    for mention in sorted(mentions, key=_order):
        home = None
        if identified(mention) and mention.iso is not None:
            keys = [(s.key, y) for s in mention.sides if s.key for y in _years(mention)]
            candidates = sorted({i for k in keys for i in index.get(k, [])})
            home = next((i for i in candidates if _fits(groups[i], mention, rules)), None)
        if home is None:
            groups.append([mention])
            home = len(groups) - 1
        else:
            groups[home].append(mention)
        if mention.iso is not None:
            for side in mention.sides:
                if side.key and home not in index.setdefault((side.key, mention.iso[:4]), []):
                    index[(side.key, mention.iso[:4])].append(home)
    return groups


def _fits(group: Sequence[Mention], mention: Mention, rules: EventRules) -> bool:
    return STATUS_CLASS[group[0].status] == STATUS_CLASS[mention.status] and all(
        same_meeting(member, mention, rules) for member in group
    )


def _status(group: Sequence[Mention]) -> MeetingStatus:
    statuses = {m.status for m in group}
    for status in (MeetingStatus.held, MeetingStatus.planned, MeetingStatus.cancelled):
        if status in statuses:
            return status
    return MeetingStatus.anticipated


def _mention(mention: Mention) -> EventMention:
    return EventMention(
        article_id=mention.article_id, record_id=mention.id, status=mention.status, date=mention.iso,
        date_precision=mention.date.precision if mention.iso else DatePrecision.unknown,
        format=mention.format, place=mention.place.text(), evidence=mention.evidence,
    )  # fmt: skip


def build_event(
    group: Sequence[Mention], links: list[EventLink], records: tuple[list[str], list[str]] = ([], [])
) -> Event:
    """The event of one group; `records`: the ids of its statements and of its positions."""
    date, date_clash = best_date(group)
    place, place_clash = best_place(group)
    fmt, format_clash = best_format(group)
    participants = merge_participants(group)
    disagreements = [d for d in (date_clash, place_clash, format_clash) if d is not None]
    facts = ContactFacts(
        format=fmt,
        place_country=place.country if place else None,
        countries=tuple(p.country for p in participants),
        evidence=tuple(span.text for m in group for span in m.evidence),
    )
    return Event(
        id=event_id(m.id for m in group), status=_status(group), participants=participants, date=date,
        place=place, format=fmt, codes=code_contact(facts), mentions=[_mention(m) for m in group],
        article_ids=list(dict.fromkeys(m.article_id for m in group)), disagreements=disagreements,
        flags=disagreement_flags(disagreements), links=links, statement_ids=records[0], position_ids=records[1],
    )  # fmt: skip


def build_events(
    meetings: Sequence[MeetingRecord],
    statements: Sequence[StatementRecord] = (),
    positions: Sequence[PositionRecord] = (),
    articles: Sequence[ArticleResult] = (),
    *,
    countries: CountryTable | None = None,
    rules: EventRules | None = None,
) -> list[Event]:
    """Every meeting record in exactly one event; events in date order (undated last), then by id."""
    rules = rules or default_rules()
    published: dict[str, dt.date | None] = {a.id: a.published for a in articles}
    groups, ids = group_meetings(meetings, published, countries or default_countries(), rules)
    return list(events_in_order(groups, ids, record_links(groups, ids, statements, positions), rules))


def group_meetings(
    meetings: Iterable[MeetingRecord], published: Mapping[str, dt.date | None], countries: CountryTable,
    rules: EventRules,
) -> tuple[list[list[Mention]], list[str]]:  # fmt: skip
    """The groups of mentions that are one meeting each, and their event ids; `meetings` is read once."""
    shared: dict[Any, Any] = {}
    mentions = [make_mention(r, published.get(r.article_id), countries, rules, shared) for r in meetings]
    groups = group_mentions(mentions, rules)
    return groups, [event_id(m.id for m in g) for g in groups]


def events_in_order(
    groups: Sequence[Sequence[Mention]], ids: Sequence[str], records: RecordLinks, rules: EventRules
) -> Iterator[Event]:
    """The events of `groups`, built one at a time in output order (date, undated last, then id)."""
    anticipation = anticipation_links(groups, ids, rules)
    order = sorted(range(len(groups)), key=lambda i: (best_date(groups[i])[0].iso or "~", ids[i]))
    for i in order:
        gid = ids[i]
        linked = (records.statements.get(gid, []), records.positions.get(gid, []))
        yield build_event(groups[i], anticipation.get(gid, []), linked)
