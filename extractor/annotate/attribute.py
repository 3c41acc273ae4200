"""Who said a quotation, by the conventions of news prose: pure.

"…," Smith said. / Smith said: "…" / "…," said the ministry. / "…," he added.
A name (or pronoun) next to a verb of saying, outside the quotation marks,
in the sentence that carries the quotation, is the speaker. A quotation that
fills its own paragraph continues the previous speaker's words. Only
quotations these rules leave open are asked of the model.
"""

from __future__ import annotations

import re

from extractor.annotate.preannotate import Actor, Annotated, Quotation
from extractor.annotate.vocabulary import Vocabulary, default_vocabulary

NEAR_CHARS = 40  # how far from a verb of saying a name may stand: "Smith, the minister, said" fits
_PRONOUN = re.compile(r"(?<!\w)(?:he|she)(?!\w)", re.I)


def _forms(actor: Actor) -> set[str]:
    forms = {actor.name, *actor.forms}
    if actor.kind == "person":
        forms.add(actor.name.split()[-1])
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
    found: list[tuple[int, Actor]] = []
    for actor in story.actors:
        for form in _forms(actor):
            found.extend((m.start(), actor) for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text))
    return found


def named_in(story: Annotated, number: int) -> list[str]:
    """The people sentence `number` names (by full name, surname or a short form), in order of mention."""
    found = sorted((p, a.name) for p, a in _mentions(story.sentence_text(number), story) if a.kind == "person")
    return list(dict.fromkeys(name for _, name in found))


def _last_person_before(story: Annotated, offset: int) -> Actor | None:
    best: tuple[int, Actor] | None = None
    for position, actor in _mentions(story.text[:offset], story):
        if actor.kind == "person" and (best is None or position > best[0]):
            best = (position, actor)
    return best[1] if best else None


def speaker_by_rule(story: Annotated, quotation: Quotation, vocab: Vocabulary | None = None) -> str | None:
    numbers = story.sentences_in(quotation.span.start, quotation.span.end) or [quotation.sentence]
    return next((name for n in numbers if (name := sentence_speaker(story, n, vocab))), None)


def sentence_speaker(story: Annotated, number: int, vocab: Vocabulary | None = None) -> str | None:
    """The actor named (or meant by he/she) next to a verb of saying in sentence `number`, outside its quotes."""
    vocab = vocab or default_vocabulary()
    for _ in (number,):
        text = _outside_quotes(story, number)
        verbs = [m.start() for m in vocab.speech.finditer(text)]
        if not verbs:
            continue
        near = [(p > v, a.kind != "person", abs(p - v), a) for p, a in _mentions(text, story) for v in verbs
                if abs(p - v) <= NEAR_CHARS]  # fmt: skip
        if near:  # before its verb first, then a person over a place or institution, then the nearest
            return min(near, key=lambda x: x[:3])[3].name
        pronoun = [m.start() for m in _PRONOUN.finditer(text) if min(abs(m.start() - v) for v in verbs) <= NEAR_CHARS]
        if pronoun:
            start = story.sentences[number - 1].start + pronoun[0]
            person = _last_person_before(story, start)
            return person.name if person else None
    return None


def continues_previous(story: Annotated, quotation: Quotation) -> bool:
    """True if the quotation opens its paragraph: news prose gives it to the previous speaker."""
    line_start = story.text.rfind("\n", 0, quotation.span.start) + 1
    return not story.text[line_start : quotation.span.start].strip(" \"“‘'")


def attribute_by_rule(story: Annotated, vocab: Vocabulary | None = None) -> dict[int, str]:
    """Quotation number → speaker name, for the quotations the rules settle."""
    speakers: dict[int, str] = {}
    previous: str | None = None
    for quotation in story.quotations:
        speaker = speaker_by_rule(story, quotation, vocab)
        if speaker is None and previous is not None and continues_previous(story, quotation):
            speaker = previous
        if speaker is not None:
            speakers[quotation.number] = speaker
        previous = speaker or previous
    return speakers
