"""Mentions in date order → groups that are one meeting each, streamed: a group is let go once no later
mention can join it, so memory holds the groups still open, not the corpus (docs/codebook.md §12). Pure.

Each mention, taken in date order (undated last, then by record id), joins the first open group of its status
class with every member of which it is `same_meeting`; otherwise it starts a group. Undated mentions and
mentions that do not name two sides start a group no later mention joins.

When a group closes: in date order a later mention's ISO date is never a prefix of an earlier one's, so a
member dated to the day admits later mentions dated up to `day_tolerance` days after it; a member dated to a
month or a year admits later mentions inside that month or year. Past the earliest such bound of its members,
a group can take no one.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator

from extractor.dataset.mentions import PRECISION_RANK, Mention, identified, same_meeting
from extractor.dataset.rules import EventRules
from schemas import DatePrecision, MeetingStatus

STATUS_CLASS = {
    MeetingStatus.held: "held",
    MeetingStatus.planned: "upcoming",
    MeetingStatus.anticipated: "upcoming",
    MeetingStatus.cancelled: "cancelled",
}
UNDATED = "~"  # sorts after every ISO date


def order_key(mention: Mention) -> tuple[str, str]:
    return mention.iso or UNDATED, mention.id


def _years(mention: Mention) -> list[str]:
    """Index years a dated mention may share a group in (the year before and after catch day tolerances)."""
    year = int((mention.iso or "0")[:4])
    return [str(y) for y in (year - 1, year, year + 1)]


def last_joinable(mention: Mention, rules: EventRules) -> str:
    """The latest date (as an ISO string bound) of a later mention that may still share a group with this one;
    "" for an undated mention, which no one joins."""
    if mention.iso is None:
        return ""
    if mention.precision_rank == PRECISION_RANK[DatePrecision.day]:
        return (dt.date.fromisoformat(mention.iso) + dt.timedelta(days=rules.day_tolerance)).isoformat()
    return mention.iso + "-99"  # anything inside the month or year, nothing after it


class _Open:
    """The open groups: members, the (person key, year) index over them, and when each one closes."""

    def __init__(self) -> None:
        self.members: dict[int, list[Mention]] = {}
        self.bound: dict[int, str] = {}
        self.index: dict[tuple[str, str], list[int]] = {}
        self.closing: list[tuple[str, int]] = []  # heap of (bound, group); stale entries are skipped

    def candidates(self, mention: Mention) -> list[int]:
        keys = [(s.key, y) for s in mention.sides if s.key for y in _years(mention)]
        return sorted({i for k in keys for i in self.index.get(k, [])})

    def add(self, group: int, mention: Mention, rules: EventRules) -> None:
        self.members.setdefault(group, []).append(mention)
        bound = min(self.bound.get(group, "\uffff"), last_joinable(mention, rules))
        self.bound[group] = bound
        heapq.heappush(self.closing, (bound, group))
        if mention.iso is not None:
            for side in mention.sides:
                entry = self.index.setdefault((side.key, mention.iso[:4]), []) if side.key else None
                if entry is not None and group not in entry:
                    entry.append(group)

    def close_before(self, cursor: str | None) -> Iterator[tuple[int, list[Mention]]]:
        """The groups no mention dated `cursor` or later can join (all of them when `cursor` is None)."""
        while self.closing and (cursor is None or self.closing[0][0] < cursor):
            bound, group = heapq.heappop(self.closing)
            if self.bound.get(group) == bound:
                yield group, self._remove(group)

    def _remove(self, group: int) -> list[Mention]:
        del self.bound[group]
        members = self.members.pop(group)
        for mention in members:
            for key in {(s.key, mention.iso[:4]) for s in mention.sides if s.key and mention.iso}:
                entry = self.index.get(key, [])
                if group in entry:
                    entry.remove(group)
                if not entry:
                    self.index.pop(key, None)
        return members


def stream_groups(ordered: Iterable[Mention], rules: EventRules) -> Iterator[tuple[int, list[Mention]]]:
    """(group number, members) of mentions given in `order_key` order, each group as soon as it is closed.
    Group numbers count groups in the order they were started."""
    open_groups = _Open()
    started = 0
    for mention in ordered:
        yield from open_groups.close_before(mention.iso or UNDATED)
        home = None
        if identified(mention) and mention.iso is not None:
            home = next((i for i in open_groups.candidates(mention) if _fits(open_groups.members[i], mention, rules)),
                        None)  # fmt: skip
        if home is None:
            home, started = started, started + 1
        open_groups.add(home, mention, rules)
    yield from open_groups.close_before(None)


def _fits(group: list[Mention], mention: Mention, rules: EventRules) -> bool:
    return STATUS_CLASS[group[0].status] == STATUS_CLASS[mention.status] and all(
        same_meeting(member, mention, rules) for member in group
    )
