"""Standard event codes carried by records and events: CAMEO and PLOVER.

The tables that decide them are data (`extractor/data/codes/*.yaml`, documented in
docs/codebook.md §11); these models only hold the result and say how it was decided.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Codes(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactCodes(_Codes):
    """How a meeting, call or visit is coded: CAMEO 04x (consult) and PLOVER CONSULT with its mode."""

    cameo: str = Field(description="CAMEO code of the 04 (consult) family, e.g. '041' (discuss by telephone).")
    cameo_label: str = Field(description="The CAMEO code's name.")
    plover: str = Field(default="CONSULT", description="PLOVER event type.")
    plover_mode: str | None = Field(default=None, description="PLOVER CONSULT mode, e.g. 'phone'; null if unclear.")
    host_country: str | None = Field(
        default=None, description="ISO 3166 alpha-3 of the host, for a visit (the place is a participant's country)."
    )
    basis: str = Field(description="How the code was decided, for a person.")


class StanceCodes(_Codes):
    """A statement's or position's type where the mapping from its stance is clear."""

    cameo: str = Field(description="CAMEO code, e.g. '100' (demand).")
    cameo_label: str
    plover: str = Field(description="PLOVER event type, e.g. 'DEMAND'.")
    basis: str = Field(description="How the code was decided, for a person.")
