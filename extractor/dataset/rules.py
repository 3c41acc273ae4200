"""The grouping thresholds and office vocabulary of ``extractor/data/events.yaml``: one loader."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from extractor.datafiles import load_yaml_model

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "events.yaml"


class EventRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    day_tolerance: int = Field(default=1, ge=0)
    anticipation_window_days: int = Field(default=60, ge=0)
    office_words: frozenset[str] = frozenset()


def load_rules(path: Path | None = None) -> EventRules:
    return load_yaml_model(path or DEFAULT_RULES_PATH, EventRules, "the event rules")


@lru_cache(maxsize=1)
def default_rules() -> EventRules:
    return load_rules()
