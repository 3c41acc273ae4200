"""Streamed grouping against the all-in-memory rule it replaces, on random mentions of a small world (so that
people, days, months and years collide often)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from extractor.countries import default_countries
from extractor.dataset.grouping import STATUS_CLASS, last_joinable, order_key, stream_groups
from extractor.dataset.mentions import Mention, identified, make_mention, same_meeting
from extractor.dataset.rules import EventRules, default_rules
from schemas import MeetingFormat, MeetingStatus
from tests.dataset.factories import PEOPLE, meeting

NAMES = [*PEOPLE, "the French foreign minister", "Erin Vale"]
DAYS = ["2030-03-01", "2030-03-02", "2030-03-03", "2030-03-05", "2030-03-31", "2030-04-01", "2030-12-31",
        "2031-01-01", "2031-01-02"]  # fmt: skip
ISOS = [*DAYS, "2030-03", "2030-04", "2030-12", "2031-01", "2030", "2031", None]


def _reference(mentions: list[Mention], rules: EventRules) -> list[list[Mention]]:
    """Every group open until the end: each mention is compared with every group sharing a person and a year."""
    groups: list[list[Mention]] = []
    index: dict[tuple[str, str], list[int]] = {}
    for mention in sorted(mentions, key=order_key):
        home = None
        if identified(mention) and mention.iso is not None:
            year = int(mention.iso[:4])
            keys = [(s.key, str(y)) for s in mention.sides if s.key for y in (year - 1, year, year + 1)]
            candidates = sorted({i for k in keys for i in index.get(k, [])})
            home = next((i for i in candidates if STATUS_CLASS[groups[i][0].status] == STATUS_CLASS[mention.status]
                         and all(same_meeting(m, mention, rules) for m in groups[i])), None)  # fmt: skip
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


def _random_mentions(rng: random.Random, count: int, rules: EventRules) -> list[Mention]:
    statuses = [MeetingStatus.held, MeetingStatus.held, MeetingStatus.planned, MeetingStatus.anticipated,
                MeetingStatus.cancelled]  # fmt: skip
    formats = [MeetingFormat.in_person, MeetingFormat.phone, MeetingFormat.unknown]
    mentions = []
    for i in range(count):
        record = meeting(f"a{i}:s0:meeting:0", rng.sample(NAMES, rng.choice([1, 2, 2, 3])), rng.choice(ISOS),
                         status=rng.choice(statuses), fmt=rng.choice(formats))  # fmt: skip
        mentions.append(make_mention(record, None, default_countries(), rules))
    return mentions


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("tolerance", [0, 1, 3])
def test_streamed_groups_are_the_in_memory_groups(seed: int, tolerance: int) -> None:
    rules = default_rules().model_copy(update={"day_tolerance": tolerance})
    mentions = _random_mentions(random.Random(seed), 150, rules)
    expected = _reference(mentions, rules)
    streamed = dict(stream_groups(sorted(mentions, key=order_key), rules))
    assert [[m.id for m in streamed[i]] for i in range(len(streamed))] == [[m.id for m in g] for g in expected]
    assert any(len(g) > 1 for g in expected)  # the world is small enough for reports to merge


def test_groups_are_let_go_once_past_their_dates() -> None:
    rules = default_rules()
    days = [f"2030-03-{d:02d}" for d in range(1, 29)]
    records = [meeting(f"a{i}:s0:meeting:0", ["Alice Smith", "Bruno Keller"], day) for i, day in enumerate(days)]
    mentions = [make_mention(r, None, default_countries(), rules) for r in records]
    read = 0

    def counted() -> Iterator[Mention]:
        nonlocal read
        for mention in mentions:
            read += 1
            yield mention

    closed = [(number, read) for number, _ in stream_groups(counted(), rules)]
    pair = rules.day_tolerance + 1
    assert [number for number, _ in closed] == list(range(-(-len(days) // pair)))
    # each group is let go as soon as the first mention past its dates is read, not at the end
    assert [when for _, when in closed[:-1]] == [pair * (n + 1) + 1 for n in range(len(closed) - 1)]


@pytest.mark.parametrize(
    ("iso", "bound"),
    [("2030-03-05", "2030-03-06"), ("2030-03", "2030-03-99"), ("2030", "2030-99"), (None, "")],
)
def test_how_long_a_mention_admits_later_ones(iso: str | None, bound: str) -> None:
    rules = default_rules().model_copy(update={"day_tolerance": 1})
    mention = make_mention(meeting("a:s0:meeting:0", ["Alice Smith", "Bruno Keller"], iso), None,
                           default_countries(), rules)  # fmt: skip
    assert last_joinable(mention, rules) == bound
