"""What the language model fills in: the codebook.

Field descriptions are the instructions the model reads, so they are written
as a codebook for an annotator, not as developer notes. Everything the
deterministic layer adds afterwards (offsets, canonical actors, resolved
dates, flags) lives in `schemas.records`, never here: a small model asked to
fill fields it cannot know fills them with noise.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Extracted(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class MeetingFormat(StrEnum):
    in_person = "in_person"
    phone = "phone"
    video = "video"
    unknown = "unknown"


class MeetingStatus(StrEnum):
    held = "held"
    planned = "planned"
    anticipated = "anticipated"
    cancelled = "cancelled"


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    year = "year"
    unknown = "unknown"


class StatementKind(StrEnum):
    quote = "quote"
    paraphrase = "paraphrase"


class Issue(StrEnum):
    taiwan = "taiwan"
    south_china_sea = "south_china_sea"
    russia_ukraine = "russia_ukraine"
    fentanyl = "fentanyl"
    trade_tariffs = "trade_tariffs"
    technology_export_controls = "technology_export_controls"
    military_communication = "military_communication"
    human_rights = "human_rights"
    climate = "climate"
    security_defense = "security_defense"
    nuclear_proliferation = "nuclear_proliferation"
    terrorism = "terrorism"
    armed_conflict = "armed_conflict"
    migration_refugees = "migration_refugees"
    territorial_dispute = "territorial_dispute"
    other = "other"


class Stance(StrEnum):
    supports = "supports"
    opposes = "opposes"
    demands = "demands"
    warns = "warns"
    concerned = "concerned"
    welcomes = "welcomes"
    neutral = "neutral"


EVIDENCE_DESCRIPTION = (
    "The sentence or sentences of the article this record rests on, copied "
    "character for character. Do not summarise or translate."
)


class Participant(_Extracted):
    name: str = Field(description="The person's name exactly as the article writes it, e.g. 'Elena Marsh'.")
    title: str | None = Field(
        default=None, description="Title or role as written, e.g. 'Foreign Minister'; null if not stated."
    )
    country: str | None = Field(default=None, description="Country the person represents, e.g. 'France', 'Brazil'.")


class Location(_Extracted):
    city: str | None = Field(default=None, description="City, e.g. 'Geneva'; null if not stated.")
    venue: str | None = Field(default=None, description="Building or event venue, e.g. 'the presidential palace'.")
    country: str | None = Field(default=None, description="Country where the meeting took place.")


class Meeting(_Extracted):
    participants: list[Participant] = Field(
        description="Every named person who took part (at least two). Not people merely mentioned."
    )
    date_text: str | None = Field(
        default=None,
        description="The date expression exactly as written, e.g. 'on the 21st', 'Tuesday (Mar 4)', 'last week'.",
    )
    date: str | None = Field(
        default=None,
        description="ISO date if the article makes it certain: YYYY-MM-DD, YYYY-MM or YYYY. Null if unsure.",
    )
    date_precision: DatePrecision = Field(
        default=DatePrecision.unknown, description="How precise `date` is: day, month, year or unknown."
    )
    location: Location | None = Field(default=None, description="Where the meeting took place, if stated.")
    format: MeetingFormat = Field(
        default=MeetingFormat.unknown,
        description="in_person for face-to-face talks; phone for a phone call; video for a video call.",
    )
    status: MeetingStatus = Field(
        description=(
            "held: already took place. planned: officially scheduled or announced. "
            "anticipated: expected or speculated, not confirmed. cancelled: called off."
        )
    )
    duration_minutes: int | None = Field(default=None, description="Length in minutes only if the article states it.")
    occasion: str | None = Field(
        default=None, description="Event it happened at or alongside, e.g. 'UN General Assembly', 'a NATO summit'."
    )
    requested_by: str | None = Field(default=None, description="Who asked for the meeting, if the article says.")
    topics: list[str] = Field(default_factory=list, description="Subjects discussed, a few words each.")
    outcomes: list[str] = Field(default_factory=list, description="Agreements or results reported, a few words each.")
    evidence: list[str] = Field(description=EVIDENCE_DESCRIPTION)


class Statement(_Extracted):
    speaker: str = Field(description="Person or institution who said it, as named in the article.")
    speaker_title: str | None = Field(default=None, description="Speaker's title or affiliation as written.")
    text: str = Field(
        description=(
            "For a quote: the exact words between the quotation marks. "
            "For a paraphrase: a one-sentence summary of what was said."
        )
    )
    kind: StatementKind = Field(
        description="quote only if the words stand inside quotation marks in the article; otherwise paraphrase."
    )
    topic: str | None = Field(default=None, description="What the statement is about, a few words.")
    meeting_index: int | None = Field(
        default=None, description="0-based index of the meeting in `meetings` it was said at or about; null if none."
    )
    evidence: list[str] = Field(description=EVIDENCE_DESCRIPTION)


class Position(_Extracted):
    holder: str = Field(description="Actor holding the position: a person, government or institution, as named.")
    issue: Issue = Field(description="The issue the position is about.")
    stance: Stance = Field(description="The actor's stance on the issue.")
    summary: str = Field(description="One short sentence stating the position.")
    evidence: list[str] = Field(description=EVIDENCE_DESCRIPTION)


class ArticleExtraction(_Extracted):
    """All diplomatic meetings, statements and positions reported in one article."""

    meetings: list[Meeting] = Field(default_factory=list, description="Meetings, calls and visits between officials.")
    statements: list[Statement] = Field(default_factory=list, description="Things named speakers said.")
    positions: list[Position] = Field(default_factory=list, description="Stances of actors on issues.")


class MeetingList(_Extracted):
    """Diplomatic meetings, calls and visits reported in the article."""

    meetings: list[Meeting] = Field(default_factory=list)


class StatementList(_Extracted):
    """Statements by named speakers or institutions reported in the article."""

    statements: list[Statement] = Field(default_factory=list)


class PositionList(_Extracted):
    """Stances of actors on issues reported in the article."""

    positions: list[Position] = Field(default_factory=list)
