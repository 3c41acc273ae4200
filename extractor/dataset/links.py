"""Links between events and records. Pure.

* `anticipation_links`: an anticipated or planned event is linked (not merged) to the held event it announced:
  the same people, a compatible format, and either a compatible date or, when it has no date, the first held
  event that falls within `anticipation_window_days` after the anticipating article was published.
* `link_records`: a statement belongs to the event of its `meeting_id`; a position to the event of a statement
  by the same actor resting on the same evidence, else to the event of a meeting whose evidence it shares.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from extractor.dataset.mentions import Mention, dates_compatible, formats_compatible, sides_compatible
from extractor.dataset.rules import EventRules
from schemas import ActorRef, Event, EventLink, MeetingStatus, PositionRecord, StatementRecord


def _period(iso: str) -> tuple[dt.date, dt.date]:
    """First and last day of an ISO date, month or year."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], calendar.monthrange(*parts)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def _held_date(group: Sequence[Mention]) -> str | None:
    dated = sorted((m.iso for m in group if m.iso), key=len, reverse=True)
    return dated[0] if dated else None


def _days_after(upcoming: Sequence[Mention], held: Sequence[Mention], rules: EventRules) -> int | None:
    """Days from the anticipating article to the held meeting; None when the held one is not in the window."""
    published = [m.published for m in upcoming if m.published is not None]
    iso = _held_date(held)
    if not published or iso is None:
        return None
    start, end = _period(iso)
    announced = max(published)
    if end < announced or (start - announced).days > rules.anticipation_window_days:
        return None
    return max(0, (start - announced).days)


def _distance(upcoming: Sequence[Mention], held: Sequence[Mention], rules: EventRules) -> int | None:
    pairs = [(u, h) for u in upcoming for h in held]
    if not any(sides_compatible(u, h) and formats_compatible(u.format, h.format) for u, h in pairs):
        return None
    if any(u.iso for u in upcoming):
        return 0 if any(dates_compatible(u, h, rules) for u, h in pairs) else None
    return _days_after(upcoming, held, rules)


def anticipation_links(
    groups: Sequence[Sequence[Mention]], ids: Sequence[str], rules: EventRules
) -> dict[str, list[EventLink]]:
    held = [(g, i) for g, i in zip(groups, ids, strict=True) if g[0].status is MeetingStatus.held]
    upcoming = [
        (g, i) for g, i in zip(groups, ids, strict=True)
        if g[0].status in (MeetingStatus.planned, MeetingStatus.anticipated)
    ]  # fmt: skip
    links: dict[str, list[EventLink]] = {}
    for group, gid in upcoming:
        scored = [(d, hid) for h, hid in held if (d := _distance(group, h, rules)) is not None]
        if not scored:
            continue
        _, target = min(scored)
        links.setdefault(gid, []).append(EventLink(event_id=target, relation="anticipates"))
        links.setdefault(target, []).append(EventLink(event_id=gid, relation="anticipated_by"))
    return links


def _actor(ref: ActorRef) -> str:
    return (ref.actor_id or ref.canonical_name or ref.name_as_written).casefold()


def _spans(record: StatementRecord | PositionRecord) -> set[tuple[str, str]]:
    return {(record.article_id, span.text) for span in record.evidence}


def link_records(
    events: Sequence[Event], statements: Sequence[StatementRecord], positions: Sequence[PositionRecord]
) -> list[Event]:
    of_meeting = {m.record_id: e.id for e in events for m in e.mentions}
    of_span = {(m.article_id, s.text): e.id for e in events for m in e.mentions for s in m.evidence}
    statement_event = {s.id: of_meeting[s.meeting_id] for s in statements if s.meeting_id in of_meeting}
    by_event: dict[str, tuple[list[str], list[str]]] = {e.id: ([], []) for e in events}
    for statement in statements:
        if statement.id in statement_event:
            by_event[statement_event[statement.id]][0].append(statement.id)
    linked_by_article: dict[str, list[StatementRecord]] = {}
    for statement in statements:
        if statement.id in statement_event:
            linked_by_article.setdefault(statement.article_id, []).append(statement)
    for position in positions:
        found = next(
            (statement_event[s.id] for s in linked_by_article.get(position.article_id, [])
             if _actor(s.speaker) == _actor(position.holder) and _spans(s) & _spans(position)),
            next((of_span[key] for key in sorted(_spans(position)) if key in of_span), None),
        )  # fmt: skip
        if found is not None:
            by_event[found][1].append(position.id)
    return [
        e.model_copy(update={"statement_ids": by_event[e.id][0], "position_ids": by_event[e.id][1]}) for e in events
    ]
