"""Who said a quotation, by the conventions of news prose: pure.

"…," Smith said. / Smith said: "…" / "…," said the ministry. / "…," he added.
A name (or pronoun) next to a verb of saying, outside the quotation marks,
in the sentence that carries the quotation, is the speaker. A quotation that
fills its own paragraph continues the previous speaker's words. Only
quotations these rules leave open are asked of the model.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from extractor.annotate.preannotate import Actor, Annotated, Quotation
from extractor.annotate.vocabulary import Vocabulary, default_vocabulary

SUBJECT_REACH = 120  # how far the verb may follow a sentence-opening subject ("Smith, a professor at …, said")
NEAR_CHARS = 40  # how far from a verb of saying a name may stand: "Smith, the minister, said" fits
_PRONOUN = re.compile(r"(?<!\w)(?:he|she)(?!\w)", re.I)
_T = TypeVar("_T")


SHORT_SURNAME = 4  # a first token this short may be a surname written first ("Kim", "Park", "Le")


def _forms(actor: Actor) -> set[str]:
    """How the story may refer to an actor: the name, its short forms, the surname, and for two-word names a
    short first word, which is the surname where it is written first."""
    forms = {actor.name, *actor.forms}
    tokens = actor.name.split()
    if actor.kind == "person":
        forms.add(tokens[-1])
        if len(tokens) == 2 and len(tokens[0]) <= SHORT_SURNAME:
            forms.add(tokens[0])
    return forms


def _outside_quotes(story: Annotated, number: int) -> str:
    """The sentence with every quotation blanked out (offsets kept)."""
    span = story.sentences[number - 1]
    chars = list(story.text[span.start : span.end])
    for q in story.quotations:
        lo, hi = max(q.span.start, span.start), min(q.span.end, span.end)
        for i in range(lo - span.start, hi - span.start):
            chars[i] = " "
    return "".join(chars)


def _mentions(text: str, story: Annotated) -> list[tuple[int, Actor]]:
    """(offset, actor) of every mention, longest form first ("Li Wen" over "Li"); a form two actors share
    goes to the one the story names first. Memoised per story and text."""
    key = ("mentions", text)
    if (found := story.memo.get(key)) is None:
        finder = _finder(story)
        found = story.memo[key] = finder.mentions(text) if finder.pattern is not None else _scan_each_form(text, story)
    return list(found)


def _finder(story: Annotated) -> _MentionFinder:
    finder: _MentionFinder | None = story.memo.get("finder")
    if finder is None:
        finder = story.memo["finder"] = _MentionFinder.of(story.actors)
    return finder


def _scan_each_form(text: str, story: Annotated) -> list[tuple[int, Actor]]:
    """The reference method: every match of every form, then the longest leftmost ones that do not overlap."""
    spans: list[tuple[int, int, int, Actor]] = []
    for order, actor in enumerate(story.actors):
        for form in _forms(actor):
            pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
            spans.extend((m.start(), m.end(), order, actor) for m in re.finditer(pattern, text))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))
    found: list[tuple[int, Actor]] = []
    covered = -1
    for start, end, _, actor in spans:
        if start >= covered:
            found.append((start, actor))
            covered = end
    return found


@dataclass(frozen=True)
class _MentionFinder:
    """All forms of all actors in one pattern that, at every offset, finds the longest form starting there.

    The same result as `_scan_each_form` (a form two actors share belongs to the first-named), in one scan.
    Forms that can overlap themselves ("Li Li") would make the two differ, so a story with one has no
    pattern and is scanned form by form.
    """

    pattern: re.Pattern[str] | None
    owners: dict[str, Actor]

    @classmethod
    def of(cls, actors: list[Actor]) -> _MentionFinder:
        owners: dict[str, Actor] = {}
        for actor in actors:
            for form in _forms(actor):
                owners.setdefault(form, actor)
        if not owners or any(_overlaps_itself(form) for form in owners):
            return cls(None, owners)
        alternatives = "|".join(re.escape(f) for f in sorted(owners, key=len, reverse=True))
        return cls(re.compile(rf"(?<!\w)(?=({alternatives})(?!\w))"), owners)

    @cached_property
    def longest(self) -> int:
        return max(map(len, self.owners), default=0)

    def mentions(self, text: str) -> list[tuple[int, Actor]]:
        return [(start, actor) for start, _, actor in self.scan(text)]

    def scan(self, text: str, pos: int = 0, endpos: int | None = None, covered: int = -1) -> list[_Mention]:
        """(start, end, actor) of the mentions in `text[pos:endpos]` read as if the text ended at `endpos`,
        skipping those that start before `covered` (the end of an earlier mention)."""
        assert self.pattern is not None
        found: list[_Mention] = []
        for match in self.pattern.finditer(text, pos, len(text) if endpos is None else endpos):
            start = match.start()
            if start >= covered:
                form = match.group(1)
                covered = start + len(form)
                found.append((start, covered, self.owners[form]))
        return found


_Mention = tuple[int, int, Actor]


def _overlaps_itself(form: str) -> bool:
    """True if two whole-word occurrences of `form` can overlap ("Li Li" in "Li Li Li"), or it is empty: a
    proper prefix equals a suffix and both occurrences start and end next to a non-word character."""
    n = len(form)
    return not form or any(
        form[k:] == form[: n - k] and not _WORD_CHAR.match(form[k - 1]) and not _WORD_CHAR.match(form[n - k])
        for k in range(1, n)
    )


_WORD_CHAR = re.compile(r"\w")


def named_in(story: Annotated, number: int) -> list[str]:
    """The people sentence `number` names (by full name, surname or a short form), in order of mention."""
    found = sorted((p, a.name) for p, a in _mentions(story.sentence_text(number), story) if a.kind == "person")
    return list(dict.fromkeys(name for _, name in found))


def _lastperson_before(story: Annotated, offset: int) -> Actor | None:
    """The person named last in `story.text[:offset]`, as a scan of that prefix would find them.

    A match at a position more than the longest form before `offset` reads only characters before it, so
    there the prefix has the mentions of the whole text (scanned once per story); only the last stretch is
    scanned again, as if the text ended at `offset`."""
    finder = _finder(story)
    if finder.pattern is None:
        return _last_person(_scan_each_form(story.text[:offset], story))
    whole, last_person = _whole_text_mentions(story, finder)
    safe = max(0, offset - finder.longest)
    kept = bisect.bisect_left(whole, safe, key=lambda mention: mention[0])
    tail = finder.scan(story.text, safe, offset, whole[kept - 1][1] if kept else -1)
    return _last_person([(start, actor) for start, _, actor in tail]) or last_person[kept]


def _whole_text_mentions(story: Annotated, finder: _MentionFinder) -> tuple[list[_Mention], list[Actor | None]]:
    """The mentions of the whole text, and for each k the person named last among the first k of them."""
    if (found := story.memo.get("whole_text")) is None:
        whole = finder.scan(story.text)
        last_person: list[Actor | None] = [None]
        for _, _, actor in whole:
            last_person.append(actor if actor.kind == "person" else last_person[-1])
        found = story.memo["whole_text"] = (whole, last_person)
    return found


def _last_person(mentions: list[tuple[int, Actor]]) -> Actor | None:
    return next((actor for _, actor in reversed(mentions) if actor.kind == "person"), None)


_TAIL_GAP = re.compile(r"^[\s,.;:!?\"“”‘’'—–-]*")


def _adjacent_after(story: Annotated, quotation: Quotation, vocab: Vocabulary) -> str | None:
    """'"…," Smith, a minister, said' / '"…," said Smith' / '"…," he added': the words right after the marks."""
    sentence = story.sentences[story.sentences_in(quotation.span.end - 1, quotation.span.end)[-1] - 1]
    tail = story.text[quotation.span.end : sentence.end]
    gap = _TAIL_GAP.match(tail)
    rest = tail[gap.end() if gap else 0 :]
    verb = vocab.speech.search(rest)
    if verb is None or not rest:
        return None
    if _PRONOUN.match(rest) and verb.start() <= NEAR_CHARS:
        return "he/she"
    first = min(_mentions(rest, story), key=lambda m: m[0], default=None)
    if first is not None and (first[0] == 0 or (verb.start() == 0 and first[0] <= NEAR_CHARS)):
        return first[1].name
    return None


def speaker_by_rule(
    story: Annotated, quotation: Quotation, previous: str | None = None, vocab: Vocabulary | None = None
) -> str | None:
    vocab = vocab or default_vocabulary()
    adjacent = _adjacent_after(story, quotation, vocab)
    if adjacent == "he/she":
        return previous or person_before(story, quotation.span.start)
    if adjacent is not None:
        return adjacent
    numbers = story.sentences_in(quotation.span.start, quotation.span.end) or [quotation.sentence]
    return next((name for n in numbers if (name := sentence_speaker(story, n, vocab, previous))), None)


def person_before(story: Annotated, offset: int) -> str | None:
    person = _lastperson_before(story, offset)
    return person.name if person else None


def sentence_speaker(
    story: Annotated, number: int, vocab: Vocabulary | None = None, previous: str | None = None
) -> str | None:
    """The actor named (or meant by he/she) next to a verb of saying in sentence `number`, outside its quotes.

    A name before its verb wins over one after it ("Smith told Jones"), a person over a place or institution,
    then the nearest; "he said" is the previous speaker, else the last person named.
    """
    vocab = vocab or default_vocabulary()
    return _memoised(
        story, ("speaker", number, previous), vocab, lambda: _sentence_speaker(story, number, vocab, previous)
    )


def _memoised(story: Annotated, key: tuple[Any, ...], vocab: Vocabulary, compute: Callable[[], _T]) -> _T:
    """`compute()`, once per story and key, when the rules use the default vocabulary (the story's memo)."""
    if vocab is not default_vocabulary():
        return compute()
    if key not in story.memo:
        story.memo[key] = compute()
    value: _T = story.memo[key]
    return value


def _sentence_speaker(story: Annotated, number: int, vocab: Vocabulary, previous: str | None) -> str | None:
    text, verbs = _memoised(story, ("verbs", number), vocab, lambda: _speech_verbs(story, number, vocab))
    if not verbs:
        return None
    mentions = [(p, a.name, a.kind == "person") for p, a in _mentions(text, story)]
    pronouns = [m.start() for m in _PRONOUN.finditer(text)]
    he = (previous or person_before(story, story.sentences[number - 1].start)) if pronouns else None
    mentions += [(p, he, True) for p in pronouns if he is not None]
    best: tuple[bool, bool, int, str] | None = None
    for position, name, person in mentions:
        opens = _opens(text, position)
        for verb in verbs:
            distance = 0 if opens and position < verb <= position + SUBJECT_REACH else abs(position - verb)
            if distance <= NEAR_CHARS:
                candidate = (position > verb, not person, distance, name)
                best = candidate if best is None or candidate < best else best
    return best[3] if best else None


def _speech_verbs(story: Annotated, number: int, vocab: Vocabulary) -> tuple[str, list[int]]:
    """The sentence with its quotations blanked, and where its verbs of saying start."""
    text = _outside_quotes(story, number)
    return text, [m.start() for m in vocab.speech.finditer(text)]


def _opens(text: str, mention: int) -> bool:
    """True for the subject that opens the sentence ("Smith, a professor at a university far away, said"): its
    distance to the verb counts as 0 up to SUBJECT_REACH, since an appositive may be long."""
    return not text[:mention].strip(" \"“”‘’'—–-")


_OPENING_PRONOUN = re.compile(r"^\W*(?:he|she)\b", re.I)


def opens_with_pronoun(sentence: str) -> bool:
    return bool(_OPENING_PRONOUN.match(sentence))


def continues_previous(story: Annotated, quotation: Quotation) -> bool:
    """True if the quotation opens its paragraph: news prose gives it to the previous speaker."""
    line_start = story.text.rfind("\n", 0, quotation.span.start) + 1
    return not story.text[line_start : quotation.span.start].strip(" \"“‘'")


def attribute_by_rule(story: Annotated, vocab: Vocabulary | None = None) -> dict[int, str]:
    """Quotation number → speaker name, for the quotations the rules settle.

    The previous speaker ("he said", a quote paragraph with no attribution) is whoever last spoke in the
    story, in a quotation or in reported speech ("Smith told reporters it was no accident").
    """
    vocab = vocab or default_vocabulary()
    return dict(_memoised(story, ("by_rule",), vocab, lambda: _attribute_by_rule(story, vocab)))


def _attribute_by_rule(story: Annotated, vocab: Vocabulary) -> dict[int, str]:
    quoted = {n for q in story.quotations for n in story.sentences_in(q.span.start, q.span.end)}
    speakers: dict[int, str] = {}
    previous: str | None = None
    reported_up_to = 0
    for quotation in story.quotations:
        for number in range(reported_up_to + 1, quotation.sentence):
            if number not in quoted:
                previous = sentence_speaker(story, number, vocab, previous) or previous
        reported_up_to = max(reported_up_to, quotation.sentence - 1)
        speaker = speaker_by_rule(story, quotation, previous, vocab)
        if speaker is None and previous is not None and continues_previous(story, quotation):
            speaker = previous
        if speaker is not None:
            speakers[quotation.number] = speaker
        previous = speaker or previous
    return speakers
