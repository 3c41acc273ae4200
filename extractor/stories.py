"""Split noisy scraped pages into stories; check relevance and headlines.

Scraped pages sometimes stitch several unrelated stories after the real
article. Boundaries are found by deterministic rules, never by a model.
A non-blank line (stripped, at most :data:`MAX_HEADLINE_CHARS` long) that
comes after at least one earlier non-blank line starts a new story when

* R1 (repeated headline): the next non-blank line is identical to it, as
  scrapers duplicate the headline of each stitched teaser; or
* R2 (pipe headline): it contains at least :data:`MIN_PIPES` ``" | "``
  separators ("Headline | Person | Topic"), a site's title format.

The headline line and its identical repeats become the new story's title and
are left out of every story's text. Every ``Story.text`` is an exact slice of
the article text: ``text[story.start:story.start + len(story.text)] == story.text``.
An article without such lines comes back as one story equal to the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from schemas.records import Flag

MAX_HEADLINE_CHARS = 300
MIN_PIPES = 2


@dataclass(frozen=True)
class Story:
    index: int
    title: str
    text: str
    start: int
    """Offset of `text` in the article text."""


@dataclass(frozen=True)
class _Line:
    start: int
    next: int  # offset just after the line's newline
    content: str  # stripped


def _nonblank_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        if raw.strip():
            lines.append(_Line(offset, offset + len(raw), raw.strip()))
        offset += len(raw)
    return lines


def _is_headline(lines: list[_Line], i: int) -> bool:
    content = lines[i].content
    if i == 0 or len(content) > MAX_HEADLINE_CHARS:
        return False
    repeated = i + 1 < len(lines) and lines[i + 1].content == content
    return repeated or content.count(" | ") >= MIN_PIPES


def _boundaries(lines: list[_Line]) -> list[tuple[int, int, str]]:
    """(headline start, body start, headline) for each story after the first."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(lines):
        if not _is_headline(lines, i):
            i += 1
            continue
        last = i
        while last + 1 < len(lines) and lines[last + 1].content == lines[i].content:
            last += 1
        found.append((lines[i].start, lines[last].next, lines[i].content))
        i = last + 1
    return found


def split_stories(title: str, text: str) -> list[Story]:
    """Split an article body into stories (see the module docstring for the rules)."""
    bounds = _boundaries(_nonblank_lines(text))
    pieces: list[tuple[str, int, int]] = []
    first_end = bounds[0][0] if bounds else len(text)
    pieces.append((title, 0, first_end))
    for k, (_, body_start, headline) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(text)
        pieces.append((headline, body_start, end))
    kept = [p for p in pieces if text[p[1] : p[2]].strip()]
    return [Story(index=i, title=t, text=text[s:e], start=s) for i, (t, s, e) in enumerate(kept)]


# --------------------------------------------------------------------------- relevance


@dataclass(frozen=True)
class TopicKeywords:
    """Phrase lists for :func:`is_on_topic`.

    A phrase written all in lower case matches case-insensitively; any other
    phrase matches case-sensitively (so "US" does not match "us"). Phrases
    never match inside a longer word.
    """

    chinese_actors: tuple[str, ...]
    us_actors: tuple[str, ...]
    contact: tuple[str, ...]


DEFAULT_TOPIC = TopicKeywords(
    chinese_actors=(
        "Beijing", "PRC", "Chinese government", "Chinese side", "Chinese Foreign", "Chinese President",
        "Chinese Premier", "Chinese Vice", "Chinese Minister", "Chinese Ambassador", "Chinese Defense",
        "Chinese Defence", "Chinese official", "Chinese officials", "Chinese leader", "Chinese leaders",
        "Chinese counterpart", "Chinese delegation", "Chinese embassy", "Chinese Embassy", "Chinese state media",
        "China's Foreign Ministry", "Central Foreign Affairs", "Xi Jinping", "Wang Yi", "Li Qiang", "Qin Gang",
        "Xie Feng", "Dong Jun", "Wei Feng", "Wei Fenghe", "Li Shangfu", "He Lifeng", "Wang Xiaohong",
        "Wang Wentao", "Liu He", "Mao Ning", "Wang Wenbin", "Lin Jian", "Zhao Lijian",
    ),
    us_actors=(
        "United States", "U.S.", "US", "USA", "Washington", "American", "White House", "State Department",
        "Pentagon", "Biden", "Trump", "Harris", "Blinken", "Rubio", "Hegseth", "Austin", "Yellen", "Bessent",
        "Sullivan", "Kerry", "Raimondo", "Burns", "Campbell", "Kritenbrink", "Pigott",
    ),
    contact=(
        "met", "meet", "meets", "meeting", "meetings", "talks", "talked", "call", "called", "phone", "visit",
        "visited", "visits", "summit", "dialogue", "discussion", "discussions", "discussed", "negotiation",
        "negotiations", "consultation", "consultations", "counterpart", "exchange", "exchanges", "envoy",
        "spoke", "said", "told", "statement",
    ),
)  # fmt: skip
"""US-China diplomacy: a Chinese official or government actor (not merely
the country "China"), a US actor and a word of diplomatic contact or speech."""


def _phrase(phrase: str) -> str:
    pattern = re.escape(phrase)
    if phrase.islower():
        pattern = f"(?i:{pattern})"
    return rf"(?<!\w){pattern}(?!\w)"


@lru_cache(maxsize=64)
def _phrases_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    if not phrases:
        return re.compile(r"(?!)")
    return re.compile("|".join(_phrase(p) for p in sorted(phrases, key=len, reverse=True)))


def _mentions(phrases: Iterable[str], text: str) -> int:
    return len(_phrases_regex(tuple(phrases)).findall(text))


def is_on_topic(story: Story, keywords: TopicKeywords = DEFAULT_TOPIC) -> bool:
    """True if the story (title and text) is about US-China diplomatic contact.

    Requires at least one phrase from each group of `keywords`. With the
    defaults a US-India story that mentions China only as a country (Austin's
    visit to India) is off topic: no Chinese official or government acts in it.
    """
    blob = f"{story.title}\n{story.text}".replace("\u2019", "'")
    groups = (keywords.chinese_actors, keywords.us_actors, keywords.contact)
    return all(_mentions(group, blob) for group in groups)


# --------------------------------------------------------------------------- headlines


def _person_tokens(person: str) -> tuple[str, ...]:
    """The name and its first and last tokens (surname-first or surname-last)."""
    tokens = person.split()
    return tuple(dict.fromkeys([person, tokens[0], tokens[-1]])) if tokens else ()


def headline_mismatch(title: str, text: str, people: list[str]) -> Flag | None:
    """Flag ``headline_body_mismatch`` when the headline names a listed person the
    body never mentions while the body mentions another listed person the
    headline does not (the body is about someone else).

    A person counts as mentioned if the full name, its first token or its last
    token occurs as a whole word, case-sensitively ("Xi Jinping" <- "Xi",
    "Antony Blinken" <- "Blinken"). The reason names the most-mentioned
    other person.
    """
    named = [p for p in people if p.strip()]
    missing = [p for p in named if _mentions(_person_tokens(p), title) and not _mentions(_person_tokens(p), text)]
    others = [p for p in named if not _mentions(_person_tokens(p), title) and _mentions(_person_tokens(p), text)]
    if not missing or not others:
        return None
    subject = max(others, key=lambda p: _mentions(_person_tokens(p), text))
    reason = (
        f"The headline names {', '.join(missing)}, who does not appear in the body; "
        f"the body is about {subject} ({_mentions(_person_tokens(subject), text)} mentions)."
    )
    return Flag(code="headline_body_mismatch", reason=reason)
