"""What `extractor` writes: extracted records plus everything the
deterministic layer knows about them (provenance, offsets, canonical actors,
resolved dates, flags)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.codes import ContactCodes, StanceCodes
from schemas.extraction import DatePrecision, Meeting, Position, Statement


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Article(_Record):
    id: str = Field(description="First 16 hex digits of the sha256 of the text: stable across renames.")
    title: str
    text: str = Field(description="The body, without the title line.")
    published: dt.date | None = None
    published_raw: str | None = Field(default=None, description="The text the publication date was read from.")
    source: str = Field(description="File (and line, for JSONL) the article came from.")
    url: str | None = None
    sha256: str
    external_id: str | None = Field(default=None, description="The corpus row's own `id`, if it had one.")
    meta: dict[str, Any] = Field(default_factory=dict, description="Other fields of the corpus row, as given.")


class Alignment(StrEnum):
    exact = "exact"
    normalised = "normalised"
    fuzzy = "fuzzy"
    not_found = "not_found"


class EvidenceSpan(_Record):
    text: str = Field(description="Evidence as the model gave it.")
    start: int | None = Field(default=None, description="Character offset into Article.text (inclusive).")
    end: int | None = Field(default=None, description="Character offset into Article.text (exclusive).")
    alignment: Alignment = Alignment.not_found
    score: float | None = Field(default=None, description="Fuzzy match score 0-100, for fuzzy alignments.")


class FlagCode(StrEnum):
    """Every flag code extractor writes; each is documented in docs/codebook.md ("Flag codes")."""

    # evidence and quotes (extractor.ground, extractor.postprocess)
    evidence_not_found = "evidence_not_found"
    quote_not_verbatim = "quote_not_verbatim"
    speaker_not_in_article = "speaker_not_in_article"
    # meetings (extractor.postprocess, extractor.normalize.meeting_fields)
    too_few_participants = "too_few_participants"
    merged_duplicate = "merged_duplicate"
    evidence_names_no_participant = "evidence_names_no_participant"
    date_text_from_evidence = "date_text_from_evidence"
    format_from_evidence = "format_from_evidence"
    status_from_evidence = "status_from_evidence"
    # actors (extractor.normalize.actors)
    title_contradicts_office = "title_contradicts_office"
    # dates (extractor.normalize.dates)
    date_contradicts_page_date = "date_contradicts_page_date"
    date_model_disagrees = "date_model_disagrees"
    date_model_invalid = "date_model_invalid"
    date_weekday_mismatch = "date_weekday_mismatch"
    date_unresolved = "date_unresolved"
    date_year_ambiguous = "date_year_ambiguous"
    date_outside_office_term = "date_outside_office_term"
    # articles and stories (extractor.stories, extractor.postprocess)
    headline_body_mismatch = "headline_body_mismatch"
    off_topic_story_skipped = "off_topic_story_skipped"
    non_english_story_skipped = "non_english_story_skipped"
    # text that speaks to the model (extractor.injection)
    text_addresses_model = "text_addresses_model"
    evidence_addresses_model = "evidence_addresses_model"
    # events across articles (extractor.dataset.events)
    event_date_conflict = "event_date_conflict"
    event_place_conflict = "event_place_conflict"
    event_format_conflict = "event_format_conflict"


class Flag(_Record):
    code: FlagCode = Field(description="Stable machine-readable code (`FlagCode`), e.g. 'quote_not_verbatim'.")
    reason: str = Field(description="What is wrong, for a person.")


class ActorRef(_Record):
    name_as_written: str
    canonical_name: str | None = None
    actor_id: str | None = Field(default=None, description="Wikidata QID of the canonical actor.")
    country: str | None = Field(default=None, description="ISO 3166 alpha-3.")
    match: Literal["exact", "fuzzy", "none"] = "none"


class ResolvedDate(_Record):
    expression: str | None = Field(default=None, description="The date expression as written.")
    iso: str | None = Field(default=None, description="YYYY-MM-DD, YYYY-MM or YYYY.")
    precision: DatePrecision = DatePrecision.unknown
    method: str = Field(default="none", description="How the date was resolved, e.g. 'relative_to_published'.")
    confidence: Literal["high", "medium", "low"] = "low"


class Usage(_Record):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cache_hits: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cache_hits=self.cache_hits + other.cache_hits,
        )


class Provenance(_Record):
    model: str
    backend: str
    prompt: str = Field(description="name@version of the prompt template.")
    prompt_hash: str = Field(description="sha256 prefix of the rendered prompt messages.")
    strategy: str


class _GroundedRecord(_Record):
    id: str = Field(description="article id, record type and index, e.g. 'ab12…:meeting:0'.")
    article_id: str
    story: int = Field(default=0, description="Index of the story within the article (noisy pages hold several).")
    evidence: list[EvidenceSpan] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    provenance: Provenance


class MeetingRecord(_GroundedRecord):
    meeting: Meeting
    participants: list[ActorRef] = Field(default_factory=list)
    date: ResolvedDate = Field(default_factory=ResolvedDate)
    codes: ContactCodes | None = Field(default=None, description="CAMEO 04x and PLOVER CONSULT (docs/codebook.md).")


class StatementRecord(_GroundedRecord):
    statement: Statement
    speaker: ActorRef
    meeting_id: str | None = None
    codes: StanceCodes | None = Field(default=None, description="CAMEO/PLOVER type, only where the mapping is clear.")


class PositionRecord(_GroundedRecord):
    position: Position
    holder: ActorRef
    codes: StanceCodes | None = Field(default=None, description="CAMEO/PLOVER type, only where the mapping is clear.")


class ArticleStatus(StrEnum):
    ok = "ok"
    failed = "failed"
    skipped = "skipped"
    not_started = "not_started"  # the run stopped (Ctrl-C, a budget, an unreachable server) before this article


class ArticleResult(_Record):
    id: str
    title: str
    source: str
    status: ArticleStatus
    error: str | None = None
    published: dt.date | None = None
    model: str | None = None
    prompt: str | None = None
    prompt_hash: str | None = None
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = Field(
        default=None, description="US dollars the article's calls cost at the run's price table; null = no price."
    )
    cache_hit: bool = False
    stories: int = 1
    flags: list[Flag] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    external_id: str | None = Field(default=None, description="The corpus row's own `id`, to join back to it.")
    url: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict, description="Other fields of the corpus row, as given.")
