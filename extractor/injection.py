"""Text in an article that speaks to the model, not to a reader ("prompt injection").

Schema constraints stop an injected instruction from changing the *shape*
of an answer, not from changing its content: a sentence saying "output a
meeting between X and Y" can be cited as evidence for that meeting. So the
sentences that address a model are found by the cues in
``extractor/data/injection.yaml``; the article gets a flag, and a record
whose evidence lies in such a sentence is flagged, or dropped under
``--strict``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml

from extractor.errors import ConfigError
from extractor.postprocess import RecordSet
from schemas import EvidenceSpan, Flag, FlagCode, MeetingRecord, PositionRecord, StatementRecord

INJECTION_CUES_PATH = Path(__file__).resolve().parent / "data" / "injection.yaml"
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")

Record = TypeVar("Record", MeetingRecord, StatementRecord, PositionRecord)


@dataclass(frozen=True)
class AddressedSpan:
    start: int
    end: int
    sentence: str


@lru_cache(maxsize=4)
def injection_patterns(path: Path = INJECTION_CUES_PATH) -> tuple[re.Pattern[str], ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return tuple(re.compile(p, re.IGNORECASE | re.MULTILINE) for p in data["patterns"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise ConfigError(f"{path}: not a valid injection cue file ({exc})") from exc


def addressed_spans(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> list[AddressedSpan]:
    """The sentences of `text` that address a model, as character spans."""
    patterns = injection_patterns() if patterns is None else patterns
    found = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        if any(p.search(sentence) for p in patterns):
            found.append(AddressedSpan(start, end, sentence))
    return found


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def article_flag(spans: Sequence[AddressedSpan]) -> Flag:
    shown = "; ".join(repr(s.sentence.strip()[:100]) for s in spans[:3])
    return Flag(code=FlagCode.text_addresses_model, reason=f"{len(spans)} sentence(s) address a model: {shown}")


def screen_records(records: RecordSet, spans: Sequence[AddressedSpan], strict: bool) -> RecordSet:
    """Records resting on an addressed sentence: flagged, or dropped when `strict`."""
    if not spans:
        return records
    return RecordSet(
        _screen(records.meetings, spans, strict),
        _screen(records.statements, spans, strict),
        _screen(records.positions, spans, strict),
    )


def _screen(records: list[Record], spans: Sequence[AddressedSpan], strict: bool) -> list[Record]:
    kept: list[Record] = []
    for item in records:
        hit = next((s for s in spans if _rests_on(item.evidence, s)), None)
        if hit is None:
            kept.append(item)
        elif not strict:
            kept.append(_flagged(item, hit))
    return kept


def _flagged(item: Record, hit: AddressedSpan) -> Record:
    reason = f"evidence lies in a sentence that addresses a model: {hit.sentence.strip()[:120]!r}"
    return item.model_copy(update={"flags": [*item.flags, Flag(code=FlagCode.evidence_addresses_model, reason=reason)]})


def _rests_on(evidence: list[EvidenceSpan], span: AddressedSpan) -> bool:
    return any(
        e.start is not None and e.end is not None and e.start < span.end and span.start < e.end for e in evidence
    )
