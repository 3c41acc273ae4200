"""Events: one real-world meeting, call or visit, and every report of it across articles.

`extractor events` (and the end of `extractor run`) groups meeting records into events; the
rules are in docs/codebook.md §12. An event never hides a disagreement between its reports:
`disagreements` says which report says what, and a flag marks it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.codes import ContactCodes
from schemas.extraction import DatePrecision, MeetingFormat, MeetingStatus
from schemas.records import EvidenceSpan, Flag


class _EventModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventMention(_EventModel):
    """One meeting record that reports the event."""

    article_id: str
    record_id: str
    status: MeetingStatus
    date: str | None = Field(default=None, description="The record's resolved ISO date.")
    date_precision: DatePrecision = DatePrecision.unknown
    format: MeetingFormat = MeetingFormat.unknown
    place: str | None = Field(default=None, description="Venue, city and country as the record gives them.")
    evidence: list[EvidenceSpan] = Field(default_factory=list)


class EventParticipant(_EventModel):
    name: str = Field(description="Canonical name where known, else the fullest name as written.")
    actor_id: str | None = Field(default=None, description="Wikidata QID.")
    country: str | None = Field(default=None, description="ISO 3166 alpha-3.")
    names_as_written: list[str] = Field(default_factory=list)
    record_ids: list[str] = Field(default_factory=list, description="The mentions that name this participant.")


class EventDate(_EventModel):
    iso: str | None = Field(default=None, description="Best-supported date: YYYY-MM-DD, YYYY-MM or YYYY.")
    precision: DatePrecision = DatePrecision.unknown
    supported_by: list[str] = Field(
        default_factory=list, description="Record ids of the mentions whose date agrees with `iso`."
    )


class EventPlace(_EventModel):
    city: str | None = None
    venue: str | None = None
    country: str | None = Field(default=None, description="ISO 3166 alpha-3, where known.")


class ReportedValue(_EventModel):
    value: str = Field(description="What these reports say.")
    record_ids: list[str]


class Disagreement(_EventModel):
    field: Literal["date", "place", "format"]
    values: list[ReportedValue] = Field(description="Each distinct value and the reports that give it.")


class EventLink(_EventModel):
    event_id: str
    relation: Literal["anticipates", "anticipated_by"] = Field(
        description="anticipates: this (planned/anticipated) event announces the linked held one; anticipated_by: "
        "the reverse."
    )


class Event(_EventModel):
    id: str = Field(description="'ev-' + 16 hex digits of the sha256 of the sorted mention record ids: stable.")
    status: MeetingStatus = Field(description="held if any mention reports it held; else the mentions' status.")
    participants: list[EventParticipant]
    date: EventDate = Field(default_factory=EventDate)
    place: EventPlace | None = None
    format: MeetingFormat = MeetingFormat.unknown
    codes: ContactCodes
    mentions: list[EventMention]
    article_ids: list[str] = Field(description="Articles that report the event, in mention order.")
    disagreements: list[Disagreement] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    links: list[EventLink] = Field(default_factory=list)
    statement_ids: list[str] = Field(default_factory=list, description="Statements made at or about the event.")
    position_ids: list[str] = Field(default_factory=list, description="Positions stated at or about the event.")
