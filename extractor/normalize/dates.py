"""Resolve a meeting's date expression to an ISO date, relative to the page date.

`resolve_meeting_date` turns the date as the article writes it ("on the 21st",
"Tuesday (Mar 4)", "last month") into a `ResolvedDate`, deterministically, and
says how (``method``) and how sure it is (``confidence``). The model's own ISO
guess is only a fallback and a cross-check: small models often copy the page
date.

Methods, in the order they are tried:

* ``explicit``: the expression carries a year ("March 3rd, 2031"); parsed
  by `dateparser`.
* ``weekday_consistency``: month, day and weekday ("Tuesday (Mar 4)"): the
  year within ±2 of the publication year (else of the model's year, else at or
  after the latest year the text mentions) in which that day is that weekday.
* ``month_day_relative_to_published``: month and day: the latest occurrence
  not after the publication date.
* ``day_of_month_relative_to_published``: day only ("on the 21st"): that day in
  the publication month, or the latest earlier month in which it is not after
  the publication date (and falls on the weekday, if one is given).
* ``month_relative_to_published``: month only ("in March"): month precision.
* ``weekday_relative_to_published``: weekday only ("on Monday"): the latest
  such day on or before the publication date ("last"/"next Monday": strictly
  before/after).
* ``relative_to_published``: anything else `dateparser` understands relative to
  the publication date ("last month", "yesterday", "two days ago").
* ``model_only``: nothing above applied; the model's ISO date, if it agrees with
  whatever the expression does say (month, day, weekday).
* ``context_anchor``: see below.

Without a page date (``published`` None) the year may come from ``years``, the
years the participants held the offices their titles name (from
`ActorIndex.office_years`); these methods are tried first, for expressions
without a written year:

* ``weekday_consistency`` (confidence medium): month, day and weekday: the one
  year in ``years`` in which that day is that weekday. Several such years: the
  year is ambiguous (see below); none: as if no weekday were given (the
  mismatch is flagged).
* ``office_term`` (confidence medium): month and day, or month only, and
  ``years`` holds a single year.
* relative to a year-less wire dateline (``dateline``, e.g. "LIMA, Peru,
  May 2 (Reuters)"): weekday only, day only, relative phrases and
  month only are resolved as above against the dateline's month and day in each
  year of ``years``. One year: the ``*_relative_to_published`` method renamed
  ``*_relative_to_dateline`` (confidence at most medium). Several years and a
  weekday ("on Monday"): ``dateline_weekday`` (confidence low) when the
  dateline day itself is that weekday in exactly one of them; the lead of a wire
  story usually reports the dateline day's events, which is an assumption,
  hence the low confidence.
* Anything else that leaves several years: no ISO date (method
  ``year_ambiguous``), flags ``date_year_ambiguous`` (naming the candidate
  years) and ``date_unresolved``; the model's guess is not used, as the text
  does not settle the year for it either.

A dateline with a year stands in for a missing page date. With a page date,
``years`` only cross-checks: a resolved date in a year outside it is flagged
``date_outside_office_term`` (either the date or a participant's title is off).

Contradiction rule: a non-explicit result is checked against in-text clues: a
gap phrase ("within a month", "last month", "next month"; the ``dates.gap_phrases``
of ``extractor/data/cues.yaml``) paired with the nearest explicit month-day anchor
("from May 5 to 6") in the same paragraph (line) or the one before it, as a gap
phrase refers to an event just reported. If the result
is inconsistent with a clue it is never kept silently: the date is re-resolved
inside the window the clue allows (``context_anchor``, confidence low; the
anchor's year is the one written, else its latest occurrence not after the page
date), or left unresolved when the window does not single out one day; either
way the flag ``date_contradicts_page_date`` is added.

Flags: ``date_contradicts_page_date``, ``date_model_disagrees``,
``date_model_invalid``, ``date_weekday_mismatch``, ``date_unresolved``,
``date_year_ambiguous``, ``date_outside_office_term``.

`parse_publication_date` finds a page date in an article body.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from dateparser.date import DateDataParser

from extractor.cues import default_cues
from schemas.extraction import DatePrecision
from schemas.records import Flag, FlagCode, ResolvedDate

__all__ = ["parse_publication_date", "resolve_meeting_date"]

Confidence = Literal["high", "medium", "low"]
Relation = Literal["within_month_after", "month_after", "month_before"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_MONTH_DAY_RE = re.compile(
    rf"\b(?P<month>{_MONTH})\b\.?\s+(?P<day>\d{{1,2}}){_ORD}?\b"
    rf"(?:\s*(?:to|-|–|and)\s*(?P<end>\d{{1,2}}){_ORD}?\b)?(?:,?\s*(?P<year>{_YEAR})\b)?",
    re.IGNORECASE,
)
_DAY_MONTH_RE = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_ORD}?(?:\s*(?:to|-|–)\s*(?P<end>\d{{1,2}}){_ORD}?)?\s+(?:of\s+)?"
    rf"(?P<month>{_MONTH})\b\.?(?:,?\s*(?P<year>{_YEAR})\b)?",
    re.IGNORECASE,
)
_MONTH_ONLY_RE = re.compile(rf"\b(?P<month>{_MONTH})\b", re.IGNORECASE)
_DAY_ONLY_RE = re.compile(rf"(?:\bthe\s+|^\s*(?:on\s+)?)(?P<day>\d{{1,2}}){_ORD}\b", re.IGNORECASE)
_YEAR_RE = re.compile(rf"\b(?P<year>{_YEAR})\b")
_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<shift>last|next|this coming|coming)\s+)?(?P<weekday>mon|tues|wednes|thurs|fri|satur|sun)day\b",
    re.IGNORECASE,
)
_MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NUMBERS = {abbr: number for number, abbr in enumerate(_MONTH_ABBR, start=1)}
_WEEKDAYS = {"mon": 0, "tues": 1, "wednes": 2, "thurs": 3, "fri": 4, "satur": 5, "sun": 6}
_ISO_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_RELATIONS: dict[str, Relation] = {
    "within_month_after": "within_month_after",
    "month_after": "month_after",
    "month_before": "month_before",
}


def _alternatives(words: tuple[str, ...]) -> str:
    escaped = (r"\s+".join(re.escape(part) for part in word.split()) for word in words if word.strip())
    return "|".join(sorted(escaped, key=len, reverse=True)) or r"(?!)"


@lru_cache(maxsize=1)
def _gap_phrases() -> tuple[tuple[re.Pattern[str], Relation], ...]:
    return tuple((pattern, _RELATIONS[relation]) for pattern, relation in default_cues().gap_phrases)


@lru_cache(maxsize=1)
def _labelled_re() -> re.Pattern[str]:
    """A labelled page date ("Published: ..."); labels: ``dates.page_date_labels`` in the cue file."""
    words = default_cues().data.dates.page_date_labels
    # The labels' first letters as a lookahead: most positions fail on one character class test instead of
    # on every label in turn (the scan took 0.1 ms an article, most of reading a corpus row).
    first = "".join(sorted({re.escape(word.strip()[0]) for word in words if word.strip()}))
    lookahead = f"(?=[{first}])" if first else ""  # no labels: the alternation alone never matches
    return re.compile(
        rf"{lookahead}\b(?P<label>{_alternatives(words)})(?:\s*[:：]\s*|\s+on\s+)(?P<value>[^\n]{{4,60}})",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _dateline_re() -> re.Pattern[str]:
    """A wire dateline ("CITY, Country, Month Day (Agency)"); agencies: ``dates.wire_agencies`` in the cue file."""
    agencies = _alternatives(default_cues().data.dates.wire_agencies)
    return re.compile(
        rf"^(?P<place>[A-Z][A-Z .'’-]+(?:,\s*[A-Z][\w .'’-]+)?),\s*"
        rf"(?P<date>(?i:{_MONTH})\.?\s+\d{{1,2}}(?:,\s*(?P<year>{_YEAR}))?)"
        rf"\s*\((?:{agencies})\)",
        re.MULTILINE,
    )


_ISO_IN_TEXT_RE = re.compile(r"\b(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b")
_HEAD_CHARS = 1500
_PERIOD_PRECISION = {
    "time": DatePrecision.day,
    "day": DatePrecision.day,
    "week": DatePrecision.month,
    "month": DatePrecision.month,
    "year": DatePrecision.year,
}


@dataclass(frozen=True)
class _Parts:
    """What a date expression states, read by hand-written patterns."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    shift: str | None = None


@dataclass(frozen=True)
class _Resolution:
    date: dt.date
    precision: DatePrecision
    method: str
    confidence: Confidence

    @property
    def iso(self) -> str:
        return _iso(self.date, self.precision)


@dataclass(frozen=True)
class _Ambiguous:
    """The expression fits several candidate years and nothing singles one out."""

    years: tuple[int, ...]
    basis: str


@dataclass(frozen=True)
class _Anchor:
    start: int
    end: int
    text: str
    month: int
    day: int
    year: int | None


@dataclass(frozen=True)
class _Clue:
    anchor: _Anchor
    relation: Relation
    phrase: str


# --------------------------------------------------------------------------- small helpers


def _iso(date: dt.date, precision: DatePrecision) -> str:
    if precision is DatePrecision.year:
        return f"{date.year:04d}"
    if precision is DatePrecision.month:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name[:3].lower()]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _span(res: _Resolution) -> tuple[dt.date, dt.date]:
    """First and last day the resolution may stand for."""
    d = res.date
    if res.precision is DatePrecision.year:
        return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
    if res.precision is DatePrecision.month:
        return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return d, d


def _parser(base: dt.date | None) -> DateDataParser:
    """English parser; without a base, a fixed one (2000-01-01) keeps results independent of the clock."""
    base = base or dt.date(2000, 1, 1)
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
    }
    return DateDataParser(languages=["en"], settings=settings)


def _dateparse(text: str, base: dt.date | None) -> tuple[dt.date, DatePrecision] | None:
    data = _parser(base).get_date_data(text)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), _PERIOD_PRECISION.get(data.period or "day", DatePrecision.day)


# --------------------------------------------------------------------------- reading the expression


def _month_day(text: str) -> re.Match[str] | None:
    return _MONTH_DAY_RE.search(text) or _DAY_MONTH_RE.search(text)


def _parse_parts(expression: str) -> _Parts:
    parts = _Parts()
    if year := _YEAR_RE.search(expression):
        parts = replace(parts, year=int(year["year"]))
    if md := _month_day(expression):
        parts = replace(parts, month=_month_number(md["month"]), day=int(md["day"]))
    elif month := _MONTH_ONLY_RE.search(expression):
        parts = replace(parts, month=_month_number(month["month"]))
    if parts.day is None and (day := _DAY_ONLY_RE.search(expression)):
        parts = replace(parts, day=int(day["day"]))
    if weekday := _WEEKDAY_RE.search(expression):
        shift = (weekday["shift"] or "").lower() or None
        parts = replace(parts, weekday=_WEEKDAYS[weekday["weekday"].lower()], shift=shift)
    return parts


def _parse_iso(value: str | None) -> tuple[dt.date, DatePrecision] | None:
    match = _ISO_RE.match(value.strip()) if value else None
    if match is None:
        return None
    month, day = match["month"], match["day"]
    date = _safe_date(int(match["year"]), int(month or 1), int(day or 1))
    if date is None:
        return None
    precision = DatePrecision.day if day else DatePrecision.month if month else DatePrecision.year
    return date, precision


def _agrees_with_parts(date: dt.date, precision: DatePrecision, parts: _Parts) -> bool:
    """False when the date contradicts something the expression states."""
    checks = [(parts.year, date.year, True)]
    checks.append((parts.month, date.month, precision is not DatePrecision.year))
    checks.append((parts.day, date.day, precision is DatePrecision.day))
    checks.append((parts.weekday, date.weekday(), precision is DatePrecision.day))
    return all(want is None or not known or want == got for want, got, known in checks)


# --------------------------------------------------------------------------- deterministic resolvers


def _from_parts(year: int, parts: _Parts) -> tuple[dt.date, DatePrecision] | None:
    if parts.month is None:
        return dt.date(year, 1, 1), DatePrecision.year
    date = _safe_date(year, parts.month, parts.day or 1)
    return (date, DatePrecision.day if parts.day else DatePrecision.month) if date else None


def _resolve_explicit(expression: str, year: int, parts: _Parts) -> _Resolution | None:
    """`dateparser` first ("Sept. 3, 2031", "2031-09-03"), else the hand-read parts ("May 5 to 6, 2031")."""
    parsed = _dateparse(expression, None)
    if parsed is None or parsed[0].year != year:
        parsed = _from_parts(year, parts)
    return _Resolution(parsed[0], parsed[1], "explicit", "high") if parsed else None


def _weekday_year(month: int, day: int, weekday: int, years: range) -> int | None:
    for year in years:
        date = _safe_date(year, month, day)
        if date is not None and date.weekday() == weekday:
            return year
    return None


def _candidate_years(
    published: dt.date | None, model: tuple[dt.date, DatePrecision] | None, context: str
) -> tuple[range, Confidence] | None:
    """Years to search for weekday consistency: ±2 around the page date, else the model's year,
    else from the latest year the text mentions up to six years after it."""
    if published is not None:
        return range(published.year - 2, published.year + 3), "high"
    if model is not None:
        return range(model[0].year - 2, model[0].year + 3), "medium"
    if years := [int(m["year"]) for m in _YEAR_RE.finditer(context)]:
        return range(max(years), max(years) + 7), "low"
    return None


def _resolve_weekday_consistency(
    parts: _Parts, published: dt.date | None, model: tuple[dt.date, DatePrecision] | None, context: str
) -> _Resolution | None:
    if parts.month is None or parts.day is None or parts.weekday is None:
        return None
    search = _candidate_years(published, model, context)
    year = _weekday_year(parts.month, parts.day, parts.weekday, search[0]) if search else None
    if search is None or year is None:
        return None
    return _Resolution(dt.date(year, parts.month, parts.day), DatePrecision.day, "weekday_consistency", search[1])


def _resolve_month_day(parts: _Parts, published: dt.date | None) -> _Resolution | None:
    if parts.month is None or parts.day is None or published is None:
        return None
    for year in range(published.year, published.year - 9, -1):
        date = _safe_date(year, parts.month, parts.day)
        if date is not None and date <= published:
            return _Resolution(date, DatePrecision.day, "month_day_relative_to_published", "medium")
    return None


def _resolve_day_of_month(parts: _Parts, published: dt.date | None) -> _Resolution | None:
    if parts.day is None:
        return None
    if published is None:
        return None
    for back in range(12):
        year, month = _add_months(published.year, published.month, -back)
        date = _safe_date(year, month, parts.day)
        if date is None or date > published or (parts.weekday is not None and date.weekday() != parts.weekday):
            continue
        return _Resolution(date, DatePrecision.day, "day_of_month_relative_to_published", "medium")
    return None


def _resolve_month_only(parts: _Parts, published: dt.date | None) -> _Resolution | None:
    if parts.month is None or published is None:
        return None
    year = published.year if parts.month <= published.month else published.year - 1
    return _Resolution(dt.date(year, parts.month, 1), DatePrecision.month, "month_relative_to_published", "medium")


def _resolve_weekday(parts: _Parts, published: dt.date | None) -> _Resolution | None:
    if parts.weekday is None:
        return None
    if published is None:
        return None
    if parts.shift == "last":
        offsets = range(-1, -8, -1)
    elif parts.shift is not None:
        offsets = range(1, 8)
    else:
        offsets = range(0, -7, -1)
    for offset in offsets:
        date = published + dt.timedelta(days=offset)
        if date.weekday() == parts.weekday:
            return _Resolution(date, DatePrecision.day, "weekday_relative_to_published", "medium")
    return None


def _resolve_relative(expression: str, published: dt.date | None) -> _Resolution | None:
    if published is None:
        return None
    parsed = _dateparse(expression, published)
    if parsed is None:
        return None
    confidence: Confidence = "low" if "week" in expression.lower() else "medium"
    return _Resolution(parsed[0], parsed[1], "relative_to_published", confidence)


def _resolve_expression(
    expression: str, parts: _Parts, published: dt.date | None, model: tuple[dt.date, DatePrecision] | None, context: str
) -> _Resolution | None:
    if parts.year is not None:
        return _resolve_explicit(expression, parts.year, parts)
    if parts.month is not None and parts.day is not None:
        by_weekday = None
        if parts.weekday is not None:
            by_weekday = _resolve_weekday_consistency(parts, published, model, context)
        return by_weekday or _resolve_month_day(parts, published)
    if parts.day is not None:
        return _resolve_day_of_month(parts, published)
    if parts.month is not None:
        return _resolve_month_only(parts, published)
    if parts.weekday is not None:
        return _resolve_weekday(parts, published)
    return _resolve_relative(expression, published)


# --------------------------------------------------------------------------- no page date: office years, dateline


def _span_text(years: range) -> str:
    if not years:
        return "unknown"
    return f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _month_day_in_years(parts: _Parts, years: range) -> _Resolution | _Ambiguous | None:
    if parts.month is None or parts.day is None:
        return None
    dates = [d for d in (_safe_date(y, parts.month, parts.day) for y in years) if d is not None]
    if parts.weekday is not None:
        fitting = [d for d in dates if d.weekday() == parts.weekday]
        if len(fitting) == 1:
            return _Resolution(fitting[0], DatePrecision.day, "weekday_consistency", "medium")
        if fitting:
            weekday = calendar.day_name[parts.weekday]
            return _Ambiguous(tuple(d.year for d in fitting), f"it is a {weekday} in each")
    if len(dates) == 1:
        return _Resolution(dates[0], DatePrecision.day, "office_term", "medium")
    return _Ambiguous(tuple(d.year for d in dates), "no page date") if dates else None


def _month_in_years(parts: _Parts, years: range) -> _Resolution | _Ambiguous:
    if parts.month is None:
        return _Ambiguous(tuple(years), "no month")
    if len(years) == 1:
        return _Resolution(dt.date(years[0], parts.month, 1), DatePrecision.month, "office_term", "medium")
    return _Ambiguous(tuple(years), "no page date")


def _relative_to_dateline(
    expression: str, parts: _Parts, years: range, dateline: tuple[int, int], context: str
) -> _Resolution | _Ambiguous | None:
    """The expression against the dateline's month and day in each year of `years`."""
    found: dict[int, tuple[dt.date, _Resolution]] = {}
    for year in years:
        anchor = _safe_date(year, *dateline)
        res = _resolve_expression(expression, parts, anchor, None, context) if anchor is not None else None
        if anchor is not None and res is not None and _agrees_with_parts(res.date, res.precision, parts):
            found[year] = anchor, res
    if len(found) == 1:
        ((_, res),) = found.values()
        confidence: Confidence = "medium" if res.confidence == "high" else res.confidence
        return replace(res, method=res.method.replace("_published", "_dateline"), confidence=confidence)
    if parts.weekday is not None and parts.shift is None:
        same_day = [res for anchor, res in found.values() if res.date == anchor]
        if len(same_day) == 1:
            return _Resolution(same_day[0].date, DatePrecision.day, "dateline_weekday", "low")
    return _Ambiguous(tuple(found), "relative to the year-less dateline") if found else None


def _resolve_in_years(
    expression: str, parts: _Parts, years: range, dateline: tuple[int, int] | None, context: str
) -> _Resolution | _Ambiguous | None:
    """No page date: the year from the participants' office years (None: these rules do not apply)."""
    if parts.month is not None and parts.day is not None:
        return _month_day_in_years(parts, years)
    if dateline is not None:
        return _relative_to_dateline(expression, parts, years, dateline, context)
    if parts.month is not None and parts.day is None:
        return _month_in_years(parts, years)
    return None


def _parse_dateline(dateline: str | None) -> tuple[int, int, int | None] | None:
    """Month, day and (if written) year of a wire dateline such as "LIMA, Peru, May 2 (Reuters)"."""
    if not dateline:
        return None
    wire = _dateline_re().search(dateline)
    md = _MONTH_DAY_RE.search(wire["date"] if wire else dateline)
    if md is None or _safe_date(2000, _month_number(md["month"]), int(md["day"])) is None:
        return None
    return _month_number(md["month"]), int(md["day"]), int(md["year"]) if md["year"] else None


def _ambiguity_flags(expression: str | None, ambiguous: _Ambiguous, years: range, model_iso: str | None) -> list[Flag]:
    candidates = ", ".join(str(year) for year in ambiguous.years)
    reason = (
        f"the year of {expression!r} is not determined: it could be {candidates} "
        f"({ambiguous.basis}; participants' office years {_span_text(years)})"
    )
    if model_iso and model_iso.strip():
        reason += f"; the model's guess {model_iso.strip()!r} is not used"
    return [Flag(code=FlagCode.date_year_ambiguous, reason=reason)]


def _office_term_flags(res: _Resolution | None, years: range | None) -> list[Flag]:
    if res is None or years is None or res.date.year in years:
        return []
    reason = f"{res.iso} ({res.method}) is outside the participants' office years {_span_text(years)}"
    return [Flag(code=FlagCode.date_outside_office_term, reason=reason)]


# --------------------------------------------------------------------------- in-text clues


def _find_anchors(context: str) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    for pattern in (_MONTH_DAY_RE, _DAY_MONTH_RE):
        for m in pattern.finditer(context):
            day, month = int(m["day"]), _month_number(m["month"])
            if not 1 <= day <= 31 or any(a.start <= m.start() < a.end for a in anchors):
                continue
            year = int(m["year"]) if m["year"] else None
            anchors.append(_Anchor(m.start(), m.end(), m.group(0), month, day, year))
    return anchors


def _is_excluded(anchor: _Anchor, own: tuple[int, int] | None, published: dt.date | None) -> bool:
    """The meeting's own date and the page date (e.g. a "Published:" line) are not clues."""
    if (anchor.month, anchor.day) == own:
        return True
    if published is None or (anchor.month, anchor.day) != (published.month, published.day):
        return False
    return anchor.year in (None, published.year)


def _page_date_spans(context: str) -> list[tuple[int, int]]:
    """Labelled page dates and wire datelines: they date the page, they are not clues."""
    return [m.span() for pattern in (_labelled_re(), _dateline_re()) for m in pattern.finditer(context)]


def _paragraph_starts(context: str) -> list[int]:
    """Start offsets of the paragraphs (non-blank lines) of `context`."""
    return [m.start() for m in re.finditer(r"^[^\S\n]*\S", context, re.MULTILINE)]


def _paragraph(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _find_clues(context: str, own: tuple[int, int] | None, published: dt.date | None) -> list[_Clue]:
    """Gap phrases, each paired with the nearest month-day anchor in its paragraph or the one before."""
    found = [(m, relation) for pattern, relation in _gap_phrases() for m in pattern.finditer(context)]
    if not found:  # the usual case: no anchors to look for
        return []
    spans = _page_date_spans(context)
    anchors = [a for a in _find_anchors(context) if not _is_excluded(a, own, published)]
    anchors = [a for a in anchors if not any(start <= a.start < end for start, end in spans)]
    starts = _paragraph_starts(context)
    clues: list[_Clue] = []
    for m, relation in found:
        here = _paragraph(starts, m.start())
        reachable = [a for a in anchors if here - 1 <= _paragraph(starts, a.start) <= here]
        near = [(min(abs(a.end - m.start()), abs(a.start - m.end())), a) for a in reachable]
        if near:
            clues.append(_Clue(min(near, key=lambda pair: pair[0])[1], relation, m.group(0)))
    return clues


def _window(clue: _Clue, year: int) -> tuple[dt.date, dt.date] | None:
    """The dates the meeting may fall on, if the clue's anchor is in `year`."""
    anchor = _safe_date(year, clue.anchor.month, clue.anchor.day)
    if anchor is None:
        return None
    if clue.relation == "within_month_after":
        return anchor + dt.timedelta(days=1), anchor + dt.timedelta(days=31)
    y, m = _add_months(year, clue.anchor.month, 1 if clue.relation == "month_after" else -1)
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def _consistent(res: _Resolution, clue: _Clue) -> bool:
    first, last = _span(res)
    years = [clue.anchor.year] if clue.anchor.year else [first.year - 1, first.year, first.year + 1]
    windows = [w for w in (_window(clue, y) for y in years) if w is not None]
    return any(lo <= last and first <= hi for lo, hi in windows)


def _anchor_year(anchor: _Anchor, published: dt.date | None) -> int | None:
    if anchor.year is not None:
        return anchor.year
    if published is None:
        return None
    for year in range(published.year, published.year - 9, -1):
        date = _safe_date(year, anchor.month, anchor.day)
        if date is not None and date <= published:
            return year
    return None


def _reresolve(clue: _Clue, parts: _Parts, published: dt.date | None) -> _Resolution | None:
    """The single day inside the clue's window that matches the expression, if there is exactly one."""
    year = _anchor_year(clue.anchor, published)
    window = _window(clue, year) if year is not None else None
    if window is None or (parts.day is None and parts.weekday is None):
        return None
    days = (window[0] + dt.timedelta(days=i) for i in range((window[1] - window[0]).days + 1))
    matches = [d for d in days if _agrees_with_parts(d, DatePrecision.day, replace(parts, year=None))]
    if len(matches) != 1:
        return None
    return _Resolution(matches[0], DatePrecision.day, "context_anchor", "low")


def _check_clues(
    res: _Resolution, parts: _Parts, published: dt.date | None, context: str
) -> tuple[_Resolution | None, list[Flag]]:
    own = (res.date.month, res.date.day) if res.precision is DatePrecision.day else None
    clues = _find_clues(context, own, published)
    broken = [clue for clue in clues if not _consistent(res, clue)]
    if not broken:
        return res, []
    reason = f"{res.iso} ({res.method}; page date {published or 'unknown'}) is inconsistent with " + "; ".join(
        f"'{c.phrase}' near '{c.anchor.text}'" for c in broken
    )
    redone = {_reresolve(clue, parts, published) for clue in broken}
    fixed = redone.pop() if len(redone) == 1 else None
    if fixed is not None and all(_consistent(fixed, clue) for clue in clues):
        return fixed, [Flag(code=FlagCode.date_contradicts_page_date, reason=f"{reason}; re-resolved to {fixed.iso}")]
    return None, [Flag(code=FlagCode.date_contradicts_page_date, reason=f"{reason}; left unresolved")]


# --------------------------------------------------------------------------- public API

_LOWERING = {FlagCode.date_contradicts_page_date, FlagCode.date_weekday_mismatch}


def _model_flags(
    model_iso: str | None, model: tuple[dt.date, DatePrecision] | None, res: _Resolution | None
) -> list[Flag]:
    if model_iso is None or not model_iso.strip():
        return []
    if model is None:
        return [
            Flag(
                code=FlagCode.date_model_invalid, reason=f"model date {model_iso!r} is not YYYY-MM-DD, YYYY-MM or YYYY"
            )
        ]
    model_text = _iso(*model)
    if res is None:
        reason = f"model said {model_text}, which contradicts the expression or in-text clues"
        return [Flag(code=FlagCode.date_model_disagrees, reason=reason)]
    length = min(len(model_text), len(res.iso))
    if res.method == "model_only" or model_text[:length] == res.iso[:length]:
        return []
    return [
        Flag(code=FlagCode.date_model_disagrees, reason=f"model said {model_text}, resolved {res.iso} by {res.method}")
    ]


def _weekday_flags(res: _Resolution | None, parts: _Parts) -> list[Flag]:
    if res is None or parts.weekday is None or res.precision is not DatePrecision.day:
        return []
    if res.date.weekday() == parts.weekday:
        return []
    weekday = calendar.day_name[parts.weekday]
    return [Flag(code=FlagCode.date_weekday_mismatch, reason=f"{res.iso} is a {res.date:%A}, the text says {weekday}")]


def _resolve(
    expression: str | None,
    parts: _Parts,
    model: tuple[dt.date, DatePrecision] | None,
    published: dt.date | None,
    context: str,
    years: range | None = None,
    dateline: tuple[int, int] | None = None,
) -> tuple[_Resolution | _Ambiguous | None, list[Flag]]:
    """Deterministic resolution, else the model's guess (if it fits the expression); non-explicit
    results are checked against in-text clues. Without a page date, `years` is tried first."""
    res: _Resolution | None = None
    if expression and published is None and years and parts.year is None:
        in_years = _resolve_in_years(expression, parts, years, dateline, context)
        if isinstance(in_years, _Ambiguous):
            return in_years, []
        res = in_years
    if expression and res is None:
        res = _resolve_expression(expression, parts, published, model, context)
    if res is not None and res.method == "explicit":
        return res, []
    flags: list[Flag] = []
    if res is not None:
        res, flags = _check_clues(res, parts, published, context)
    if res is None and model is not None and _agrees_with_parts(*model, parts):
        fallback = _Resolution(model[0], model[1], "model_only", "low")
        res, model_flags = _check_clues(fallback, parts, published, context)
        flags = flags or model_flags
    return res, flags


def resolve_meeting_date(
    expression: str | None,
    model_iso: str | None,
    published: dt.date | None,
    context: str,
    *,
    years: range | None = None,
    dateline: str | None = None,
) -> tuple[ResolvedDate, list[Flag]]:
    """Resolve a meeting's date expression; see the module docstring for the rules.

    `expression` is the date as written, `model_iso` the model's guess, `published`
    the page date and `context` the article (or story) text searched for clues.
    `years` are the years the participants held their offices
    (`ActorIndex.office_years`): without a page date the year is taken from them,
    with one they only cross-check it. `dateline` is the raw text
    `parse_publication_date` returns when it finds a dateline without a year
    ("LIMA, Peru, May 2 (Reuters)"); it anchors weekday-only and other
    relative expressions when there is no page date (with a year, it is the page
    date). Returns the resolution and the flags raised on the way.
    """
    expression = expression.strip() if expression and expression.strip() else None
    parts = _parse_parts(expression) if expression else _Parts()
    model = _parse_iso(model_iso)
    day_line = _parse_dateline(dateline) if published is None else None
    if day_line is not None and day_line[2] is not None:
        published, day_line = _safe_date(day_line[2], day_line[0], day_line[1]), None
    anchor = (day_line[0], day_line[1]) if day_line is not None else None
    outcome, flags = _resolve(expression, parts, model, published, context, years, anchor)
    if isinstance(outcome, _Ambiguous):  # only a years window makes a year ambiguous
        flags = _ambiguity_flags(expression, outcome, years or range(0), model_iso)
        flags.append(Flag(code=FlagCode.date_unresolved, reason=f"could not resolve the year of {expression!r}"))
        return ResolvedDate(expression=expression, method="year_ambiguous"), flags
    res = outcome
    flags += _weekday_flags(res, parts) + _model_flags(model_iso, model, res) + _office_term_flags(res, years)
    if res is None:
        contradicted = any(f.code is FlagCode.date_contradicts_page_date for f in flags)
        flags.append(
            Flag(code=FlagCode.date_unresolved, reason=f"could not resolve {expression or 'a missing date'!r}")
        )
        return ResolvedDate(expression=expression, method="unresolved_contradiction" if contradicted else "none"), flags
    confidence: Confidence = "low" if any(f.code in _LOWERING for f in flags) else res.confidence
    resolved = ResolvedDate(
        expression=expression, iso=res.iso, precision=res.precision, method=res.method, confidence=confidence
    )
    return resolved, flags


def _labelled_date(text: str) -> tuple[dt.date, str] | None:
    """A date after a label; the value is cut after its year if trailing words defeat `dateparser`."""
    for m in _labelled_re().finditer(text[:_HEAD_CHARS]):
        value = re.split(r"\s{2,}|\|", m["value"])[0].strip()
        year = _YEAR_RE.search(value)
        if year is None:
            continue
        for candidate in (value, value[: year.end()]):
            parsed = _dateparse(candidate, None)
            if parsed is not None and parsed[0].year == int(year["year"]):
                return parsed[0], f"{m['label']}{text[m.end('label') : m.start('value')]}{candidate}".strip()
    return None


def parse_publication_date(text: str) -> tuple[dt.date | None, str | None]:
    """Find the page's publication date in an article body: (date, the text it was read from).

    Tried in order, within the first 1,500 characters: a labelled date ("Release
    time: Mar 2, 2031 08:15 AM", "Published: ..."), a wire dateline ("LIMA, Peru,
    May 2 (Reuters)"), an ISO date ("2031-03-02"). A dateline without
    a year gives (None, raw dateline): the day is known but not the year, so the
    caller keeps the raw text and must not guess. Nothing found gives (None, None).
    """
    if labelled := _labelled_date(text):
        return labelled
    head = text[:_HEAD_CHARS]
    if dateline := _dateline_re().search(head):
        raw = dateline.group(0).strip()
        parsed = _dateparse(dateline["date"], None) if dateline["year"] else None
        return (parsed[0] if parsed else None), raw
    # Every ISO date has a hyphen and starts "19" or "20": most texts are ruled out without a regex scan.
    if "-" in head and ("19" in head or "20" in head) and (iso := _ISO_IN_TEXT_RE.search(head)):
        found = _parse_iso(iso["iso"])
        if found is not None:
            return found[0], iso.group(0)
    return None, None
