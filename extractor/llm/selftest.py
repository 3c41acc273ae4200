"""Refuse to run on a server that does not constrain decoding by the schema.

The probe asks, in plain words, for `{"colour": "red"}` while the schema
allows only `{"token": "kumquat-42"}`. A server that enforces the schema
must answer the latter; one that ignores it answers what it was told.
"""

from __future__ import annotations

from typing import Literal

import openai
from pydantic import BaseModel, ConfigDict, ValidationError

from extractor.errors import ExtractorError, SchemaNotEnforcedError
from extractor.llm.backends import Backend
from extractor.llm.seam import LLMClient, send_unguided
from extractor.llm.transport import RetryPolicy

PROBE_MESSAGES = [
    {"role": "user", "content": 'Reply with exactly this JSON object and nothing else: {"colour": "red"}'}
]


class SchemaProbe(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Literal["kumquat-42"]


def check_schema_enforced(sdk: openai.OpenAI, backend: Backend, model: str) -> None:
    probe = LLMClient(
        connect=lambda: sdk, backend=backend, model=model, endpoint="selftest", retry=RetryPolicy(attempts=2)
    )
    try:
        answer = send_unguided(probe, PROBE_MESSAGES, SchemaProbe)
    except (ExtractorError, openai.APIError) as exc:
        raise SchemaNotEnforcedError(f"schema self-test could not run against {sdk.base_url}: {exc}") from exc
    try:
        SchemaProbe.model_validate_json(answer)
    except ValidationError:
        raise SchemaNotEnforcedError(
            f"the server at {sdk.base_url} ignores the JSON schema (backend {backend.name!r}): asked for "
            f"{{'token': 'kumquat-42'}} by schema, it answered {answer[:80]!r}. Use a server/backend that "
            "constrains decoding (see README: backends)."
        ) from None
