"""Check a meeting's date expression, format and status against its own evidence.

A small model often leaves `date_text` empty while its evidence says "On
March 3rd", calls every meeting "planned", or answers "unknown" for a
"phone call". The evidence sentence is the ground truth we have, so these
rules read it. Every change is reported as a flag naming the old value.
Format and tense cues are the ``meeting`` lists of ``extractor/data/cues.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.cues import default_cues
from schemas import Flag, FlagCode, Meeting, MeetingFormat, MeetingStatus

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Most specific first: the first pattern that matches anywhere wins.
_DATE_PATTERNS = [
    re.compile(rf"\b{_WEEKDAY}\s*\(\s*{_MONTH}\s+{_DAY}\s*\)"),  # Tuesday (Mar 4)
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*(?:to|-|–)\s*{_DAY})?(?:,?\s+\d{{4}})?\b"),  # March 3rd, May 5 to 6
    re.compile(rf"\b{_DAY}\s+{_MONTH}(?:\s+\d{{4}})?\b"),  # 4 March 2031
    re.compile(r"\b[Oo]n the \d{1,2}(?:st|nd|rd|th)\b"),  # on the 21st
    re.compile(rf"\b(?:[Oo]n |[Ll]ast |[Tt]his |[Nn]ext )?{_WEEKDAY}\b"),  # on Monday
    re.compile(r"\b(?:last|next|this) (?:week|month|year)\b", re.IGNORECASE),
    re.compile(rf"\b(?:[Ii]n |[Ss]ince |[Ll]ast |[Nn]ext |[Tt]his )?{_MONTH}(?:\s+\d{{4}})?\b(?!\s+\d)"),  # in June
    re.compile(r"\b(?:today|yesterday|tomorrow)\b", re.IGNORECASE),
]


_DATELINE_AFTER = re.compile(r"^\s*\(")  # "July 9 (Agency) -": the story's dateline, not the meeting's date
_YEAR = re.compile(r"\d{4}")


def date_expression_in(evidence: Sequence[str]) -> str | None:
    """The most specific date expression of the evidence; a dateline is skipped, and a weekday wins over a
    month and day without a year, whose year the weekday can fix ("July 9 … met on Saturday")."""
    found: list[str] = []
    for pattern in _DATE_PATTERNS:
        for sentence in evidence:
            for match in pattern.finditer(sentence):
                if not _DATELINE_AFTER.match(sentence[match.end() :]):
                    found.append(match.group(0).strip())
    if not found:
        return None
    first = found[0]
    weekday = next((f for f in found if re.search(_WEEKDAY, f) and not re.search(_MONTH, f)), None)
    if weekday is not None and re.search(_MONTH, first) and not _YEAR.search(first) and not re.search(_WEEKDAY, first):
        return weekday
    return first


def format_cue(evidence: Sequence[str]) -> MeetingFormat | None:
    text = " ".join(evidence)
    for fmt, pattern in default_cues().formats:
        if pattern.search(text):
            return MeetingFormat(fmt)
    return None


def status_cue(evidence: Sequence[str]) -> MeetingStatus | None:
    """held when the evidence reports it in the past tense and nothing marks it as future."""
    text = " ".join(evidence)
    cues = default_cues()
    if cues.future.search(text):
        return MeetingStatus.anticipated
    if cues.past.search(text):
        return MeetingStatus.held
    return None


def naming_participants(meeting: Meeting) -> list[str]:
    """The evidence sentences that name at least one participant (by surname)."""
    surnames = [p.name.split()[-1] for p in meeting.participants if p.name.split()]
    return [e for e in meeting.evidence if any(s in e for s in surnames)]


def reconcile_meeting(meeting: Meeting) -> tuple[Meeting, list[Flag]]:
    evidence = naming_participants(meeting)
    changes: dict[str, object] = {}
    flags: list[Flag] = []
    if not evidence:
        flags.append(
            Flag(code=FlagCode.evidence_names_no_participant, reason="no evidence sentence names a participant")
        )
        evidence = list(meeting.evidence)
    if not meeting.date_text and (expression := date_expression_in(evidence)):
        changes["date_text"] = expression
        flags.append(
            Flag(code=FlagCode.date_text_from_evidence, reason=f"date expression {expression!r} read from evidence")
        )
    cue = format_cue(evidence)
    if cue is not None and cue is not meeting.format:
        changes["format"] = cue
        flags.append(
            Flag(code=FlagCode.format_from_evidence, reason=f"format {meeting.format.value} → {cue.value} per evidence")
        )
    status = status_cue(evidence)
    if status is MeetingStatus.held and meeting.status is not MeetingStatus.held:
        changes["status"] = status
        flags.append(
            Flag(
                code=FlagCode.status_from_evidence, reason=f"status {meeting.status.value} → held: evidence reports it"
            )
        )
    elif status is MeetingStatus.anticipated and meeting.status is MeetingStatus.held:
        changes["status"] = status
        flags.append(
            Flag(code=FlagCode.status_from_evidence, reason="status held → anticipated: evidence speaks of the future")
        )
    return meeting.model_copy(update=changes), flags
