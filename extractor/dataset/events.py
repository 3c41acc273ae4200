"""Meeting records from all articles → events (docs/codebook.md §12). Records in, events out.

1. Every meeting record becomes a `Mention` (`mentions.make_mention`).
2. Mentions in date order are grouped into meetings (`grouping.stream_groups`).
3. Each group is consolidated (`consolidate`) and coded (`extractor.codes.code_contact`); its id is a hash of
   its sorted record ids, so the same input gives the same ids in every run.
4. `links` links anticipated/planned events to the held event they announce, and statements and positions to
   the events of their meetings.

What spans articles (mentions to sort, closed groups, links) is kept in an `EventStore`, on disk for a run's
files (`dataset.write.write_events_from_files`), so memory holds the groups still open and one event at a time,
not the corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

from extractor.codes import ContactFacts, code_contact
from extractor.countries import CountryTable, default_countries
from extractor.dataset.consolidate import best_date, best_format, best_place, disagreement_flags, merge_participants
from extractor.dataset.grouping import stream_groups
from extractor.dataset.links import LinkedPosition, LinkedStatement, anticipation_links, record_links
from extractor.dataset.mentions import Mention, make_mention
from extractor.dataset.rules import EventRules, default_rules
from extractor.dataset.store import EventStore
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


def event_id(record_ids: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(record_ids)).encode("utf-8")).hexdigest()
    return f"ev-{digest[:16]}"


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
    with EventStore() as store:
        store.add_articles((a.id, a.published) for a in articles)
        return list(stream_events(store, meetings, statements, positions, countries=countries, rules=rules))


def stream_events(
    store: EventStore,
    meetings: Iterable[MeetingRecord],
    statements: Iterable[LinkedStatement],
    positions: Iterable[LinkedPosition],
    *,
    article_order: bool = False,
    countries: CountryTable | None = None,
    rules: EventRules | None = None,
) -> Iterator[Event]:
    """The events of records read once each (the articles are in `store`), one at a time in output order.
    `article_order`: statements and positions come in the store's article order (a run's files), so each
    article's statements can be let go once its positions are linked."""
    rules = rules or default_rules()
    countries = countries or default_countries()
    store.add_mentions(make_mention(r, store.published(r.article_id), countries, rules) for r in meetings)
    for number, group in stream_groups(store.mentions_in_order(), rules):
        store.add_group(number, event_id(m.id for m in group), group, best_date(group)[0].iso)
    store.index_groups()
    store.add_event_links(anticipation_links(store.upcoming_groups(), store.held_sharing, rules))
    record_links(store, statements, positions, store.article_order() if article_order else None)
    for group, links, statement_ids, position_ids in store.events_in_order():
        yield build_event(group, links, (statement_ids, position_ids))
