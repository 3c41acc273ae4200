"""Tidy tables of a run, for analysts: one row per article, meeting, participant, statement, position, event,
event mention and flag, with the same ids as the JSONL files. Column types are declared here once
(`Column.kind`: string, integer, double, boolean) and documented in docs/exports.md. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from extractor.codes import code_meeting, code_position, code_statement, participant_country, place_country
from extractor.countries import default_countries
from extractor.dataset.load import OutputSet
from schemas import (
    ActorRef,
    ContactCodes,
    Event,
    EvidenceSpan,
    Flag,
    MeetingRecord,
    PositionRecord,
    StanceCodes,
    StatementRecord,
)

Kind = Literal["string", "integer", "double", "boolean"]
Value = str | int | float | bool | None
Row = dict[str, Value]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    rows: list[Row]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(spec: str) -> tuple[Column, ...]:
    """'name:kind:doc' lines → columns."""
    out = []
    for line in spec.strip().splitlines():
        name, kind, doc = (part.strip() for part in line.split(":", 2))
        out.append(Column(name, kind, doc))  # type: ignore[arg-type]
    return tuple(out)


ARTICLES = _cols("""
article_id:string:article id (sha256 prefix of the text)
title:string:title line
source:string:file (and line, for JSONL) the article came from
status:string:ok, failed or skipped
error:string:why the article failed or was skipped
published:string:publication date, YYYY-MM-DD
model:string:model identity
prompt:string:prompt name@version
stories:integer:stories the page was split into
meetings:integer:meeting records
statements:integer:statement records
positions:integer:position records
""")
MEETINGS = _cols("""
meeting_id:string:record id, as in meetings.jsonl
article_id:string:article of the record
event_id:string:the event the meeting belongs to (events table)
story:integer:story index within the article
status:string:held, planned, anticipated or cancelled
format:string:in_person, phone, video or unknown
date:string:resolved date, YYYY-MM-DD, YYYY-MM or YYYY
date_precision:string:day, month, year or unknown
date_method:string:how the date was resolved
date_confidence:string:high, medium or low
date_text:string:the date expression as written
city:string:city as written
venue:string:venue as written
place_country:string:ISO 3166 alpha-3 of the place, where known
occasion:string:occasion as written
duration_minutes:integer:stated length in minutes
cameo:string:CAMEO 04x code
cameo_label:string:name of the CAMEO code
plover:string:PLOVER event type (CONSULT)
plover_mode:string:PLOVER CONSULT mode
host_country:string:ISO 3166 alpha-3 of the host of a visit
evidence:string:evidence sentences, joined by a newline
""")
PARTICIPANTS = _cols("""
meeting_id:string:meeting record id
article_id:string:article of the record
event_id:string:event of the meeting
position:integer:0-based place of the participant in the record
name_as_written:string:name as the article writes it
canonical_name:string:canonical actor name, where matched
actor_id:string:Wikidata QID, where known
country:string:ISO 3166 alpha-3: the canonical actor's, else the country written for the participant
title:string:title as written
match:string:exact, fuzzy or none (match to the actor table)
cameo:string:CAMEO code with this participant as source (043 for the host of a visit, 042 for the visitor)
""")
STATEMENTS = _cols("""
statement_id:string:record id, as in statements.jsonl
article_id:string:article of the record
event_id:string:event of the statement's meeting
meeting_id:string:meeting the statement was made at or about
speaker_as_written:string:speaker as written
speaker:string:canonical speaker, else as written
speaker_actor_id:string:Wikidata QID
speaker_country:string:ISO 3166 alpha-3
kind:string:quote or paraphrase
text:string:quote or paraphrase text
topic:string:topic
cameo:string:CAMEO code, only where the mapping is clear
plover:string:PLOVER type, only where the mapping is clear
evidence:string:evidence sentences, joined by a newline
""")
POSITIONS = _cols("""
position_id:string:record id, as in positions.jsonl
article_id:string:article of the record
event_id:string:event the position was stated at or about
holder_as_written:string:holder as written
holder:string:canonical holder, else as written
holder_actor_id:string:Wikidata QID
holder_country:string:ISO 3166 alpha-3
issue:string:issue
stance:string:stance
summary:string:one-sentence summary
cameo:string:CAMEO code, only where the stance maps clearly
plover:string:PLOVER type, only where the stance maps clearly
evidence:string:evidence sentences, joined by a newline
""")
EVENTS = _cols("""
event_id:string:stable event id (events.jsonl)
status:string:held, planned, anticipated or cancelled
date:string:best-supported date
date_precision:string:day, month, year or unknown
format:string:in_person, phone, video or unknown
city:string:city
venue:string:venue
country:string:ISO 3166 alpha-3 of the place
participants:string:participant names, joined by '; '
actor_ids:string:participants' Wikidata QIDs, joined by '; '
countries:string:participants' ISO countries, sorted and joined by '; '
mentions:integer:meeting records that report the event
articles:integer:articles that report the event
cameo:string:CAMEO 04x code
cameo_label:string:name of the CAMEO code
plover:string:PLOVER event type
plover_mode:string:PLOVER CONSULT mode
host_country:string:host of a visit
flags:string:flag codes, joined by '; '
anticipates:string:the held event this anticipated/planned event announced
""")
EVENT_MENTIONS = _cols("""
event_id:string:event
record_id:string:meeting record id (meetings.meeting_id)
article_id:string:article
status:string:the record's status
date:string:the record's date
date_precision:string:the record's date precision
supports_date:boolean:the record's date agrees with the event's date
format:string:the record's format
place:string:the record's place
evidence_start:integer:start offset of the first placed evidence span in the article text
evidence_end:integer:end offset of that span
evidence:string:evidence sentences, joined by a newline
""")
FLAGS = _cols("""
record_type:string:article, meeting, statement, position or event
record_id:string:id of the flagged article, record or event
article_id:string:article (empty for events)
code:string:flag code (docs/codebook.md §10)
reason:string:what is wrong, for a person
""")


TABLE_DOCS: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    ("articles", "one row per article (also failed and skipped ones)", ARTICLES),
    ("meetings", "one row per meeting record", MEETINGS),
    ("participants", "one row per participant of a meeting record", PARTICIPANTS),
    ("statements", "one row per statement record", STATEMENTS),
    ("positions", "one row per position record", POSITIONS),
    ("events", "one row per event", EVENTS),
    ("event_mentions", "one row per (event, meeting record)", EVENT_MENTIONS),
    ("flags", "one row per flag of an article, record or event", FLAGS),
)



def _evidence(spans: Sequence[EvidenceSpan]) -> str:
    return "\n".join(span.text for span in spans)


def _actor(ref: ActorRef) -> str:
    return ref.canonical_name or ref.name_as_written


def _contact(codes: ContactCodes) -> Row:
    return {"cameo": codes.cameo, "cameo_label": codes.cameo_label, "plover": codes.plover,
            "plover_mode": codes.plover_mode, "host_country": codes.host_country}  # fmt: skip


def _stance(codes: StanceCodes | None) -> Row:
    return {"cameo": codes.cameo if codes else None, "plover": codes.plover if codes else None}


def _article_rows(output: OutputSet) -> list[Row]:
    rows: list[Row] = [
        {"article_id": a.id, "title": a.title, "source": a.source, "status": a.status.value, "error": a.error,
         "published": a.published.isoformat() if a.published else None, "model": a.model, "prompt": a.prompt,
         "stories": a.stories, "meetings": a.counts.get("meetings", 0), "statements": a.counts.get("statements", 0),
         "positions": a.counts.get("positions", 0)}
        for a in output.articles
    ]  # fmt: skip
    return rows


def _meeting_row(m: MeetingRecord, event: str | None) -> Row:
    where = m.meeting.location
    return {
        "meeting_id": m.id, "article_id": m.article_id, "event_id": event, "story": m.story,
        "status": m.meeting.status.value, "format": m.meeting.format.value, "date": m.date.iso,
        "date_precision": m.date.precision.value, "date_method": m.date.method, "date_confidence": m.date.confidence,
        "date_text": m.meeting.date_text, "city": where.city if where else None,
        "venue": where.venue if where else None,
        "place_country": place_country(where, default_countries()), "occasion": m.meeting.occasion,
        "duration_minutes": m.meeting.duration_minutes, **_contact(m.codes or code_meeting(m)),
        "evidence": _evidence(m.evidence),
    }  # fmt: skip


def _participant_rows(m: MeetingRecord, event: str | None) -> list[Row]:
    codes = m.codes or code_meeting(m)
    written = m.meeting.participants if len(m.meeting.participants) == len(m.participants) else []
    rows: list[Row] = []
    for i, ref in enumerate(m.participants):
        as_written = written[i] if written else None
        country = participant_country(ref, as_written, default_countries())
        cameo = codes.cameo
        if codes.host_country is not None and country is not None:
            cameo = "043" if country == codes.host_country else codes.cameo
        rows.append({
            "meeting_id": m.id, "article_id": m.article_id, "event_id": event, "position": i,
            "name_as_written": ref.name_as_written, "canonical_name": ref.canonical_name, "actor_id": ref.actor_id,
            "country": country, "title": as_written.title if as_written else None, "match": ref.match, "cameo": cameo,
        })  # fmt: skip
    return rows


def _event_row(e: Event) -> Row:
    anticipates = next((link.event_id for link in e.links if link.relation == "anticipates"), None)
    return {
        "event_id": e.id, "status": e.status.value, "date": e.date.iso, "date_precision": e.date.precision.value,
        "format": e.format.value, "city": e.place.city if e.place else None,
        "venue": e.place.venue if e.place else None, "country": e.place.country if e.place else None,
        "participants": "; ".join(p.name for p in e.participants),
        "actor_ids": "; ".join(p.actor_id for p in e.participants if p.actor_id) or None,
        "countries": "; ".join(sorted({p.country for p in e.participants if p.country})) or None,
        "mentions": len(e.mentions), "articles": len(e.article_ids), **_contact(e.codes),
        "flags": "; ".join(f.code.value for f in e.flags) or None, "anticipates": anticipates,
    }  # fmt: skip


def _mention_rows(e: Event) -> list[Row]:
    rows: list[Row] = []
    for m in e.mentions:
        placed = next((s for s in m.evidence if s.start is not None and s.end is not None), None)
        rows.append({
            "event_id": e.id, "record_id": m.record_id, "article_id": m.article_id, "status": m.status.value,
            "date": m.date, "date_precision": m.date_precision.value,
            "supports_date": m.record_id in e.date.supported_by,
            "format": m.format.value, "place": m.place, "evidence_start": placed.start if placed else None,
            "evidence_end": placed.end if placed else None, "evidence": _evidence(m.evidence),
        })  # fmt: skip
    return rows


def _flag_rows(output: OutputSet) -> list[Row]:
    def rows(kind: str, record_id: str, article_id: str | None, flags: Sequence[Flag]) -> list[Row]:
        return [{"record_type": kind, "record_id": record_id, "article_id": article_id, "code": f.code.value,
                 "reason": f.reason} for f in flags]  # fmt: skip

    out: list[Row] = []
    for a in output.articles:
        out += rows("article", a.id, a.id, a.flags)
    for kind, records in (("meeting", output.meetings), ("statement", output.statements),
                          ("position", output.positions)):  # fmt: skip
        for r in records:
            out += rows(kind, r.id, r.article_id, r.flags)
    for e in output.events:
        out += rows("event", e.id, None, e.flags)
    return out


def _statement_row(s: StatementRecord, event: str | None, codes: StanceCodes | None) -> Row:
    return {
        "statement_id": s.id, "article_id": s.article_id, "event_id": event, "meeting_id": s.meeting_id,
        "speaker_as_written": s.speaker.name_as_written, "speaker": _actor(s.speaker),
        "speaker_actor_id": s.speaker.actor_id, "speaker_country": s.speaker.country, "kind": s.statement.kind.value,
        "text": s.statement.text, "topic": s.statement.topic, **_stance(codes), "evidence": _evidence(s.evidence),
    }  # fmt: skip


def _position_row(p: PositionRecord, event: str | None) -> Row:
    return {
        "position_id": p.id, "article_id": p.article_id, "event_id": event,
        "holder_as_written": p.holder.name_as_written, "holder": _actor(p.holder),
        "holder_actor_id": p.holder.actor_id, "holder_country": p.holder.country, "issue": p.position.issue.value,
        "stance": p.position.stance.value, "summary": p.position.summary, **_stance(p.codes or code_position(p)),
        "evidence": _evidence(p.evidence),
    }  # fmt: skip


def build_tables(output: OutputSet) -> list[Table]:
    """The eight tables; `output.events` must hold the run's events (load them or build them first)."""
    event_of = {m.record_id: e.id for e in output.events for m in e.mentions}
    statement_event = {s: e.id for e in output.events for s in e.statement_ids}
    position_event = {p: e.id for e in output.events for p in e.position_ids}
    positions_of: dict[str, list[PositionRecord]] = {}
    for p in output.positions:
        positions_of.setdefault(p.article_id, []).append(p)
    statements = [
        _statement_row(s, statement_event.get(s.id), s.codes or code_statement(s, positions_of.get(s.article_id, [])))
        for s in output.statements
    ]
    positions = [_position_row(p, position_event.get(p.id)) for p in output.positions]
    rows: dict[str, Callable[[], list[Row]]] = {
        "articles": lambda: _article_rows(output),
        "meetings": lambda: [_meeting_row(m, event_of.get(m.id)) for m in output.meetings],
        "participants": lambda: [r for m in output.meetings for r in _participant_rows(m, event_of.get(m.id))],
        "statements": lambda: statements,
        "positions": lambda: positions,
        "events": lambda: [_event_row(e) for e in output.events],
        "event_mentions": lambda: [r for e in output.events for r in _mention_rows(e)],
        "flags": lambda: _flag_rows(output),
    }
    return [Table(name, doc, columns, rows[name]()) for name, doc, columns in TABLE_DOCS]


def columns_markdown() -> str:
    """The column reference of docs/exports.md (a test keeps the two equal)."""
    parts = []
    for name, doc, columns in TABLE_DOCS:
        rows = "".join(f"| `{c.name}` | {c.kind} | {c.doc} |\n" for c in columns)
        parts.append(f"### `{name}`: {doc}\n\n| column | type | meaning |\n| --- | --- | --- |\n{rows}")
    return "\n".join(parts)
