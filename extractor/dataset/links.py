"""Links between events and records. Pure.

* `anticipation_links`: an anticipated or planned event is linked (not merged) to the held event it announced:
  the same people, a compatible format, and either a compatible date or, when it has no date, the first held
  event that falls within `anticipation_window_days` after the anticipating article was published.
* `record_links`: a statement belongs to the event of its `meeting_id`; a position to the event of a statement
  by the same actor resting on the same evidence, else to the event of a meeting whose evidence it shares.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from extractor.dataset.mentions import Mention, dates_compatible, formats_compatible, sides_compatible
from extractor.dataset.rules import EventRules
from schemas import EventLink

STATEMENT, POSITION = "statement", "position"


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
    upcoming: Iterable[tuple[str, Sequence[Mention]]],
    held_sharing: Callable[[set[str]], Sequence[tuple[str, Sequence[Mention]]]],
    rules: EventRules,
) -> Iterator[tuple[str, EventLink]]:
    """(event id, link) pairs, both directions, for each planned or anticipated group of `upcoming` (event id,
    members) taken in order; `held_sharing(keys)`: the held groups naming any of these person keys (a link
    needs at least one shared person)."""
    for gid, group in upcoming:
        candidates = held_sharing(_keys(group))
        scored = [(d, hid) for hid, held in candidates if (d := _distance(group, held, rules)) is not None]
        if not scored:
            continue
        _, target = min(scored)
        yield gid, EventLink(event_id=target, relation="anticipates")
        yield target, EventLink(event_id=gid, relation="anticipated_by")


def _keys(group: Sequence[Mention]) -> set[str]:
    return {side.key for mention in group for side in mention.sides if side.key}


# What linking reads of a record. `StatementRecord` and `PositionRecord` have these; so do the slim models
# below, which a run's files are read with: the events step then skips validating what it never looks at
# (most of a statement: measured, validation was a fifth of the step).


class _Named(Protocol):
    @property
    def actor_id(self) -> str | None: ...
    @property
    def canonical_name(self) -> str | None: ...
    @property
    def name_as_written(self) -> str: ...


class _Text(Protocol):
    @property
    def text(self) -> str: ...


class _LinkedRecord(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def article_id(self) -> str: ...
    @property
    def evidence(self) -> Sequence[_Text]: ...


class LinkedStatement(_LinkedRecord, Protocol):
    @property
    def meeting_id(self) -> str | None: ...
    @property
    def speaker(self) -> _Named: ...


class LinkedPosition(_LinkedRecord, Protocol):
    @property
    def holder(self) -> _Named: ...


class _Slim(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _NameFields(_Slim):
    name_as_written: str
    canonical_name: str | None = None
    actor_id: str | None = None


class _SpanText(_Slim):
    text: str


class StatementLinkFields(_Slim):
    """A statements.jsonl line as linking reads it."""

    id: str
    article_id: str
    meeting_id: str | None = None
    speaker: _NameFields
    evidence: list[_SpanText] = []


class PositionLinkFields(_Slim):
    """A positions.jsonl line as linking reads it."""

    id: str
    article_id: str
    holder: _NameFields
    evidence: list[_SpanText] = []


def _actor(ref: _Named) -> str:
    return (ref.actor_id or ref.canonical_name or ref.name_as_written).casefold()


def _spans(record: _LinkedRecord) -> set[tuple[str, str]]:
    return {(record.article_id, span.text) for span in record.evidence}


class LinkStore(Protocol):
    """Where `record_links` looks up events and writes links (`dataset.store.EventStore`)."""

    def event_of_meeting(self, record_id: str) -> str | None: ...

    def span_events(self, article_id: str) -> Mapping[str, str]:
        """Evidence text of this article → the event of the last-started group whose meeting rests on it."""
        ...

    def link_record(self, event_id: str, kind: str, record_id: str) -> None: ...


@dataclass(frozen=True)
class _Linked:
    """A statement linked to an event, as much of it as a position of its article is matched on."""

    speaker: str
    spans: frozenset[tuple[str, str]]
    event_id: str


def record_links(
    store: LinkStore,
    statements: Iterable[LinkedStatement],
    positions: Iterable[LinkedPosition],
    article_order: Mapping[str, int] | None = None,
) -> None:
    """Which statements and positions belong to which event (docs/codebook.md §12), in one pass over each;
    the links go to `store` in file order.

    A position is matched against every linked statement of its own article. With `article_order` (article id →
    position in the run; both streams in that order, e.g. a run's files, read lazily), statements are read up to
    the end of the position's article and those of articles the positions have passed are dropped, so memory
    holds one article's statements, not the corpus's; without it (records in memory anyway) all statements are
    read at the first position, in any order.
    """
    linked = _LinkedStatements(statements, store, article_order)
    span_events = functools.lru_cache(maxsize=64)(store.span_events)  # a run's positions come article by article
    for position in positions:
        spans = _spans(position)
        found = next(
            (s.event_id for s in linked.of_article(position.article_id)
             if s.speaker == _actor(position.holder) and s.spans & spans),
            None,
        )  # fmt: skip
        if found is None:
            events = span_events(position.article_id)
            found = next((events[text] for _, text in sorted(spans) if text in events), None)
        if found is not None:
            store.link_record(found, POSITION, position.id)
    linked.drain()


class _LinkedStatements:
    """Statements read as positions need them, each recorded as linked (or not) exactly once, in file order."""

    def __init__(
        self,
        statements: Iterable[LinkedStatement],
        store: LinkStore,
        article_order: Mapping[str, int] | None,
    ) -> None:
        self._stream = iter(statements)
        self._next = next(self._stream, None)
        self._store = store
        self._order = article_order
        self._by_article: dict[str, list[_Linked]] = {}
        self._asked: str | None = None

    def of_article(self, article_id: str) -> list[_Linked]:
        if article_id == self._asked:  # the last position's article again: nothing new to read
            return self._by_article.get(article_id, [])
        self._asked = article_id
        if self._order is None:  # records in memory anyway: read them all, so no statement of the article is missed
            self.drain()
            return self._by_article.get(article_id, [])
        if article_id not in self._order:
            while self._next is not None and article_id not in self._by_article:
                self._read_one()
            return self._by_article.get(article_id, [])
        here = self._order[article_id]
        while self._next is not None and self._order.get(self._next.article_id, here) <= here:
            self._read_one()  # up to the end of this article: statements are in article order
        for done in [a for a in self._by_article if self._order.get(a, here) < here]:
            del self._by_article[done]
        return self._by_article.get(article_id, [])

    def drain(self) -> None:
        while self._next is not None:
            self._read_one()

    def _read_one(self) -> None:
        """Take the next statement (callers check there is one)."""
        statement, self._next = self._next, next(self._stream, None)
        if statement is None:
            return
        found = self._store.event_of_meeting(statement.meeting_id) if statement.meeting_id else None
        if found is not None:
            self._store.link_record(found, STATEMENT, statement.id)
            linked = _Linked(_actor(statement.speaker), frozenset(_spans(statement)), found)
            self._by_article.setdefault(statement.article_id, []).append(linked)
