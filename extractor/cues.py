"""Cue vocabularies: the one loader for ``extractor/data/cues.yaml``.

The deterministic layer reads words that signal a contact, speech, an office,
a meeting's format or tense, and date vocabularies (page-date labels, wire
agencies, gap phrases). They live in the data file, not in code, so tuning them
is a data diff. `default_cues` loads the packaged file once; `load_cues` reads
any other file (same format, see its header).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from extractor.datafiles import load_yaml_model

DEFAULT_CUES_PATH = Path(__file__).resolve().parent / "data" / "cues.yaml"

__all__ = ["DEFAULT_CUES_PATH", "CueBook", "cue_pattern", "default_cues", "load_cues"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _StoryCues(_Strict):
    contact: tuple[str, ...]
    speech: tuple[str, ...]
    office_titles: tuple[str, ...]
    min_names: int = Field(ge=1)
    name_openers: tuple[str, ...]


class _LanguageCues(_Strict):
    min_letters: int = Field(ge=0)
    min_latin_share: float = Field(ge=0, le=1)
    min_english_share: float = Field(ge=0, le=1)
    english_function_words: tuple[str, ...]


class _FocusCues(_Strict):
    meeting: tuple[str, ...]


class _FormatCues(_Strict):
    video: tuple[str, ...]
    phone: tuple[str, ...]
    in_person: tuple[str, ...]


class _MeetingCues(_Strict):
    format: _FormatCues
    future: tuple[str, ...]
    past: tuple[str, ...]


class _GapPhrases(_Strict):
    within_month_after: tuple[str, ...]
    month_after: tuple[str, ...]
    month_before: tuple[str, ...]


class _DateCues(_Strict):
    page_date_labels: tuple[str, ...]
    wire_agencies: tuple[str, ...]
    gap_phrases: _GapPhrases


class _CuesFile(_Strict):
    version: int
    story: _StoryCues
    language: _LanguageCues
    focus: _FocusCues
    meeting: _MeetingCues
    dates: _DateCues


def _entry(word: str) -> str:
    """One cue-list entry as a regex: spaces match whitespace or a hyphen, a trailing * any ending."""
    stem, open_end = (word[:-1], True) if word.endswith("*") else (word, False)
    pattern = r"[\s-]+".join(re.escape(part) for part in stem.split())
    return pattern + (r"[\w-]*" if open_end else "")


def cue_pattern(words: Sequence[str]) -> str:
    """A cue list as one regex source: any entry as a whole word (longest first); never matches if empty."""
    entries = sorted({_entry(w) for w in words if w.strip()}, key=len, reverse=True)
    if not entries:
        return r"(?!)"
    return r"(?<!\w)(?:" + "|".join(entries) + r")(?!\w)"


def _compile(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(cue_pattern(words), re.IGNORECASE)


class CueBook:
    """The parsed cue file with its lists compiled on first use."""

    def __init__(self, data: _CuesFile, source: str) -> None:
        self.data = data
        self.source = source

    @cached_property
    def contact(self) -> re.Pattern[str]:
        return _compile(self.data.story.contact)

    @cached_property
    def speech(self) -> re.Pattern[str]:
        return _compile(self.data.story.speech)

    @cached_property
    def office_title(self) -> re.Pattern[str]:
        return _compile(self.data.story.office_titles)

    @cached_property
    def name_openers(self) -> frozenset[str]:
        return frozenset(self.data.story.name_openers)

    @cached_property
    def english_function_words(self) -> frozenset[str]:
        return frozenset(w.casefold() for w in self.data.language.english_function_words)

    @cached_property
    def focus_meeting(self) -> re.Pattern[str]:
        return _compile(self.data.focus.meeting)

    @cached_property
    def formats(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """(format value, pattern) in the order they are tried."""
        fmt = self.data.meeting.format
        return (("video", _compile(fmt.video)), ("phone", _compile(fmt.phone)), ("in_person", _compile(fmt.in_person)))

    @cached_property
    def future(self) -> re.Pattern[str]:
        return _compile(self.data.meeting.future)

    @cached_property
    def past(self) -> re.Pattern[str]:
        return _compile(self.data.meeting.past)

    @cached_property
    def gap_phrases(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        """(pattern, relation) for each relation of the gap phrases."""
        gaps = self.data.dates.gap_phrases
        return tuple(
            (_compile(words), relation)
            for relation, words in (
                ("within_month_after", gaps.within_month_after),
                ("month_after", gaps.month_after),
                ("month_before", gaps.month_before),
            )
        )


def load_cues(path: Path | str | None = None) -> CueBook:
    """Read a cue file (default: the packaged ``extractor/data/cues.yaml``); `ConfigError` when it is unusable."""
    source = DEFAULT_CUES_PATH if path is None else Path(path)
    return CueBook(load_yaml_model(source, _CuesFile, "the cue file", header="the packaged cues.yaml"), str(source))


@lru_cache(maxsize=1)
def default_cues() -> CueBook:
    """The packaged cue file, loaded once."""
    return load_cues()
