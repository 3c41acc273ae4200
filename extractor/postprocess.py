"""Extraction → grounded records: offsets, verified quotes, canonical actors,
resolved dates and flags. Pure: no I/O, no model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.codes import code_meeting, code_position, code_statement
from extractor.ground import align_evidence, demote_unverified_quote
from extractor.normalize.actors import ActorIndex
from extractor.normalize.dates import resolve_meeting_date
from extractor.normalize.meeting_fields import reconcile_meeting
from extractor.stories import Story, headline_mismatch, is_diplomatic, non_english_reason
from schemas import (
    ActorRef,
    Alignment,
    Article,
    ArticleExtraction,
    EvidenceSpan,
    Flag,
    FlagCode,
    Meeting,
    MeetingRecord,
    MeetingStatus,
    Position,
    PositionRecord,
    Provenance,
    ResolvedDate,
    Statement,
    StatementRecord,
)


@dataclass
class RecordSet:
    meetings: list[MeetingRecord] = field(default_factory=list)
    statements: list[StatementRecord] = field(default_factory=list)
    positions: list[PositionRecord] = field(default_factory=list)

    def extend(self, other: RecordSet) -> None:
        self.meetings.extend(other.meetings)
        self.statements.extend(other.statements)
        self.positions.extend(other.positions)

    def counts(self) -> dict[str, int]:
        return {"meetings": len(self.meetings), "statements": len(self.statements), "positions": len(self.positions)}


@dataclass(frozen=True)
class _Context:
    article: Article
    story: Story
    provenance: Provenance
    actors: ActorIndex
    names: tuple[str, ...] = ()  # every person the extraction names: resolves a bare "Wang" when unambiguous

    def match(self, name: str) -> ActorRef:
        return self.actors.match(name, context=self.names)


def ground_evidence(evidence: Iterable[str], text: str) -> tuple[list[EvidenceSpan], list[Flag]]:
    spans = [align_evidence(item, text) for item in evidence if item.strip()]
    if any(span.alignment is not Alignment.not_found for span in spans):
        return spans, []
    return spans, [Flag(code=FlagCode.evidence_not_found, reason="none of the evidence was found in the article text")]


def build_records(
    extraction: ArticleExtraction,
    article: Article,
    story: Story,
    provenance: Provenance,
    actors: ActorIndex,
    strict: bool = False,
) -> RecordSet:
    ctx = _Context(article, story, provenance, actors, _names(extraction))
    prefix = f"{article.id}:s{story.index}"
    meetings = merge_duplicate_meetings(
        [_meeting(m, f"{prefix}:meeting:{i}", ctx) for i, m in enumerate(extraction.meetings)]
    )
    meetings = [m.model_copy(update={"codes": code_meeting(m)}) for m in meetings]
    statements = [
        _statement(s, f"{prefix}:statement:{i}", ctx, [m.id for m in meetings])
        for i, s in enumerate(extraction.statements)
    ]
    positions = [_position(p, f"{prefix}:position:{i}", ctx) for i, p in enumerate(extraction.positions)]
    statements = [s.model_copy(update={"codes": code_statement(s, positions)}) for s in statements]
    records = RecordSet(meetings, statements, positions)
    return drop_ungrounded(records) if strict else records


def _names(extraction: ArticleExtraction) -> tuple[str, ...]:
    people = [p.name for m in extraction.meetings for p in m.participants]
    people += [s.speaker for s in extraction.statements] + [p.holder for p in extraction.positions]
    return tuple(dict.fromkeys(people))


def _meeting(meeting: Meeting, record_id: str, ctx: _Context) -> MeetingRecord:
    meeting, flags = reconcile_meeting(meeting)
    evidence, evidence_flags = ground_evidence(meeting.evidence, ctx.article.text)
    flags += evidence_flags
    participants = [ctx.match(p.name) for p in meeting.participants]
    date, date_flags = _resolve_date(meeting, participants, ctx)
    on = _as_date(date.iso)
    title_flags = [
        ctx.actors.check_title(ref, p.title, on) for ref, p in zip(participants, meeting.participants, strict=True)
    ]
    flags += date_flags + [f for f in title_flags if f is not None]
    if len({p.canonical_name or p.name_as_written for p in participants}) < 2:
        flags.append(
            Flag(code=FlagCode.too_few_participants, reason="a meeting needs at least two distinct participants")
        )
    return MeetingRecord(
        id=record_id, article_id=ctx.article.id, story=ctx.story.index, meeting=meeting, evidence=evidence,
        flags=flags, provenance=ctx.provenance, participants=participants, date=date,
    )  # fmt: skip


def _resolve_date(meeting: Meeting, participants: list[ActorRef], ctx: _Context) -> tuple[ResolvedDate, list[Flag]]:
    """From the text first; if that leaves the year open, let the participants' terms of office bound it."""
    args = (meeting.date_text, meeting.date, ctx.article.published, ctx.story.text)
    date, flags = resolve_meeting_date(*args)
    if date.iso is not None or ctx.article.published is not None:
        return date, flags
    years = ctx.actors.office_years(participants, [p.title for p in meeting.participants])
    return resolve_meeting_date(*args, years=years, dateline=ctx.article.published_raw)


def _statement(statement: Statement, record_id: str, ctx: _Context, meeting_ids: list[str]) -> StatementRecord:
    checked, flags = demote_unverified_quote(statement, ctx.article.text)
    evidence, evidence_flags = ground_evidence(checked.evidence, ctx.article.text)
    index = checked.meeting_index
    meeting_id = meeting_ids[index] if index is not None and 0 <= index < len(meeting_ids) else None
    return StatementRecord(
        id=record_id, article_id=ctx.article.id, story=ctx.story.index, statement=checked, evidence=evidence,
        flags=flags + evidence_flags, provenance=ctx.provenance, speaker=ctx.match(checked.speaker),
        meeting_id=meeting_id,
    )  # fmt: skip


def _position(position: Position, record_id: str, ctx: _Context) -> PositionRecord:
    evidence, flags = ground_evidence(position.evidence, ctx.article.text)
    record = PositionRecord(
        id=record_id, article_id=ctx.article.id, story=ctx.story.index, position=position, evidence=evidence,
        flags=flags, provenance=ctx.provenance, holder=ctx.match(position.holder),
    )  # fmt: skip
    return record.model_copy(update={"codes": code_position(record)})


def _participant_key(record: MeetingRecord) -> frozenset[str]:
    return frozenset((p.canonical_name or p.name_as_written).casefold() for p in record.participants)


def _same_event(a: MeetingRecord, b: MeetingRecord) -> bool:
    """Same people, dates that do not disagree, and both held or both not yet held."""
    if _participant_key(a) != _participant_key(b):
        return False
    if (a.meeting.status is MeetingStatus.held) != (b.meeting.status is MeetingStatus.held):
        return False
    x, y = a.date.iso, b.date.iso
    return x is None or y is None or x.startswith(y) or y.startswith(x)


def merge_duplicate_meetings(records: list[MeetingRecord]) -> list[MeetingRecord]:
    """One record per event: a meeting reported in several paragraphs (or by several calls) is merged into
    its first report, which gains the others' evidence and, if it had none, their date."""
    kept: list[MeetingRecord] = []
    for record in records:
        match = next((i for i, k in enumerate(kept) if _same_event(k, record)), None)
        if match is None:
            kept.append(record)
        else:
            kept[match] = _absorb(kept[match], record)
    return kept


def _absorb(first: MeetingRecord, other: MeetingRecord) -> MeetingRecord:
    known = {span.text for span in first.evidence}
    changes: dict[str, object] = {
        "evidence": first.evidence + [s for s in other.evidence if s.text not in known],
        "flags": [*first.flags, Flag(code=FlagCode.merged_duplicate, reason=f"also reported as {other.id}")],
    }
    if first.date.iso is None and other.date.iso is not None:
        changes["date"] = other.date
        changes["meeting"] = first.meeting.model_copy(update={"date_text": other.meeting.date_text})
    return first.model_copy(update=changes)


def _as_date(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso and len(iso) == 10 else None
    except ValueError:
        return None


def drop_ungrounded(records: RecordSet) -> RecordSet:
    """`--strict`: keep only records with at least one evidence span found in the article."""

    def grounded(spans: list[EvidenceSpan]) -> bool:
        return any(s.alignment is not Alignment.not_found for s in spans)

    return RecordSet(
        [r for r in records.meetings if grounded(r.evidence)],
        [r for r in records.statements if grounded(r.evidence)],
        [r for r in records.positions if grounded(r.evidence)],
    )


def article_flags(article: Article, stories: list[Story], relevant: list[Story], actors: ActorIndex) -> list[Flag]:
    """Article-level flags: a headline about someone else, and one flag per story not extracted:
    ``non_english_story_skipped`` (with the script or language evidence) or ``off_topic_story_skipped``
    (not diplomatic, or outside the run's scope)."""
    flags = []
    if mismatch := headline_mismatch(article.title, article.text, actors.person_names()):
        flags.append(mismatch)
    for story in stories:
        if story in relevant:
            continue
        if language := non_english_reason(story):
            reason = f"story {story.index} skipped, {language}: {story.title[:80]}"
            flags.append(Flag(code=FlagCode.non_english_story_skipped, reason=reason))
        else:
            why = "outside the run's scope" if is_diplomatic(story) else "no diplomatic contact or speech"
            reason = f"story {story.index} skipped ({why}): {story.title[:80]}"
            flags.append(Flag(code=FlagCode.off_topic_story_skipped, reason=reason))
    return flags
