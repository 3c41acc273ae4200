"""The grouping thresholds and office vocabulary of ``extractor/data/events.yaml``: one loader."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.errors import ConfigError

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "events.yaml"


class EventRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    day_tolerance: int = Field(default=1, ge=0)
    anticipation_window_days: int = Field(default=60, ge=0)
    office_words: frozenset[str] = frozenset()


def load_rules(path: Path | None = None) -> EventRules:
    source = path or DEFAULT_RULES_PATH
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
        return EventRules.model_validate(raw)
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the event rules ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML ({getattr(exc, 'problem', None) or exc})") from exc
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "top level"
        raise ConfigError(f"{source}: {where}: {error['msg']}; see the header of events.yaml") from exc


@lru_cache(maxsize=1)
def default_rules() -> EventRules:
    return load_rules()
