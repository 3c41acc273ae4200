"""Deterministic pre-annotation of one story: sentences, quotations, actors.

Pure functions over the story text. Every span is an offset into the text
it was computed on, so a record built from a sentence or quotation number
points at the exact characters without any copying by the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extractor.annotate.vocabulary import Vocabulary, default_vocabulary
from extractor.countries import default_countries
from extractor.ground import quoted_spans


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quotation:
    number: int
    span: Span
    sentence: int  # number of the sentence the quotation opens in

    @property
    def words(self) -> int:
        return len(self.span.text.split())


@dataclass
class Actor:
    """A person, institution or country named in the story, under its fullest form."""

    name: str
    kind: str  # person | institution | country
    title: str | None = None
    country: str | None = None
    forms: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Annotated:
    text: str
    sentences: list[Span]
    quotations: list[Quotation]
    actors: list[Actor]
    memo: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    """Values derived from this story by the attribution rules, computed once (`extractor.annotate.attribute`)."""

    def sentence_text(self, number: int) -> str:
        return self.sentences[number - 1].text

    def sentences_in(self, start: int, end: int) -> list[int]:
        """Numbers of the sentences that overlap [start, end)."""
        return [i for i, s in enumerate(self.sentences, start=1) if s.start < end and start < s.end]

    @property
    def people(self) -> list[Actor]:
        return [a for a in self.actors if a.kind == "person"]


# --------------------------------------------------------------------------- sentences

_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


def split_sentences(text: str, vocabulary: Vocabulary | None = None) -> list[Span]:
    """Sentences with offsets: paragraphs are lines; inside one, a stop followed by a capital ends a sentence."""
    vocab = vocabulary or default_vocabulary()
    spans: list[Span] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        spans.extend(_line_sentences(line, offset, vocab))
        offset += len(line)
    return spans


def _line_sentences(line: str, offset: int, vocab: Vocabulary) -> list[Span]:
    out: list[Span] = []
    begin = 0
    for match in _BOUNDARY.finditer(line):
        word = re.search(r"([\w.]+)\.*$", line[begin : match.start() + 1])
        token = word.group(1).rstrip(".") if word else ""
        if match.group().startswith(".") and (token in vocab.abbreviations or re.fullmatch(r"[A-Z]", token)):
            continue
        out.append(_trimmed(line, begin, match.end(), offset))
        begin = match.end()
    out.append(_trimmed(line, begin, len(line), offset))
    return [s for s in out if s.text]


def _trimmed(line: str, start: int, end: int, offset: int) -> Span:
    piece = line[start:end]
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    return Span(offset + start + lead, offset + start + lead + len(body), body)


# --------------------------------------------------------------------------- quotations


def find_quotations(text: str, sentences: list[Span]) -> list[Quotation]:
    """Every quotation by its marks (straight and curly), nested ones inside an outer quote left out."""
    spans = quoted_spans(text)
    outer = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    quotations: list[Quotation] = []
    for start, end in outer:
        body = text[start:end]
        if not body.strip():
            continue
        sentence = next((i for i, s in enumerate(sentences, start=1) if s.start <= start < s.end + 2), 0)
        quotations.append(Quotation(len(quotations) + 1, Span(start, end, body), sentence))
    return quotations


# --------------------------------------------------------------------------- actors

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_LOW = "a-zß-öø-ÿāăąćčďđēėęěğīįıķĺļľłńņňōőœŕřśşšţťūůűųźżž"
_WORD = rf"[{_UP}][{_LOW}]+(?:['’-][{_UP}{_LOW}][{_LOW}]+)*"
_CAP = rf"(?:(?:al|el)-[{_UP}][{_LOW}]+|{_WORD}|[{_UP}]\.|[{_UP}]{{2,}}(?![{_LOW}]))"
_JOIN = r"(?:\s+(?:bin|bint|ibn|al|el|de|da|del|der|van|von|la|le|di|dos)\b)?"
_RUN = re.compile(rf"(?<![\w.]){_CAP}(?:{_JOIN}\s+{_CAP})*")
_ACRONYM = re.compile(r"(?<![\w.])(?<![A-Z] )[A-Z]{2,5}(?![\w.]| [A-Z]{2})")


def find_actors(text: str, vocabulary: Vocabulary | None = None) -> list[Actor]:
    """People (with the title and country written before them), institutions and countries, in order of mention."""
    vocab = vocabulary or default_vocabulary()
    actors: dict[str, Actor] = {}
    surnames: dict[str, str] = {}
    common = _lowercase_words(text)
    initial = _only_sentence_initial(text)
    for match in _RUN.finditer(text):
        run = _strip_common(match.group(), common)
        if not run:
            continue
        for actor in _classify(run, _words_before(text, match.start()), vocab):
            _register(actors, surnames, actor)
    for match in _ACRONYM.finditer(text):
        token = match.group()
        if token in surnames or token in actors or token in vocab.not_name_words:
            continue
        is_country = country_name(token) is not None
        kind = "country" if is_country else "institution"
        _register(actors, surnames, Actor(token, kind, country=token if is_country else None))
    return _fold_sentence_starts(actors, initial)


def _fold_sentence_starts(actors: dict[str, Actor], initial: frozenset[str]) -> list[Actor]:
    """"Perhaps Halvorsen", seen only at the start of a sentence, is Ingrid Halvorsen written with a capital word."""

    def capital_word_first(actor: Actor) -> bool:
        return actor.kind == "person" and len(actor.name.split()) > 1 and actor.name.split()[0].lower() in initial

    owners = {a.name.split()[-1]: a for a in actors.values() if a.kind == "person" and not capital_word_first(a)}
    kept: list[Actor] = []
    for actor in actors.values():
        owner = owners.get(actor.name.split()[-1]) if capital_word_first(actor) else None
        if owner is not None:
            owner.forms.add(actor.name)
            continue
        kept.append(actor)
    return kept


def _lowercase_words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"(?<![\w-])[a-z]+(?![\w-])", text))


def _only_sentence_initial(text: str) -> frozenset[str]:
    """Lower-cased capitalised words that never occur capitalised except at the start of a sentence or line."""
    initial: set[str] = set()
    inner: set[str] = set()
    for match in re.finditer(r"(?<![\w'’-])[A-Z][a-z]+", text):
        before = text[max(0, match.start() - 3) : match.start()]
        at_start = match.start() == 0 or bool(re.search(r"(?:[.!?\n][\"“”’)]?\s*|^\s*[\"“])$", before))
        (initial if at_start else inner).add(match.group())
    return frozenset(w.lower() for w in initial - inner)


def _strip_common(run: str, common: frozenset[str]) -> str:
    """Drop leading words that the story also writes in lower case ("Perhaps", "Traditional") and a leading "The"."""
    tokens = run.split()
    if len(tokens) > 1 and country_name(" ".join(tokens[:2])):
        return run  # "New Zealand Prime Minister …": the first word belongs to the country's name
    while tokens and ((tokens[0].lower() in common and tokens[0] not in {"de", "al"}) or tokens[0] == "The"):
        tokens.pop(0)
    return " ".join(tokens)


def _register(actors: dict[str, Actor], surnames: dict[str, str], actor: Actor) -> None:
    if actor.kind != "person":
        actors.setdefault(actor.name, actor)
        return
    tokens = actor.name.split()
    if len(tokens) == 1 and tokens[0] in surnames:
        known = actors[surnames[tokens[0]]]
        known.title = known.title or actor.title
        known.forms.add(actor.name)
        return
    existing = actors.get(actor.name)
    if existing is not None:
        existing.title = existing.title or actor.title
        existing.country = existing.country or actor.country
        return
    if len(tokens) > 1 and tokens[-1] in actors and actors[tokens[-1]].kind == "person":
        # "Halvorsen" was seen before "Ingrid Halvorsen": fold the short form into the full one.
        short = actors.pop(tokens[-1])
        actor.title, actor.country = actor.title or short.title, actor.country or short.country
        actor.forms.add(short.name)
    actors[actor.name] = actor
    if len(tokens) > 1:
        surnames.setdefault(tokens[-1], actor.name)


def _classify(run: str, before: str, vocab: Vocabulary) -> list[Actor]:
    tokens = run.split()
    if any(t in vocab.institution_words for t in tokens):
        return [Actor(run, "institution")]
    if country_name(run) is not None:
        return [] if default_countries().is_demonym(run) else [Actor(run, "country", country=run)]
    offices = [i for i, t in enumerate(tokens[:-1]) if t in vocab.office_words]
    head, tokens = (tokens[: offices[-1] + 1], tokens[offices[-1] + 1 :]) if offices else ([], tokens)
    found = _title_before(before, vocab) if not head else ""
    country = next((c for t in head if (c := _demonym(t))), None) or _demonym_before(before)
    title = " ".join(t for t in head if t in vocab.office_words and not _demonym(t)) or found or None
    if not tokens or any(t in vocab.not_name_words or (t.isupper() and len(t) > 1) for t in tokens):
        return []
    if tokens[-1] in vocab.office_words or any(_country_word(t) for t in tokens):
        return []  # "Marine Corps Gen", "Free Norway", "Chilean Studies": a title, party or institute, not a person
    if len(tokens) == 1 and not title:
        return []  # a lone capitalised word is a person only with a title ("President Aravena")
    if _PLACE_BEFORE.search(before) or len([t for t in tokens if t[:1].isupper()]) > MAX_NAME_WORDS:
        return []  # "in San Remo", "at the Grand Harbour Conference Centre": a place or an event, not a person
    return [Actor(" ".join(tokens), "person", title=title, country=country)]


MAX_NAME_WORDS = 4
_BEFORE_CHARS = 240  # enough for the last few words before a name, which is all `_classify` reads
_BEFORE_WORDS = 6


def _words_before(text: str, end: int) -> str:
    """The text before `end`, cut to its last words: `_classify` reads at most the last four words and a
    preposition, and slicing (then splitting) the whole text before every capitalised run was quadratic in
    the article's length. Falls back to the whole prefix when the window holds too few words to be sure
    its last ones are whole."""
    start = max(0, end - _BEFORE_CHARS)
    window = text[start:end]
    if start and len(window.split()) < _BEFORE_WORDS:
        return text[:end]
    return window
_PLACE_BEFORE = re.compile(r"(?<![\w-])(?:in|at|near|across|outside|inside)\s+(?:the\s+)?$")


def _title_before(before: str, vocab: Vocabulary) -> str:
    """An office written just before a name in lower case or after a comma ("the foreign minister, X")."""
    words = before.split()[-4:]
    run: list[str] = []
    for w in reversed(words):
        if w.strip(",").capitalize() not in vocab.office_words:
            break
        run.insert(0, w.strip(","))
    return " ".join(run)


def _demonym(token: str) -> str | None:
    """The country a title word names ("Norwegian", "Chile's"), by the country table."""
    code = default_countries().code(re.sub(r"['’]s$", "", token))
    return default_countries().name(code) if code else None


def _demonym_before(before: str) -> str | None:
    words = before.split()[-3:]
    return next((c for w in reversed(words) if (c := _demonym(w))), None)


def _country_word(token: str) -> bool:
    """A country's name or demonym inside a capitalised run; a capital is not one ("Raul Madrid" is a person)."""
    return country_name(token) is not None and not default_countries().is_seat(token)


def country_name(text: str) -> str | None:
    """The country a name, alias, demonym or seat stands for (extractor.countries), or None."""
    code = default_countries().code(text)
    return default_countries().name(code) if code else None


# --------------------------------------------------------------------------- the whole story


def preannotate(text: str, vocabulary: Vocabulary | None = None) -> Annotated:
    vocab = vocabulary or default_vocabulary()
    sentences = split_sentences(text, vocab)
    return Annotated(text, sentences, find_quotations(text, sentences), find_actors(text, vocab))
