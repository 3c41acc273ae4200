"""The events step's scratch store, on hand-made records."""

from __future__ import annotations

import datetime as dt

from extractor.dataset.events import default_countries, default_rules
from extractor.dataset.mentions import Mention, make_mention
from extractor.dataset.store import EventStore
from tests.dataset.factories import meeting


def _mention(record_id: str, iso: str | None, evidence: str = "They met.") -> Mention:
    record = meeting(record_id, ["Alice Smith", "Bruno Keller"], iso, evidence=evidence)
    return make_mention(record, dt.date(2030, 1, 1), default_countries(), default_rules())


def test_mentions_come_back_equal_in_date_order_undated_last() -> None:
    undated = _mention("a1:s0:meeting:0", None)
    year = _mention("a2:s0:meeting:0", "2030")
    day = _mention("a3:s0:meeting:0", "2029-12-31")
    with EventStore() as store:
        store.add_mentions([undated, year, day])
        back = list(store.mentions_in_order())
    assert back == [day, year, undated]
    assert [(m.iso, m.precision_rank) for m in back] == [("2029-12-31", 3), ("2030", 1), (None, 0)]
    assert back[0].evidence[0].text == "They met." and back[0].published == dt.date(2030, 1, 1)


def test_span_events_name_the_last_started_group_of_that_article_only() -> None:
    first, second = _mention("a1:s0:meeting:0", "2030-03-04"), _mention("a1:s1:meeting:0", "2030-05-06")
    other = _mention("a2:s0:meeting:0", "2030-03-04")
    with EventStore() as store:
        store.add_group(0, "ev-first", [first], "2030-03-04")
        store.add_group(1, "ev-second", [second], "2030-05-06")
        store.add_group(2, "ev-other", [other], "2030-03-04")
        store.index_groups()
        assert store.span_events("a1") == {"They met.": "ev-second"}
        assert store.span_events("a2") == {"They met.": "ev-other"}
        assert store.span_events("a3") == {}
