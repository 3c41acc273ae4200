"""Hand-made records for the dataset tests: invented people, real ISO countries, no model output."""

from __future__ import annotations

import datetime as dt

from schemas import (
    ActorRef,
    ArticleResult,
    ArticleStatus,
    DatePrecision,
    EvidenceSpan,
    Location,
    Meeting,
    MeetingFormat,
    MeetingRecord,
    MeetingStatus,
    Participant,
    Position,
    PositionRecord,
    Provenance,
    ResolvedDate,
    Stance,
    Statement,
    StatementKind,
    StatementRecord,
)

PROVENANCE = Provenance(model="m", backend="b", prompt="p@v1", prompt_hash="h", strategy="annotate")
PEOPLE = {  # name → (QID, country, title)
    "Alice Smith": ("Q1000001", "FRA", "Foreign Minister"),
    "Bruno Keller": ("Q1000002", "DEU", "Foreign Minister"),
    "Chen Lan": ("Q1000003", "CHN", "Foreign Minister"),
    "Dara Okafor": ("Q1000004", "NGA", "President"),
}
COUNTRY_NAMES = {"FRA": "France", "DEU": "Germany", "CHN": "China", "NGA": "Nigeria"}


def ref(name: str) -> ActorRef:
    if name in PEOPLE:
        qid, country, _ = PEOPLE[name]
        return ActorRef(name_as_written=name, canonical_name=name, actor_id=qid, country=country, match="exact")
    return ActorRef(name_as_written=name)


def participant(name: str, country: str | None = None) -> Participant:
    known = PEOPLE.get(name)
    return Participant(
        name=name, title=known[2] if known else None, country=country or (COUNTRY_NAMES[known[1]] if known else None)
    )


def precision(iso: str | None) -> DatePrecision:
    if iso is None:
        return DatePrecision.unknown
    return {10: DatePrecision.day, 7: DatePrecision.month, 4: DatePrecision.year}[len(iso)]


def meeting(
    record_id: str,
    names: list[str],
    iso: str | None,
    *,
    status: MeetingStatus = MeetingStatus.held,
    fmt: MeetingFormat = MeetingFormat.in_person,
    city: str | None = None,
    country: str | None = None,
    venue: str | None = None,
    evidence: str | None = None,
    written_countries: dict[str, str] | None = None,
) -> MeetingRecord:
    article_id = record_id.split(":")[0]
    text = evidence or f"{' and '.join(names)} met."
    written = written_countries or {}
    location = Location(city=city, country=country, venue=venue) if (city or country or venue) else None
    return MeetingRecord(
        id=record_id, article_id=article_id, evidence=[EvidenceSpan(text=text, start=0, end=len(text),
                                                                      alignment="exact")],
        provenance=PROVENANCE,
        meeting=Meeting(participants=[participant(n, written.get(n)) for n in names], format=fmt, status=status,
                        location=location, evidence=[text]),
        participants=[ref(n) for n in names],
        date=ResolvedDate(iso=iso, precision=precision(iso), method="explicit" if iso else "none",
                          confidence="high" if iso else "low"),
    )  # fmt: skip


def article(article_id: str, published: str | None = None) -> ArticleResult:
    return ArticleResult(
        id=article_id, title=f"Title {article_id}", source=f"{article_id}.txt", status=ArticleStatus.ok,
        published=dt.date.fromisoformat(published) if published else None,
    )  # fmt: skip


def statement(record_id: str, speaker: str, text: str, meeting_id: str | None, evidence: str) -> StatementRecord:
    return StatementRecord(
        id=record_id, article_id=record_id.split(":")[0], provenance=PROVENANCE,
        evidence=[EvidenceSpan(text=evidence, start=0, end=len(evidence), alignment="exact")],
        statement=Statement(speaker=speaker, text=text, kind=StatementKind.paraphrase, evidence=[evidence]),
        speaker=ref(speaker), meeting_id=meeting_id,
    )  # fmt: skip


def position(record_id: str, holder: str, stance: Stance, evidence: str) -> PositionRecord:
    return PositionRecord(
        id=record_id, article_id=record_id.split(":")[0], provenance=PROVENANCE,
        evidence=[EvidenceSpan(text=evidence, start=0, end=len(evidence), alignment="exact")],
        position=Position(holder=holder, issue="trade_tariffs", stance=stance, summary=evidence, evidence=[evidence]),
        holder=ref(holder),
    )  # fmt: skip
