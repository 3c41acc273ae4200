"""Scoring a run's output against gold annotations (``extractor eval``).

Inputs
------
* Gold: ``<gold_dir>/*.json``, each ``{"article": "<file>.txt", "notes": str,
  "extraction": <ArticleExtraction>}``. An unreadable or invalid file raises
  `GoldError` naming it; so do two gold files for one article and a gold file
  whose article is not in ``corpus_dir``.
* Predictions: a run directory with ``articles.jsonl``, ``meetings.jsonl``,
  ``statements.jsonl`` and ``positions.jsonl``; a missing file or a bad row
  raises `InputError`. A gold file is paired with the ``articles.jsonl`` row
  whose ``source`` has the gold ``article`` as its basename (an ``ok`` row wins
  over others). Records belong to that row through ``article_id``. A gold
  article without an ``ok`` row scores all its gold records as misses (its
  ``prediction`` says why); predicted articles without a gold file are listed
  as unscored and otherwise ignored.

Matching (within one article, one record type at a time)
---------------------------------------------------------
* Person key: ``ActorIndex.match(name).canonical_name`` of the name as
  written, else the name itself; either is then lower-cased, accent- and
  punctuation-free (`name_key`). Gold and predictions go through the same
  function, so the pipeline's own actor resolution plays no part.
* Meeting: the participant keys overlap by at least half of the *larger* list,
  ``|G ∩ P| / max(|G|, |P|) >= PARTICIPANT_OVERLAP`` (symmetric, and padding a
  meeting with extra people costs a match; for two-person meetings one shared
  person is enough), AND the dates are compatible. The predicted date is
  ``record.date.iso`` when set, else ``record.meeting.date``. Dates are
  compared at the coarser precision written (``YYYY-MM-DD``, ``YYYY-MM``,
  ``YYYY``): two days may differ by at most `DATE_TOLERANCE_DAYS`; otherwise
  the same month (or year). A missing or unparseable date on either side does
  not block a match. A date off by more than a day therefore does *not* match:
  that gold meeting is a miss and the prediction a false positive.
* Statement: same speaker key AND ``rapidfuzz.fuzz.token_set_ratio`` of the
  texts (lower-cased, punctuation stripped) ``>= STATEMENT_TEXT_THRESHOLD``.
  The predicted text is ``record.statement.text``. (token_set_ratio scores a
  text whose words are a subset of the other's as 100, so short quotes still
  find the paraphrase or longer quote of the same words.)
* Position: same holder key AND same issue.
* Pairs are made one-to-one, greedily by best score (overlap, then date/text,
  then agreeing fields), ties by order of appearance: a duplicate prediction is
  a false positive (noted as a duplicate).

Metrics
-------
* Precision = matched / predicted, recall = matched / gold, F1 their harmonic
  mean; ``None`` when the denominator is 0. Micro-averaged over the corpus per
  type and over all types ("all"), and given per article.
* Field accuracy, on matched pairs only: ``meeting.date`` (gold unknown: correct
  only if the prediction is unknown too; otherwise the prediction must have the
  gold's precision and agree within a day / in the same month / year),
  ``meeting.format``, ``meeting.status``, ``meeting.city`` (only where gold has a
  city: equal ignoring case and surrounding space), ``statement.kind`` (quote vs
  paraphrase) and ``position.stance``.
* Misses (gold not matched) and false positives (prediction not matched) each
  carry the article, a description, the first evidence string and, where one is
  found, a note on the nearest candidate (e.g. "dates disagree").
* Fabricated verbatim quotes: predicted statements of kind ``quote`` whose text
  `extractor.ground.verify_quote` cannot find inside quotation marks in the
  article body (the file's text after the title line). Quotes the pipeline
  already demoted to paraphrase (flag ``quote_not_verbatim``) are counted apart.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, utils
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from extractor.errors import GoldError, InputError
from extractor.ground import verify_quote
from extractor.normalize.actors import load_actors
from schemas.extraction import ArticleExtraction, Meeting, Position, Statement, StatementKind
from schemas.records import ActorRef, ArticleResult, ArticleStatus, MeetingRecord, PositionRecord, StatementRecord

__all__ = [
    "DATE_TOLERANCE_DAYS",
    "PARTICIPANT_OVERLAP",
    "STATEMENT_TEXT_THRESHOLD",
    "ArticleScores",
    "Counts",
    "Finding",
    "GoldArticle",
    "PredictedArticle",
    "RunOutput",
    "Scores",
    "Tally",
    "aggregate",
    "dates_compatible",
    "evaluate_run",
    "format_scores",
    "greedy_match",
    "load_gold",
    "load_run",
    "name_key",
    "participant_overlap",
    "person_key",
    "score_article",
    "scores_json",
]

PARTICIPANT_OVERLAP = 0.5
"""Minimum |G ∩ P| / max(|G|, |P|) of meeting participant keys."""

DATE_TOLERANCE_DAYS = 1
"""Two day-precision dates this many days apart still agree (time zones, 'late Tuesday')."""

STATEMENT_TEXT_THRESHOLD = 60.0
"""Minimum `fuzz.token_set_ratio` (0-100) of gold and predicted statement texts."""

RECORD_TYPES: tuple[str, ...] = ("meetings", "statements", "positions")
RecordType = Literal["meeting", "statement", "position"]
KeyFn = Callable[[str], str]
Score = tuple[float, ...]

# ---------------------------------------------------------------- results


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


class Counts(_Out):
    """Record counts of one type; build with `Counts.of` so the rates agree with the counts."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None

    @classmethod
    def of(cls, gold: int, predicted: int, matched: int) -> Counts:
        precision, recall = _ratio(matched, predicted), _ratio(matched, gold)
        f1 = None
        if precision is not None and recall is not None:
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(gold=gold, predicted=predicted, matched=matched, precision=precision, recall=recall, f1=f1)

    def __add__(self, other: Counts) -> Counts:
        return Counts.of(self.gold + other.gold, self.predicted + other.predicted, self.matched + other.matched)


class Tally(_Out):
    """Correct / total for one field on matched pairs."""

    correct: int = 0
    total: int = 0
    accuracy: float | None = None

    @classmethod
    def of(cls, correct: int, total: int) -> Tally:
        return cls(correct=correct, total=total, accuracy=_ratio(correct, total))

    def __add__(self, other: Tally) -> Tally:
        return Tally.of(self.correct + other.correct, self.total + other.total)


class Finding(_Out):
    """One record a person should look at: a miss, a false positive or a fabricated quote."""

    article: str
    type: RecordType
    description: str
    evidence: str = ""
    note: str | None = None


class ArticleScores(_Out):
    article: str
    gold_file: str
    prediction: str = Field(description="'ok', or why the article's gold records all count as misses.")
    counts: dict[str, Counts]
    fields: dict[str, Tally]
    misses: list[Finding] = Field(default_factory=list)
    false_positives: list[Finding] = Field(default_factory=list)
    quotes_checked: int = 0
    fabricated_quotes: list[Finding] = Field(default_factory=list)
    demoted_quotes: int = Field(default=0, description="Quotes the pipeline flagged quote_not_verbatim.")
    quote_recall: Counts = Field(default_factory=lambda: Counts.of(0, 0, 0), description="Gold verbatim quotes found.")
    quote_speakers: Tally = Field(default_factory=lambda: Tally.of(0, 0), description="Found quotes, right speaker.")


class Scores(_Out):
    gold_dir: str
    pred_dir: str
    totals: dict[str, Counts] = Field(description="Per record type, micro over the corpus, plus 'all'.")
    fields: dict[str, Tally]
    quotes_checked: int
    fabricated_quotes: int
    demoted_quotes: int
    quote_recall: Counts = Field(description="Gold verbatim quotes with a predicted quote of the same words.")
    quote_speakers: Tally = Field(description="Of the found quotes, those with the gold speaker.")
    without_prediction: list[str] = Field(description="Gold articles with no ok prediction row.")
    unscored_predictions: list[str] = Field(description="Predicted articles with no gold file (ignored).")
    articles: list[ArticleScores]


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class GoldArticle:
    article: str
    gold_file: str
    extraction: ArticleExtraction
    text: str


@dataclass(frozen=True)
class PredictedArticle:
    result: ArticleResult
    meetings: tuple[MeetingRecord, ...] = ()
    statements: tuple[StatementRecord, ...] = ()
    positions: tuple[PositionRecord, ...] = ()


# ---------------------------------------------------------------- keys and dates

_POSSESSIVE = re.compile(r"['’‘`´]s\b")
_NON_WORD = re.compile(r"[\W_]+")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def name_key(name: str) -> str:
    """Lower-case, accent-free, punctuation-free, single-spaced: "Ana Núñez’s" → "ana nunez"."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_WORD.sub(" ", _POSSESSIVE.sub("", plain)).split())


def person_key(match: Callable[[str], ActorRef]) -> KeyFn:
    """Key function: the canonical name `match` finds, else the name as written, through `name_key`."""
    cache: dict[str, str] = {}

    def key(name: str) -> str:
        if name not in cache:
            canonical = match(name).canonical_name
            cache[name] = name_key(canonical if canonical is not None else name)
        return cache[name]

    return key


@dataclass(frozen=True)
class _Date:
    precision: Literal["day", "month", "year"]
    day: dt.date
    iso: str


def _parse_date(text: str | None) -> _Date | None:
    found = _ISO.match(text.strip()) if text else None
    if found is None:
        return None
    year, month, day = found.groups()
    try:
        value = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    precision: Literal["day", "month", "year"] = "day" if day else "month" if month else "year"
    return _Date(precision, value, found.group(0))


def _agree(a: _Date, b: _Date, precision: str) -> bool:
    if precision == "day":
        return abs((a.day - b.day).days) <= DATE_TOLERANCE_DAYS
    if precision == "month":
        return (a.day.year, a.day.month) == (b.day.year, b.day.month)
    return a.day.year == b.day.year


def dates_compatible(gold: str | None, pred: str | None) -> bool:
    """For matching: agree at the coarser precision of the two; an unknown date agrees with anything."""
    a, b = _parse_date(gold), _parse_date(pred)
    if a is None or b is None:
        return True
    order = ("year", "month", "day")
    coarser = order[min(order.index(a.precision), order.index(b.precision))]
    return _agree(a, b, coarser)


def _date_correct(gold: str | None, pred: str | None) -> bool:
    """For field accuracy: same precision as gold and agreeing at it; gold unknown needs pred unknown."""
    a, b = _parse_date(gold), _parse_date(pred)
    if a is None or b is None:
        return a is None and b is None
    return a.precision == b.precision and _agree(a, b, a.precision)


def participant_overlap(gold: frozenset[str], pred: frozenset[str]) -> float:
    """|G ∩ P| / max(|G|, |P|); 0 when either is empty."""
    if not gold or not pred:
        return 0.0
    return len(gold & pred) / max(len(gold), len(pred))


# ---------------------------------------------------------------- views: gold and predicted records alike


@dataclass(frozen=True)
class _MeetingView:
    people: frozenset[str]
    date: str | None
    meeting: Meeting
    evidence: str


@dataclass(frozen=True)
class _StatementView:
    speaker: str
    statement: Statement
    evidence: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class _PositionView:
    holder: str
    position: Position
    evidence: str


def _first(items: Sequence[str]) -> str:
    return items[0] if items else ""


def _record_evidence(record: MeetingRecord | StatementRecord | PositionRecord, fallback: Sequence[str]) -> str:
    return record.evidence[0].text if record.evidence else _first(fallback)


def _gold_views(
    extraction: ArticleExtraction, key: KeyFn
) -> tuple[list[_MeetingView], list[_StatementView], list[_PositionView]]:
    meetings = [
        _MeetingView(frozenset(key(p.name) for p in m.participants), m.date, m, _first(m.evidence))
        for m in extraction.meetings
    ]
    statements = [_StatementView(key(s.speaker), s, _first(s.evidence)) for s in extraction.statements]
    positions = [_PositionView(key(p.holder), p, _first(p.evidence)) for p in extraction.positions]
    return meetings, statements, positions


def _pred_views(
    pred: PredictedArticle | None, key: KeyFn
) -> tuple[list[_MeetingView], list[_StatementView], list[_PositionView]]:
    """Views of an article's predicted records; none unless its row is ok."""
    if pred is None or pred.result.status != ArticleStatus.ok:
        return [], [], []
    meetings = [
        _MeetingView(
            frozenset(key(p.name) for p in r.meeting.participants),
            r.date.iso or r.meeting.date,
            r.meeting,
            _record_evidence(r, r.meeting.evidence),
        )
        for r in pred.meetings
    ]
    statements = [
        _StatementView(
            key(r.statement.speaker),
            r.statement,
            _record_evidence(r, r.statement.evidence),
            tuple(f.code for f in r.flags),
        )
        for r in pred.statements
    ]
    positions = [
        _PositionView(key(r.position.holder), r.position, _record_evidence(r, r.position.evidence))
        for r in pred.positions
    ]
    return meetings, statements, positions


# ---------------------------------------------------------------- matching


class _View(Protocol):
    @property
    def evidence(self) -> str: ...


V = TypeVar("V", bound=_View)
G = TypeVar("G")
P = TypeVar("P")


def greedy_match(gold: Sequence[G], pred: Sequence[P], score: Callable[[G, P], Score | None]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs, best score first, ties by position; sorted by gold index."""
    candidates = [(s, i, j) for i, g in enumerate(gold) for j, p in enumerate(pred) if (s := score(g, p)) is not None]
    candidates.sort(key=lambda c: (tuple(-x for x in c[0]), c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _meeting_score(g: _MeetingView, p: _MeetingView) -> Score | None:
    overlap = participant_overlap(g.people, p.people)
    if overlap < PARTICIPANT_OVERLAP or not dates_compatible(g.date, p.date):
        return None
    same = (g.meeting.status == p.meeting.status) + (g.meeting.format == p.meeting.format)
    return (overlap, float(_date_correct(g.date, p.date)), float(same))


def _text_similarity(a: str, b: str) -> float:
    return float(fuzz.token_set_ratio(a, b, processor=utils.default_process))


def _statement_score(g: _StatementView, p: _StatementView) -> Score | None:
    if g.speaker != p.speaker:
        return None
    similarity = _text_similarity(g.statement.text, p.statement.text)
    if similarity < STATEMENT_TEXT_THRESHOLD:
        return None
    return (similarity, float(g.statement.kind == p.statement.kind))


def _position_score(g: _PositionView, p: _PositionView) -> Score | None:
    if g.holder != p.holder or g.position.issue != p.position.issue:
        return None
    summary = _text_similarity(g.position.summary, p.position.summary)
    return (float(g.position.stance == p.position.stance), summary)


# ---------------------------------------------------------------- near misses: why a gold record found no partner


def _meeting_near(g: _MeetingView, p: _MeetingView) -> str | None:
    overlap = participant_overlap(g.people, p.people)
    if overlap >= PARTICIPANT_OVERLAP:
        return f"participants match a prediction but dates disagree (gold {g.date}, predicted {p.date})"
    if overlap > 0:
        return f"shares participants with a prediction ({_meeting_people(p)}) but less than half of them"
    return None


def _statement_near(g: _StatementView, p: _StatementView) -> str | None:
    similarity = _text_similarity(g.statement.text, p.statement.text)
    if g.speaker == p.speaker:
        return f"same speaker, but text similarity {similarity:.0f} < {STATEMENT_TEXT_THRESHOLD:.0f}"
    if similarity >= STATEMENT_TEXT_THRESHOLD:
        return f"text matches a prediction attributed to {p.statement.speaker!r}"
    return None


def _position_near(g: _PositionView, p: _PositionView) -> str | None:
    if g.holder == p.holder:
        return f"same holder, but the prediction's issue is {p.position.issue.value}"
    if g.position.issue == p.position.issue and g.position.stance == p.position.stance:
        return f"same issue and stance, but the prediction's holder is {p.position.holder!r}"
    return None


# ---------------------------------------------------------------- descriptions and fields


def _meeting_people(m: _MeetingView) -> str:
    return " + ".join(p.name for p in m.meeting.participants) or "(no participants)"


def _describe_meeting(m: _MeetingView) -> str:
    return f"{_meeting_people(m)} | {m.date or 'no date'} | {m.meeting.format.value} | {m.meeting.status.value}"


def _describe_statement(s: _StatementView) -> str:
    return f"{s.statement.speaker} ({s.statement.kind.value}): {s.statement.text}"


def _describe_position(p: _PositionView) -> str:
    pos = p.position
    return f"{pos.holder} | {pos.issue.value} | {pos.stance.value}: {pos.summary}"


def _city(meeting: Meeting) -> str | None:
    city = meeting.location.city if meeting.location is not None else None
    return city.strip().casefold() if city and city.strip() else None


def _meeting_fields(g: _MeetingView, p: _MeetingView) -> dict[str, bool | None]:
    gold_city = _city(g.meeting)
    return {
        "date": _date_correct(g.date, p.date),
        "format": g.meeting.format == p.meeting.format,
        "status": g.meeting.status == p.meeting.status,
        "city": None if gold_city is None else gold_city == _city(p.meeting),
    }


def _statement_fields(g: _StatementView, p: _StatementView) -> dict[str, bool | None]:
    return {"kind": g.statement.kind == p.statement.kind}


def _position_fields(g: _PositionView, p: _PositionView) -> dict[str, bool | None]:
    return {"stance": g.position.stance == p.position.stance}


@dataclass(frozen=True)
class _Kind(Generic[V]):
    """How one record type is matched, explained and described."""

    name: RecordType
    fields: tuple[str, ...]
    score: Callable[[V, V], Score | None]
    near: Callable[[V, V], str | None]
    describe: Callable[[V], str]
    compare: Callable[[V, V], dict[str, bool | None]]


_MEETINGS = _Kind[_MeetingView](
    "meeting", ("date", "format", "status", "city"), _meeting_score, _meeting_near, _describe_meeting, _meeting_fields
)
_STATEMENTS = _Kind[_StatementView](
    "statement", ("kind",), _statement_score, _statement_near, _describe_statement, _statement_fields
)
_POSITIONS = _Kind[_PositionView](
    "position", ("stance",), _position_score, _position_near, _describe_position, _position_fields
)
FIELD_NAMES: tuple[str, ...] = tuple(f"{k.name}.{f}" for k in (_MEETINGS, _STATEMENTS, _POSITIONS) for f in k.fields)


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class _KindResult:
    counts: Counts
    fields: dict[str, Tally]
    misses: list[Finding]
    false_positives: list[Finding]


def _finding(article: str, kind: _Kind[V], view: V, note: str | None) -> Finding:
    return Finding(article=article, type=kind.name, description=kind.describe(view), evidence=view.evidence, note=note)


def _miss_note(kind: _Kind[V], gold: V, spare: Iterable[V]) -> str | None:
    return next((note for p in spare if (note := kind.near(gold, p)) is not None), None)


def _fp_note(kind: _Kind[V], pred: V, gold: Sequence[V]) -> str | None:
    if any(kind.score(g, pred) is not None for g in gold):
        return "duplicate: matches a gold record already matched by another prediction"
    return None


def _tally(kind: _Kind[V], pairs: Iterable[tuple[V, V]]) -> dict[str, Tally]:
    tallies = {f"{kind.name}.{name}": Tally.of(0, 0) for name in kind.fields}
    for g, p in pairs:
        for name, correct in kind.compare(g, p).items():
            if correct is not None:
                tallies[f"{kind.name}.{name}"] += Tally.of(int(correct), 1)
    return tallies


def _score_kind(article: str, kind: _Kind[V], gold: Sequence[V], pred: Sequence[V]) -> _KindResult:
    pairs = greedy_match(gold, pred, kind.score)
    gold_done, pred_done = {i for i, _ in pairs}, {j for _, j in pairs}
    spare = [p for j, p in enumerate(pred) if j not in pred_done]
    misses = [_finding(article, kind, g, _miss_note(kind, g, spare)) for i, g in enumerate(gold) if i not in gold_done]
    false_positives = [
        _finding(article, kind, p, _fp_note(kind, p, gold)) for j, p in enumerate(pred) if j not in pred_done
    ]
    fields = _tally(kind, ((gold[i], pred[j]) for i, j in pairs))
    return _KindResult(Counts.of(len(gold), len(pred), len(pairs)), fields, misses, false_positives)


def _quote_check(article: str, statements: Sequence[_StatementView], text: str) -> tuple[int, list[Finding], int]:
    """(predicted quotes checked, the fabricated ones, quotes the pipeline demoted)."""
    quotes = [s for s in statements if s.statement.kind == StatementKind.quote]
    fabricated = [
        _finding(article, _STATEMENTS, s, "not inside quotation marks in the article")
        for s in quotes
        if not verify_quote(s.statement.text, text)
    ]
    demoted = sum("quote_not_verbatim" in s.flags for s in statements)
    return len(quotes), fabricated, demoted


QUOTE_MATCH_THRESHOLD = 90.0


def _same_words(gold: str, pred: str) -> bool:
    return fuzz.ratio(utils.default_process(gold), utils.default_process(pred)) >= QUOTE_MATCH_THRESHOLD


def _quote_recall(gold: Sequence[_StatementView], pred: Sequence[_StatementView]) -> tuple[Counts, Tally]:
    """Verbatim quotes regardless of speaker: recall of the words, then how many carry the gold speaker."""
    gold_quotes = [g for g in gold if g.statement.kind == StatementKind.quote]
    pred_quotes = [p for p in pred if p.statement.kind == StatementKind.quote]
    found = right = 0
    for g in gold_quotes:
        partners = [p for p in pred_quotes if _same_words(g.statement.text, p.statement.text)]
        if partners:
            found += 1
            right += any(p.speaker == g.speaker for p in partners)
    return Counts.of(len(gold_quotes), len(pred_quotes), found), Tally.of(right, found)


def _prediction_status(pred: PredictedArticle | None) -> str:
    if pred is None:
        return "no prediction row in the run"
    if pred.result.status != ArticleStatus.ok:
        detail = f": {pred.result.error}" if pred.result.error else ""
        return f"{pred.result.status.value}{detail}"
    return "ok"


def score_article(gold: GoldArticle, pred: PredictedArticle | None, key: KeyFn) -> ArticleScores:
    """Match one article's predictions against its gold records (no ok prediction: every gold record is a miss)."""
    status = _prediction_status(pred)
    g_meet, g_stat, g_pos = _gold_views(gold.extraction, key)
    p_meet, p_stat, p_pos = _pred_views(pred, key)
    results = {
        "meetings": _score_kind(gold.article, _MEETINGS, g_meet, p_meet),
        "statements": _score_kind(gold.article, _STATEMENTS, g_stat, p_stat),
        "positions": _score_kind(gold.article, _POSITIONS, g_pos, p_pos),
    }
    if status != "ok":
        for result in results.values():
            for miss in result.misses:
                miss.note = f"article has no ok prediction ({status})"
    checked, fabricated, demoted = _quote_check(gold.article, p_stat, gold.text)
    quote_recall, quote_speakers = _quote_recall(g_stat, p_stat)
    return ArticleScores(
        article=gold.article,
        gold_file=gold.gold_file,
        prediction=status,
        counts={name: r.counts for name, r in results.items()},
        fields={field: tally for r in results.values() for field, tally in r.fields.items()},
        misses=[f for r in results.values() for f in r.misses],
        false_positives=[f for r in results.values() for f in r.false_positives],
        quotes_checked=checked,
        fabricated_quotes=fabricated,
        demoted_quotes=demoted,
        quote_recall=quote_recall,
        quote_speakers=quote_speakers,
    )


def aggregate(
    articles: Sequence[ArticleScores], gold_dir: str = "", pred_dir: str = "", unscored: Sequence[str] = ()
) -> Scores:
    """Corpus totals (micro) from per-article scores."""
    totals = {name: sum((a.counts[name] for a in articles), Counts.of(0, 0, 0)) for name in RECORD_TYPES}
    totals["all"] = sum(totals.values(), Counts.of(0, 0, 0))
    fields = {name: sum((a.fields[name] for a in articles if name in a.fields), Tally.of(0, 0)) for name in FIELD_NAMES}
    return Scores(
        gold_dir=gold_dir,
        pred_dir=pred_dir,
        totals=totals,
        fields=fields,
        quotes_checked=sum(a.quotes_checked for a in articles),
        fabricated_quotes=sum(len(a.fabricated_quotes) for a in articles),
        demoted_quotes=sum(a.demoted_quotes for a in articles),
        quote_recall=sum((a.quote_recall for a in articles), Counts.of(0, 0, 0)),
        quote_speakers=sum((a.quote_speakers for a in articles), Tally.of(0, 0)),
        without_prediction=[a.article for a in articles if a.prediction != "ok"],
        unscored_predictions=sorted(unscored),
        articles=list(articles),
    )


# ---------------------------------------------------------------- loading (the only I/O)


class _GoldFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article: str = Field(min_length=1)
    notes: str = ""
    extraction: ArticleExtraction


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _validation_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]).lstrip(".")
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where or 'top level'}: {_one_line(error['msg'])}{more}"


def _read_gold_file(path: Path) -> _GoldFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(f"{path}: cannot read the gold file ({_one_line(exc.strerror or exc)})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: not valid JSON ({_one_line(exc)}); fix the file") from exc
    try:
        return _GoldFile.model_validate(raw)
    except ValidationError as exc:
        hint = 'expected {"article": "<file>.txt", "notes": str, "extraction": {...}}'
        raise GoldError(f"{path}: {_validation_problem(exc)}; {hint}") from exc


def _article_body(corpus_dir: Path, article: str, gold_path: Path) -> str:
    """The body a gold file annotates: a `.txt` file's text after its title line, or row N of `name.jsonl:N`."""
    name, _, row = article.rpartition(":")
    from_jsonl = name.endswith(".jsonl") and row.isdigit()
    path = corpus_dir / (name if from_jsonl else article)
    try:
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
        if from_jsonl:
            return str(json.loads(text.splitlines()[int(row) - 1])["text"])
    except (OSError, UnicodeDecodeError, IndexError, KeyError, ValueError) as exc:
        raise GoldError(
            f"{gold_path}: article {article!r} cannot be read from {corpus_dir} ({_one_line(exc)})"
        ) from exc
    return text.replace("\r\n", "\n").partition("\n")[2].strip("\n")


def load_gold(gold_dir: Path, corpus_dir: Path) -> list[GoldArticle]:
    """Every ``*.json`` in `gold_dir`, with the body of the article it annotates."""
    if not corpus_dir.is_dir():
        raise InputError(f"--corpus {corpus_dir}: not a directory; pass the directory of the gold articles")
    paths = sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else []
    if not paths:
        raise GoldError(f"{gold_dir}: no gold *.json files; pass --gold with the gold annotation directory")
    golds: list[GoldArticle] = []
    seen: dict[str, Path] = {}
    for path in paths:
        parsed = _read_gold_file(path)
        name = Path(parsed.article).name
        if name in seen:
            raise GoldError(f"{path}: article {name!r} is already annotated in {seen[name]}; keep one gold file")
        seen[name] = path
        text = _article_body(corpus_dir, parsed.article, path)
        golds.append(GoldArticle(article=name, gold_file=str(path), extraction=parsed.extraction, text=text))
    return golds


@dataclass(frozen=True)
class RunOutput:
    articles: list[ArticleResult]
    meetings: list[MeetingRecord]
    statements: list[StatementRecord]
    positions: list[PositionRecord]


M = TypeVar("M", bound=BaseModel)


def _read_jsonl(path: Path, model: type[M]) -> list[M]:
    rows: list[M] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({_one_line(exc)})") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(model.model_validate_json(line))
        except ValidationError as exc:
            problem = _validation_problem(exc)
            raise InputError(f"{path}:{lineno}: not a {model.__name__} row ({problem}); rerun `extractor run`") from exc
    return rows


def load_run(pred_dir: Path) -> RunOutput:
    """The four JSONL files of a run directory."""
    names = ("articles.jsonl", "meetings.jsonl", "statements.jsonl", "positions.jsonl")
    missing = [name for name in names if not (pred_dir / name).is_file()]
    if missing:
        raise InputError(
            f"--pred {pred_dir}: missing {', '.join(missing)}; pass the --out directory of an `extractor run`"
        )
    return RunOutput(
        articles=_read_jsonl(pred_dir / "articles.jsonl", ArticleResult),
        meetings=_read_jsonl(pred_dir / "meetings.jsonl", MeetingRecord),
        statements=_read_jsonl(pred_dir / "statements.jsonl", StatementRecord),
        positions=_read_jsonl(pred_dir / "positions.jsonl", PositionRecord),
    )


def _results_by_file(results: Iterable[ArticleResult]) -> dict[str, ArticleResult]:
    """Basename of `source` → its row; the first ok row wins, else the first row."""
    chosen: dict[str, ArticleResult] = {}
    for result in results:
        name = Path(result.source).name
        current = chosen.get(name)
        if current is None or (current.status != ArticleStatus.ok and result.status == ArticleStatus.ok):
            chosen[name] = result
    return chosen


def _predicted(run: RunOutput, result: ArticleResult) -> PredictedArticle:
    return PredictedArticle(
        result=result,
        meetings=tuple(r for r in run.meetings if r.article_id == result.id),
        statements=tuple(r for r in run.statements if r.article_id == result.id),
        positions=tuple(r for r in run.positions if r.article_id == result.id),
    )


def evaluate_run(gold_dir: Path, pred_dir: Path, corpus_dir: Path) -> Scores:
    """Load gold, predictions and article texts, and score the run."""
    golds = load_gold(Path(gold_dir), Path(corpus_dir))
    run = load_run(Path(pred_dir))
    key = person_key(load_actors().match)
    by_file = _results_by_file(run.articles)
    scored = []
    for gold in golds:
        result = by_file.get(gold.article)
        scored.append(score_article(gold, _predicted(run, result) if result is not None else None, key))
    unscored = set(by_file) - {gold.article for gold in golds}
    return aggregate(scored, str(gold_dir), str(pred_dir), sorted(unscored))


# ---------------------------------------------------------------- presentation


def scores_json(scores: Scores) -> str:
    """Everything, as indented JSON."""
    return scores.model_dump_json(indent=2)


def _clip(text: str | None, width: int) -> str:
    flat = _one_line(text or "")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _totals_table(scores: Scores) -> Table:
    table = Table(title=f"Precision / recall / F1 ({len(scores.articles)} gold articles, micro)")
    for column in ("type", "gold", "predicted", "matched", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for name, c in scores.totals.items():
        row = (name, str(c.gold), str(c.predicted), str(c.matched), _rate(c.precision), _rate(c.recall), _rate(c.f1))
        table.add_row(*row, style="bold" if name == "all" else None)
    return table


def _article_cell(c: Counts) -> str:
    return f"{_rate(c.f1)} ({c.matched}/{c.gold}/{c.predicted})"


def _articles_table(scores: Scores) -> Table:
    table = Table(title="Per article: F1 (matched/gold/predicted)")
    for column in ("article", "prediction", *RECORD_TYPES):
        table.add_column(column)
    for a in scores.articles:
        style = None if a.prediction == "ok" else "yellow"
        cells = (a.article, _clip(a.prediction, 40), *(_article_cell(a.counts[name]) for name in RECORD_TYPES))
        table.add_row(*(Text(cell) for cell in cells), style=style)
    return table


def _fields_table(scores: Scores) -> Table:
    table = Table(title="Field accuracy on matched pairs")
    for column in ("field", "correct", "total", "accuracy"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, t in scores.fields.items():
        table.add_row(name, str(t.correct), str(t.total), _rate(t.accuracy))
    return table


def _quotes_line(scores: Scores) -> Text:
    share = f" ({scores.fabricated_quotes / scores.quotes_checked:.0%})" if scores.quotes_checked else ""
    line = (
        f"Fabricated verbatim quotes: {scores.fabricated_quotes} of {scores.quotes_checked} predicted quotes{share} "
        f"are not inside quotation marks in the article; {scores.demoted_quotes} more were demoted to paraphrase "
        "by the pipeline (quote_not_verbatim)."
    )
    recall, speakers = scores.quote_recall, scores.quote_speakers
    line += (
        f"\nVerbatim quotes found: {recall.matched} of {recall.gold} gold quotes (recall {_rate(recall.recall)}); "
        f"right speaker on {speakers.correct} of {speakers.total} ({_rate(speakers.accuracy)})."
    )
    return Text(line, style="red" if scores.fabricated_quotes else "green")


def _findings_table(title: str, findings: Sequence[Finding]) -> RenderableType:
    if not findings:
        return Text(f"{title}: none.", style="green")
    table = Table(title=f"{title} ({len(findings)})", show_lines=True)
    for column, width in (("article", 24), ("type", 9), ("record", 60), ("evidence", 60), ("note", 40)):
        table.add_column(column, max_width=width, overflow="fold")
    for f in findings:
        cells = (f.article, f.type, _clip(f.description, 120), _clip(f.evidence, 120), _clip(f.note, 80))
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _notes(scores: Scores) -> list[Text]:
    lines = [
        Text(f"No ok prediction for {a.article} ({a.prediction}): its {sum(c.gold for c in a.counts.values())} gold "
             "records all count as misses.", style="yellow")
        for a in scores.articles
        if a.prediction != "ok"
    ]  # fmt: skip
    if scores.unscored_predictions:
        names = ", ".join(scores.unscored_predictions)
        lines.append(Text(f"Predicted articles without a gold file (not scored): {names}", style="dim"))
    return lines


def format_scores(scores: Scores) -> list[RenderableType]:
    """Rich renderables to print in order: totals, per-article, fields, quotes, notes, misses, false positives."""
    misses = [f for a in scores.articles for f in a.misses]
    false_positives = [f for a in scores.articles for f in a.false_positives]
    fabricated = [f for a in scores.articles for f in a.fabricated_quotes]
    renderables: list[RenderableType] = [
        _totals_table(scores),
        _articles_table(scores),
        _fields_table(scores),
        _quotes_line(scores),
        *_notes(scores),
        _findings_table("Misses: gold records not matched", misses),
        _findings_table("False positives: predictions not matched", false_positives),
    ]
    if fabricated:
        renderables.append(_findings_table("Fabricated verbatim quotes", fabricated))
    return renderables
