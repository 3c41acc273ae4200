"""Grounding: tie what the model wrote back to the article text.

Everything here is deterministic and works on Python ``str`` indices (code
points), so offsets are correct for curly quotes, em dashes, Chinese
characters and astral-plane characters alike: ``text[span.start:span.end]``
is always the matched passage of the *original* article text.

Evidence alignment tries, in order:

1. ``exact``: the evidence (surrounding whitespace stripped) is a substring.
2. ``normalised``: both sides normalised (whitespace runs -> one space,
   curly/low quotes -> straight, en/em/figure dashes and minus -> ``-``,
   ``…`` -> ``...``, zero-width characters and soft hyphens dropped); the
   match is mapped back to offsets in the original text.
3. ``fuzzy``: normalised and lower-cased, best window found with
   ``rapidfuzz.fuzz.partial_ratio_alignment``; accepted when the score is at
   least :data:`FUZZY_THRESHOLD` and the evidence is at least
   :data:`FUZZY_MIN_CHARS` long. The window's edges are then refined to
   maximise ``fuzz.ratio`` and widened to whole words, so the span covers
   the passage, not a fixed-width slice. ``score`` is the partial_ratio.
4. ``not_found``: no offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from extractor.countries import default_countries
from extractor.datafiles import load_yaml_model
from schemas.extraction import Statement, StatementKind
from schemas.records import Alignment, EvidenceSpan, Flag, FlagCode

FUZZY_THRESHOLD = 90.0
"""Minimum rapidfuzz partial_ratio (0-100) for a fuzzy alignment. At 90 a
sentence with a typo or a dropped hyphen aligns; a paraphrase does not."""

FUZZY_MIN_CHARS = 12
"""Shorter evidence is never aligned fuzzily: short strings match anywhere."""

_REFINE_CHARS = 8
"""How far (normalised characters) each edge of a fuzzy window may move."""

_CHAR_MAP: dict[str, str] = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',  # “ ” „ ‟
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",  # ‘ ’ ‚ ‛
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",  # ‐ ‑ ‒ –
    "\u2014": "-", "\u2015": "-", "\u2212": "-",  # — ― −
    "\u2026": "...",  # …
}  # fmt: skip
_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_EDGE_PUNCT = " \"'.,;:!?-"
_ELLIPSIS = re.compile(r"\s*\.{3}\s*")


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text plus, per normalised character, its source span."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty normalised slice [start, end) to original offsets."""
        return self.starts[start], self.ends[end - 1]


def normalise_with_map(text: str) -> NormalisedText:
    """Normalise `text` (see module docstring), remembering where each char came from."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isspace():
            if chars and chars[-1] == " ":
                continue
            ch = " "
        for out in _CHAR_MAP.get(ch, ch):
            chars.append(out)
            starts.append(i)
            ends.append(i + 1)
    return NormalisedText("".join(chars), tuple(starts), tuple(ends))


_TRANSLATION = str.maketrans({**_CHAR_MAP, **dict.fromkeys(_DROP)})
_WHITESPACE = re.compile(r"\s+")  # `\s` on str patterns is exactly `str.isspace`


@lru_cache(maxsize=1024)
def normalise(text: str) -> str:
    """The normalised form of `text` (whitespace, quotes, dashes, ellipses): `normalise_with_map(text).text`.

    Computed in C (translate, then collapse whitespace) and memoised: every statement of an article
    normalises the same article text.
    """
    return _WHITESPACE.sub(" ", text.translate(_TRANSLATION))


def _fold(text: str) -> str:
    """Lower-case without changing the length (so offsets stay valid)."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


# --------------------------------------------------------------------------- evidence


def align_evidence(evidence: str, text: str) -> EvidenceSpan:
    """Locate `evidence` in `text`: exact, then normalised, then fuzzy, else not_found."""
    if not evidence.strip():
        return EvidenceSpan(text=evidence)
    return (
        _align_exact(evidence, text)
        or _align_normalised(evidence, text)
        or _align_fuzzy(evidence, text)
        or EvidenceSpan(text=evidence)
    )


def _align_exact(evidence: str, text: str) -> EvidenceSpan | None:
    needle = evidence.strip()
    pos = text.find(needle)
    if pos < 0:
        return None
    return EvidenceSpan(text=evidence, start=pos, end=pos + len(needle), alignment=Alignment.exact)


@lru_cache(maxsize=8)  # small: a map holds two ints per character of an article
def _mapped(text: str) -> NormalisedText:
    """`normalise_with_map` of an article text, shared by the evidence spans of its records."""
    return normalise_with_map(text)


def _align_normalised(evidence: str, text: str) -> EvidenceSpan | None:
    needle = normalise(evidence).strip()
    norm = _mapped(text)
    pos = norm.text.find(needle) if needle else -1
    if pos < 0:
        return None
    start, end = norm.original_span(pos, pos + len(needle))
    return EvidenceSpan(text=evidence, start=start, end=end, alignment=Alignment.normalised)


def _align_fuzzy(evidence: str, text: str) -> EvidenceSpan | None:
    needle = _fold(normalise(evidence).strip())
    norm = _mapped(text)
    hay = _fold(norm.text)
    if len(needle) < FUZZY_MIN_CHARS or len(needle) > len(hay):
        return None
    hit = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=FUZZY_THRESHOLD)
    if hit is None:
        return None
    lo, hi = _snap_to_words(hay, *_refine(needle, hay, hit.dest_start, hit.dest_end))
    if lo >= hi:
        return None
    start, end = norm.original_span(lo, hi)
    return EvidenceSpan(text=evidence, start=start, end=end, alignment=Alignment.fuzzy, score=round(hit.score, 2))


def _refine(needle: str, hay: str, start: int, end: int) -> tuple[int, int]:
    """Move each edge of the window by up to _REFINE_CHARS to maximise fuzz.ratio."""
    best = (start, end, fuzz.ratio(needle, hay[start:end]))
    for lo in range(max(0, start - _REFINE_CHARS), min(len(hay), start + _REFINE_CHARS) + 1):
        for hi in range(max(lo + 1, end - _REFINE_CHARS), min(len(hay), end + _REFINE_CHARS) + 1):
            score = fuzz.ratio(needle, hay[lo:hi])
            if score > best[2]:
                best = (lo, hi, score)
    return best[0], best[1]


def _snap_to_words(hay: str, lo: int, hi: int) -> tuple[int, int]:
    """Strip spaces at the edges and widen a window that starts or ends mid-word."""
    while lo < hi and hay[lo] == " ":
        lo += 1
    while hi > lo and hay[hi - 1] == " ":
        hi -= 1
    while 0 < lo < hi and hay[lo - 1].isalnum() and hay[lo].isalnum():
        lo -= 1
    while lo < hi < len(hay) and hay[hi - 1].isalnum() and hay[hi].isalnum():
        hi += 1
    return lo, hi


# --------------------------------------------------------------------------- quotes

_CURLY_DOUBLE = re.compile(r"\u201c([^\u201c\u201d\n]*)(?:\u201d|(?=\n)|$)")
"""“…” on one line; an unclosed “ runs to the end of its paragraph (the
convention for quotes that continue into the next paragraph)."""

_CURLY_SINGLE = re.compile(
    r"(?:^|(?<=[\s(\[\u201c\"\u2014-]))"  # opens at start of line or after space / opening punctuation
    r"\u2018(?!\d\ds\b)(?=\S)"  # ‘ not an elision like ‘90s, followed by a non-space
    r"([^\u2018\n]*?\S)\u2019(?!\w)",  # shortest content up to a ’ not followed by a letter
    re.M,
)
"""‘…’ only when clearly a quote: ‘ opens after start/space/opening punctuation
and is not an elision like ‘90s; ’ closes when not followed by a letter, so
apostrophes inside words (There’s) do not end the quote."""


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the text inside quotation marks, marks excluded, sorted.

    Recognised: curly “…”, curly ‘…’ (see _CURLY_SINGLE) and straight "…",
    paired in order within each line (an odd one out is ignored).
    """
    spans = {m.span(1) for m in _CURLY_DOUBLE.finditer(text)}
    spans |= {m.span(1) for m in _CURLY_SINGLE.finditer(text)}
    spans |= set(_straight_spans(text))
    return sorted(s for s in spans if s[1] > s[0])


_STRAIGHT_MARK = re.compile(r"''(?!')|\"")


def _straight_spans(text: str) -> list[tuple[int, int]]:
    """Straight "…" pairs in order within a line; two apostrophes ('') may close one, as some sources print it."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        opened: int | None = None
        for mark in _STRAIGHT_MARK.finditer(line):
            if opened is None and mark.group() == '"':
                opened = offset + mark.end()
            elif opened is not None:
                spans.append((opened, offset + mark.start()))
                opened = None
        offset += len(line)
    return spans


@lru_cache(maxsize=64)
def _quoted_blocks(text: str) -> tuple[str, ...]:
    """Normalised quoted spans, joined with newlines per paragraph (line); memoised per article text."""
    by_line: dict[int, list[str]] = {}
    for start, end in quoted_spans(text):
        line = text.count("\n", 0, start)
        by_line.setdefault(line, []).append(normalise(text[start:end]))
    return tuple("\n".join(parts) for parts in by_line.values())


def _bounded(fragment: str) -> str:
    """Regex for `fragment` that does not start or end inside a word."""
    pattern = re.escape(fragment)
    if re.match(r"\w", fragment):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", fragment):
        pattern += r"(?!\w)"
    return pattern


@lru_cache(maxsize=1024)
def _quote_pattern(quote: str) -> re.Pattern[str] | None:
    """Pattern for a quote whose ellipses stand for omitted words, or None if empty."""
    body = normalise(quote).strip(_EDGE_PUNCT)
    fragments = [f.strip(_EDGE_PUNCT) for f in _ELLIPSIS.split(body)]
    fragments = [f for f in fragments if f]
    if not fragments:
        return None
    return re.compile(".*?".join(_bounded(f) for f in fragments), re.IGNORECASE | re.DOTALL)


def verify_quote(quote: str, text: str) -> bool:
    """True if `quote` stands inside quotation marks in `text`.

    Both sides are normalised and compared case-insensitively; the quote may
    be a contiguous part of a quoted span (not starting or ending mid-word),
    and an ellipsis (``…`` or ``...``) in the quote stands for omitted words,
    whose fragments must then appear in order within quoted spans of one
    paragraph. Edge punctuation and quotation marks around the quote are ignored.
    """
    pattern = _quote_pattern(quote)
    if pattern is None:
        return False
    return any(pattern.search(block) for block in _quoted_blocks(text))


# --------------------------------------------------------------------------- speakers

_DETERMINERS = ("the", "a", "an")


@lru_cache(maxsize=1)
def _leading_words() -> frozenset[str]:
    """Words dropped from the front of a speaker's name: determiners and one-word country terms
    (names, demonyms, seats of government, `extractor.countries`), plain and possessive."""
    words = {t.casefold() for t in default_countries().all_terms() if " " not in t}
    return frozenset({*_DETERMINERS, *words, *(f"{w}'s" for w in words), *(f"{w}'" for w in words)})


SPEAKERS_PATH = Path(__file__).resolve().parent / "data" / "speakers.yaml"


class _SpeakerWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    generic_words: frozenset[str]
    family_name_first: frozenset[str]


@lru_cache(maxsize=1)
def _speaker_words() -> _SpeakerWords:
    """What a speaker's last word may be without naming anyone, and the family names written first."""
    return load_yaml_model(SPEAKERS_PATH, _SpeakerWords, "the speaker words")


def _name_variants(speaker: str) -> tuple[list[str], list[str]]:
    """(name phrases, case-insensitive when multi-word; single surname tokens, case-sensitive)."""
    name = normalise(speaker).strip(_EDGE_PUNCT)
    tokens = name.split()
    phrases = [name]
    rest = list(tokens)
    while rest and rest[0].lower() in _leading_words():
        rest.pop(0)
    if rest and len(rest) < len(tokens):
        phrases.append(" ".join(rest))
    singles: list[str] = []
    words = _speaker_words()
    if len(tokens) > 1 and len(tokens[-1]) > 1 and tokens[-1].lower() not in words.generic_words:
        singles.append(tokens[-1])
    if 2 <= len(tokens) <= 3 and tokens[0] in words.family_name_first:  # "Zhang Wei": also by "Zhang"
        singles.append(tokens[0])
    return [p for p in phrases if p], singles


@lru_cache(maxsize=1024)  # an article's statements ask it of the same text, mostly for the same few speakers
def speaker_named(speaker: str, text: str) -> bool:
    """True if the speaker, its surname/last token, or its institution name occurs in `text`.

    Tried: the full name (case-insensitive if it has several words); the name without leading
    determiners/nationality words ("the French Foreign Ministry" -> "Foreign
    Ministry"); the last token unless generic ("official", "ministry", ...);
    the first token of a 2-3 token name starting with a common Chinese surname.
    Matches never start or end inside a word.
    """
    norm = normalise(text)
    return any(pattern.search(norm) for pattern in _speaker_patterns(speaker))


@lru_cache(maxsize=4096)
def _speaker_patterns(speaker: str) -> tuple[re.Pattern[str], ...]:
    """What `speaker_named` looks for, in order: the name phrases, then the single surname tokens."""
    phrases, singles = _name_variants(speaker)
    found = [re.compile(_bounded(p), re.IGNORECASE if " " in p else 0) for p in phrases]
    return (*found, *(re.compile(_bounded(s)) for s in singles))


def demote_unverified_quote(statement: Statement, text: str) -> tuple[Statement, list[Flag]]:
    """Check a statement against the article; return a (deep) copy and flags. Never mutates.

    A ``quote`` whose text is not verbatim inside quotation marks becomes a
    ``paraphrase`` and gets ``quote_not_verbatim``; a speaker not named in the
    article gets ``speaker_not_in_article``.
    """
    flags: list[Flag] = []
    update: dict[str, object] = {}
    if statement.kind == StatementKind.quote and not verify_quote(statement.text, text):
        update["kind"] = StatementKind.paraphrase
        reason = f"Quoted text {statement.text!r} is not inside quotation marks in the article; kept as paraphrase."
        flags.append(Flag(code=FlagCode.quote_not_verbatim, reason=reason))
    if not speaker_named(statement.speaker, text):
        reason = f"Speaker {statement.speaker!r} is not named in the article."
        flags.append(Flag(code=FlagCode.speaker_not_in_article, reason=reason))
    return statement.model_copy(update=update, deep=True), flags
