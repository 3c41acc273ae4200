"""How titles name offices: the packaged data file `extractor/data/titles.yaml`, loaded and compiled once.

`extractor.normalize.actors` reads titles with these rules (which office class a written title names, which
country, whether it is a former or a qualified title) and strips title and country words from names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from extractor.datafiles import load_yaml_model

DEFAULT_TITLES_PATH = Path(__file__).resolve().parents[1] / "data" / "titles.yaml"


class _TitlesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    country_words: dict[str, str]
    country_joiners: tuple[str, ...] = ()
    title_words: tuple[str, ...]
    suffix_words: tuple[str, ...] = ()
    qualifier: str
    former: str
    presidency: str
    roles: dict[str, str]

    @field_validator("qualifier", "former", "presidency")
    @classmethod
    def _compiles(cls, value: str) -> str:
        _compile(value)
        return value

    @field_validator("roles")
    @classmethod
    def _roles_compile(cls, value: dict[str, str]) -> dict[str, str]:
        for pattern in value.values():
            _compile(pattern)
        return value


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc}): {pattern[:60]}") from exc


@dataclass(frozen=True)
class TitleRules:
    """The compiled file. Patterns apply to normalised titles (lower case, no punctuation)."""

    country_words: dict[str, str]
    country_tokens: frozenset[str]  # every word of a country phrase, and the joiners
    title_tokens: frozenset[str]  # country tokens and title words
    suffix_tokens: frozenset[str]
    qualifier: re.Pattern[str]
    former: re.Pattern[str]
    presidency: re.Pattern[str]
    roles: dict[str, re.Pattern[str]]


def load_title_rules(path: Path | str | None = None) -> TitleRules:
    data = load_yaml_model(Path(path or DEFAULT_TITLES_PATH), _TitlesFile, "the title rules")
    country_tokens = frozenset(" ".join(data.country_words).split()) | frozenset(data.country_joiners)
    return TitleRules(
        country_words=dict(data.country_words),
        country_tokens=country_tokens,
        title_tokens=country_tokens | frozenset(data.title_words),
        suffix_tokens=frozenset(data.suffix_words),
        qualifier=re.compile(data.qualifier),
        former=re.compile(data.former),
        presidency=re.compile(data.presidency),
        roles={role: re.compile(pattern) for role, pattern in data.roles.items()},
    )


@lru_cache(maxsize=1)
def default_title_rules() -> TitleRules:
    return load_title_rules()
