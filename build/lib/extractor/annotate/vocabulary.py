"""The pre-annotator's vocabulary: one loader for `extractor/data/annotate.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from extractor.errors import ConfigError

DEFAULT_VOCABULARY = Path(__file__).resolve().parents[1] / "data" / "annotate.yaml"


class _VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    abbreviations: list[str]
    contact_cues: list[str]
    joint_cues: list[str]
    speech_cues: list[str]
    stance_cues: list[str]
    office_words: list[str]
    not_name_words: list[str]
    institution_words: list[str]
    stances: dict[str, list[str]]
    issues: dict[str, list[str]]


def _cue_regex(words: list[str], case: bool = False) -> re.Pattern[str]:
    """Whole-word alternatives; a trailing * matches any ending. With `case`, capitalised words match as written."""
    parts = []
    for word in words:
        part = re.escape(word[:-1]) + r"[\w-]*" if word.endswith("*") else re.escape(word)
        parts.append(part if case and word[:1].isupper() else f"(?i:{part})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?![\w-])")


@dataclass(frozen=True)
class Vocabulary:
    data: _VocabularyFile
    source: str

    @cached_property
    def contact(self) -> re.Pattern[str]:
        return _cue_regex(self.data.contact_cues)

    @cached_property
    def joint(self) -> re.Pattern[str]:
        return _cue_regex(self.data.joint_cues)

    @cached_property
    def speech(self) -> re.Pattern[str]:
        return _cue_regex(self.data.speech_cues)

    @cached_property
    def stance(self) -> re.Pattern[str]:
        return _cue_regex(self.data.stance_cues)

    @cached_property
    def stance_words(self) -> list[tuple[str, re.Pattern[str]]]:
        return [(stance, _cue_regex(words)) for stance, words in self.data.stances.items()]

    @cached_property
    def issue_words(self) -> list[tuple[str, re.Pattern[str]]]:
        return [(issue, _cue_regex(words, case=True)) for issue, words in self.data.issues.items()]

    @cached_property
    def abbreviations(self) -> frozenset[str]:
        return frozenset(self.data.abbreviations)

    @cached_property
    def office_words(self) -> frozenset[str]:
        return frozenset(self.data.office_words)

    @cached_property
    def not_name_words(self) -> frozenset[str]:
        return frozenset(self.data.not_name_words)

    @cached_property
    def institution_words(self) -> frozenset[str]:
        return frozenset(self.data.institution_words)


def load_vocabulary(path: Path = DEFAULT_VOCABULARY) -> Vocabulary:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Vocabulary(_VocabularyFile.model_validate(raw), str(path))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the vocabulary file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{path}: not a vocabulary file ({first['msg']} at {first['loc']})") from exc


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()
