"""What the events step keeps across a corpus, in SQLite: articles' dates and order, mentions to sort, closed
groups, and the links between events and records. A run's files use a temporary file next to them, so memory
does not grow with the corpus (`dataset.write`); records already in memory use an in-memory database.

A private scratch database, written and read by one process and deleted after: rows hold pickled mentions.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType

from extractor.dataset.grouping import UNDATED, order_key
from extractor.dataset.links import POSITION, STATEMENT
from extractor.dataset.mentions import Mention
from schemas import EventLink, MeetingStatus

_SCHEMA = """
CREATE TABLE articles (id TEXT PRIMARY KEY, line INTEGER NOT NULL, published TEXT);
CREATE TABLE mentions (sort TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE groups (number INTEGER PRIMARY KEY, event_id TEXT NOT NULL, sort TEXT NOT NULL,
                     status TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE meeting_event (record_id TEXT NOT NULL, number INTEGER NOT NULL, event_id TEXT NOT NULL);
CREATE TABLE span_event (article_id TEXT NOT NULL, text TEXT NOT NULL, number INTEGER NOT NULL,
                         event_id TEXT NOT NULL);
CREATE TABLE held_key (key TEXT NOT NULL, number INTEGER NOT NULL);
CREATE TABLE event_link (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, target TEXT NOT NULL,
                         relation TEXT NOT NULL);
CREATE TABLE record_link (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, kind TEXT NOT NULL,
                          record_id TEXT NOT NULL);
"""
# Built after the tables are filled (cheaper than keeping them up to date row by row).
_LOOKUP_INDEXES = """
CREATE INDEX meeting_event_key ON meeting_event (record_id, number);
CREATE INDEX span_event_key ON span_event (article_id, number);
CREATE INDEX held_key_key ON held_key (key, number);
CREATE INDEX groups_upcoming ON groups (status, number);
"""
_OUTPUT_INDEXES = """
CREATE INDEX event_link_event ON event_link (event_id, seq);
CREATE INDEX record_link_event ON record_link (event_id, kind, seq);
CREATE INDEX groups_order ON groups (sort, event_id, number);
"""
_UPCOMING = (MeetingStatus.planned.value, MeetingStatus.anticipated.value)
_LINK_BATCH = 1024


class EventStore:
    """One events build's scratch database. `path=None`: in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self._db = sqlite3.connect(":memory:" if path is None else str(path), isolation_level=None)
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        self._db.execute("BEGIN")
        self._record_links: list[tuple[str, str, str]] = []  # written in batches: there is one per record

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # articles --------------------------------------------------------------------------------------------

    def add_articles(self, rows: Iterable[tuple[str, dt.date | None]]) -> None:
        """(article id, publication date) in run order; a repeated id keeps its first place and its last date."""
        self._db.executemany(
            "INSERT INTO articles (id, line, published) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET published = excluded.published",
            ((aid, line, day.isoformat() if day else None) for line, (aid, day) in enumerate(rows)),
        )

    def published(self, article_id: str) -> dt.date | None:
        row = self._db.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    def article_order(self) -> Mapping[str, int]:
        return _ArticleOrder(self._db)

    # mentions and groups ---------------------------------------------------------------------------------

    def add_mentions(self, mentions: Iterable[Mention]) -> None:
        self._db.executemany(
            "INSERT INTO mentions (sort, id, body) VALUES (?, ?, ?)",
            ((*order_key(m), pickle.dumps(m, pickle.HIGHEST_PROTOCOL)) for m in mentions),
        )

    def mentions_in_order(self) -> Iterator[Mention]:
        """Date order, undated last, then record id; equal keys in the order they were added."""
        for (body,) in self._db.execute("SELECT body FROM mentions ORDER BY sort, id, rowid"):
            yield pickle.loads(body)

    def add_group(self, number: int, event_id: str, members: list[Mention], sort: str | None) -> None:
        """A closed group; `sort`: the event's date (None: undated), which orders the output."""
        db = self._db
        body = pickle.dumps(members, pickle.HIGHEST_PROTOCOL)
        db.execute(
            "INSERT INTO groups (number, event_id, sort, status, body) VALUES (?, ?, ?, ?, ?)",
            (number, event_id, sort or UNDATED, members[0].status.value, body),
        )
        db.executemany("INSERT INTO meeting_event VALUES (?, ?, ?)", ((m.id, number, event_id) for m in members))
        db.executemany(
            "INSERT INTO span_event VALUES (?, ?, ?, ?)",
            ((m.article_id, span.text, number, event_id) for m in members for span in m.evidence),
        )
        if members[0].status is MeetingStatus.held:
            keys = {side.key for m in members for side in m.sides if side.key}
            db.executemany("INSERT INTO held_key VALUES (?, ?)", ((key, number) for key in sorted(keys)))

    def index_groups(self) -> None:
        """Call once every group is in, before the lookups."""
        self._db.executescript(_LOOKUP_INDEXES)

    def upcoming_groups(self) -> Iterator[tuple[str, list[Mention]]]:
        """(event id, members) of planned and anticipated groups, in the order groups were started."""
        rows = self._db.execute(
            "SELECT event_id, body FROM groups WHERE status IN (?, ?) ORDER BY number", _UPCOMING
        ).fetchall()  # read before the links are written
        for event_id, body in rows:
            yield event_id, pickle.loads(body)

    def held_sharing(self, keys: Iterable[str]) -> list[tuple[str, list[Mention]]]:
        """(event id, members) of held groups naming any of these person keys, in the order they were started."""
        wanted = sorted(set(keys))
        rows = self._db.execute(
            f"SELECT event_id, body FROM groups WHERE number IN (SELECT number FROM held_key WHERE key IN "
            f"({', '.join('?' * len(wanted))})) ORDER BY number",
            wanted,
        )
        return [(event_id, pickle.loads(body)) for event_id, body in rows]

    # links -----------------------------------------------------------------------------------------------

    def add_event_links(self, links: Iterable[tuple[str, EventLink]]) -> None:
        self._db.executemany(
            "INSERT INTO event_link (event_id, target, relation) VALUES (?, ?, ?)",
            ((event_id, link.event_id, link.relation) for event_id, link in links),
        )

    def event_of_meeting(self, record_id: str) -> str | None:
        """The event of the last-started group holding this meeting record (an id repeated in the input)."""
        row = self._db.execute(
            "SELECT event_id FROM meeting_event WHERE record_id = ? ORDER BY number DESC LIMIT 1", (record_id,)
        ).fetchone()
        return row[0] if row else None

    def span_events(self, article_id: str) -> dict[str, str]:
        """Evidence text of this article → the event of the last-started group whose meeting rests on it."""
        rows = self._db.execute(
            "SELECT text, event_id FROM span_event WHERE article_id = ? ORDER BY number", (article_id,)
        )
        return dict(rows.fetchall())  # a later group's row replaces an earlier one's

    def link_record(self, event_id: str, kind: str, record_id: str) -> None:
        self._record_links.append((event_id, kind, record_id))
        if len(self._record_links) >= _LINK_BATCH:
            self._write_record_links()

    def _write_record_links(self) -> None:
        self._db.executemany("INSERT INTO record_link (event_id, kind, record_id) VALUES (?, ?, ?)", self._record_links)
        self._record_links.clear()

    # output ----------------------------------------------------------------------------------------------

    def events_in_order(self) -> Iterator[tuple[list[Mention], list[EventLink], list[str], list[str]]]:
        """(members, event links, statement ids, position ids) of each group, in output order: date (undated
        last), then event id."""
        self._write_record_links()
        self._db.executescript(_OUTPUT_INDEXES)
        groups = self._db.execute("SELECT event_id, body FROM groups ORDER BY sort, event_id, number")
        for event_id, body in groups:
            links = [
                EventLink(event_id=target, relation=relation)
                for target, relation in self._db.execute(
                    "SELECT target, relation FROM event_link WHERE event_id = ? ORDER BY seq", (event_id,)
                )
            ]
            yield pickle.loads(body), links, self._records(event_id, STATEMENT), self._records(event_id, POSITION)

    def _records(self, event_id: str, kind: str) -> list[str]:
        rows = self._db.execute(
            "SELECT record_id FROM record_link WHERE event_id = ? AND kind = ? ORDER BY seq", (event_id, kind)
        )
        return [record_id for (record_id,) in rows]


class _ArticleOrder(Mapping[str, int]):
    """Article id → its place in the run, read from the store."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        # Records come article by article, so the same few ids are asked for again and again.
        self._line = functools.lru_cache(maxsize=1024)(self._read_line)

    def __getitem__(self, article_id: str) -> int:
        line = self._line(article_id)
        if line is None:
            raise KeyError(article_id)
        return line

    def _read_line(self, article_id: str) -> int | None:
        row = self._db.execute("SELECT line FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else int(row[0])

    def __iter__(self) -> Iterator[str]:
        return (aid for (aid,) in self._db.execute("SELECT id FROM articles ORDER BY line").fetchall())

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])
