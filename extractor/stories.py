"""Split noisy scraped pages into stories; check relevance, language and headlines.

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
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from extractor.cues import CueBook, default_cues
from schemas.records import Flag, FlagCode

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


def _blob(story: Story) -> str:
    return f"{story.title}\n{story.text}".replace("\u2019", "'")


# A run of capitalised words: "Foreign Ministry", "Jane Doe", "UN Security Council".
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'.-]*(?:[ \t]+[A-Z][\w'.-]*)*")


def _name_runs(words: list[str]) -> list[list[str]]:
    """Split a capitalised run where a sentence ends ("Beijing. Officials"); short abbreviations
    ("U.S.", "Mr.", "Gen.") do not end one."""
    runs: list[list[str]] = [[]]
    for word in words:
        ends_sentence = word.endswith(".") and len(word.strip(".")) > 3 and "." not in word.strip(".")
        runs[-1].append(word.rstrip(".") if ends_sentence else word)
        if ends_sentence:
            runs.append([])
    return runs


def name_mentions(text: str, cues: CueBook | None = None) -> set[str]:
    """Distinct name-like mentions: runs of two or more capitalised words, leading openers
    ("The", "According", see ``story.name_openers`` in the cue file) dropped."""
    openers = (cues or default_cues()).name_openers
    found: set[str] = set()
    for match in _CAPITALISED_RUN.finditer(text):
        for words in _name_runs(match.group(0).split()):
            while words and words[0].rstrip(".") in openers:
                words.pop(0)
            if len(words) >= 2:
                found.add(" ".join(words))
    return found


def is_diplomatic(story: Story, cues: CueBook | None = None) -> bool:
    """The general relevance signal: worth a model call, whoever the parties are.

    True when the story (title and text) has a contact or a speech cue and either at
    least ``story.min_names`` distinct name-like mentions (`name_mentions`) or an
    office title; the vocabularies are the ``story`` lists of ``extractor/data/cues.yaml``.
    A run may narrow this further with a scope (`extractor.scope`).
    """
    cues = cues or default_cues()
    blob = _blob(story)
    if not (cues.contact.search(blob) or cues.speech.search(blob)):
        return False
    return bool(cues.office_title.search(blob)) or len(name_mentions(blob, cues)) >= cues.data.story.min_names


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The Unicode script of a letter, from its character name ("LATIN", "CJK", "CYRILLIC", ...)."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def non_english_reason(story: Story, cues: CueBook | None = None) -> str | None:
    """Why the story is not (mostly Latin-script) English, or None if it is or is too short to judge.

    Judged on the letters of title and text (``language`` in ``extractor/data/cues.yaml``):
    at least ``min_latin_share`` of them Latin script, and at least
    ``min_english_share`` of the Latin words common English function words.
    """
    cues = cues or default_cues()
    settings = cues.data.language
    blob = _blob(story)
    # Counted per distinct character (in order of first occurrence, so ties between scripts break as before).
    letter_counts = {ch: n for ch, n in Counter(blob).items() if ch.isalpha()}
    letters = sum(letter_counts.values())
    if letters < settings.min_letters:
        return None
    scripts: dict[str, int] = {}
    for ch, n in letter_counts.items():
        script = _script(ch)
        scripts[script] = scripts.get(script, 0) + n
    latin = scripts.get("LATIN", 0) / letters
    if latin < settings.min_latin_share:
        main = max(scripts.items(), key=lambda item: item[1])[0]
        label = main if len(main) <= 3 else main.title()
        return f"mostly {label} script ({scripts[main] / letters:.0%} of letters; Latin {latin:.0%})"
    words = re.findall(r"[^\W\d_]+", blob)
    english = sum(1 for w in words if w.casefold() in cues.english_function_words) / len(words) if words else 0.0
    if english < settings.min_english_share:
        return f"Latin script but not English ({english:.0%} of words are common English function words)"
    return None


def is_relevant(story: Story) -> bool:
    """English and diplomatic: a story every run extracts, before any scope narrows the run."""
    return non_english_reason(story) is None and is_diplomatic(story)


# --------------------------------------------------------------------------- headlines


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


@lru_cache(maxsize=64)
def _words(text: str) -> frozenset[str]:
    """The runs of word characters in `text`, found once per text."""
    return frozenset(_WORD_RUN.findall(text))


@lru_cache(maxsize=4096)
def _word_runs(phrase: str) -> frozenset[str]:
    return frozenset(_WORD_RUN.findall(phrase))


_WORD_RUN = re.compile(r"\w+")


def _mentions(phrases: Iterable[str], text: str) -> int:
    phrases = tuple(phrases)
    # A whole-word match of a phrase with a capital (matched as written) makes each of its word runs a word
    # run of the text: when no phrase passes that test, there is nothing to count, and no regex runs
    # (most listed people are not in a given article).
    words = _words(text)
    if not any(p.islower() or _word_runs(p) <= words for p in phrases):
        return 0
    return len(_phrases_regex(phrases).findall(text))


def _person_tokens(person: str) -> tuple[str, ...]:
    """The name and its first and last tokens (surname-first or surname-last)."""
    tokens = person.split()
    return tuple(dict.fromkeys([person, tokens[0], tokens[-1]])) if tokens else ()


def headline_mismatch(title: str, text: str, people: list[str]) -> Flag | None:
    """Flag ``headline_body_mismatch`` when the headline names a listed person the
    body never mentions while the body mentions another listed person the
    headline does not (the body is about someone else).

    A person counts as mentioned if the full name, its first token or its last
    token occurs as a whole word, case-sensitively ("Jane Doe" <- "Doe",
    "Li Ming" <- "Li"). The reason names the most-mentioned other person.
    """
    named = [p for p in people if p.strip()]
    in_title = {p: _mentions(_person_tokens(p), title) for p in named}
    in_text = {p: _mentions(_person_tokens(p), text) for p in named}
    missing = [p for p in named if in_title[p] and not in_text[p]]
    others = [p for p in named if not in_title[p] and in_text[p]]
    if not missing or not others:
        return None
    subject = max(others, key=lambda p: in_text[p])
    reason = (
        f"The headline names {', '.join(missing)}, who does not appear in the body; "
        f"the body is about {subject} ({in_text[subject]} mentions)."
    )
    return Flag(code=FlagCode.headline_body_mismatch, reason=reason)
