"""Rounds of contacts: one sentence, one person, several counterparts (pure)."""

from __future__ import annotations

from extractor.annotate.attribute import named_in, opens_with_pronoun, person_before
from extractor.annotate.preannotate import Annotated
from schemas import MeetingFormat


def round_hub(story: Annotated, number: int, fmt: MeetingFormat) -> str | None:
    """Who makes a round of contacts in sentence `number`, if it reports one: the first-named of three or more
    people on a call ("X phoned A, B and C"), or the person a sentence-opening pronoun stands for when the
    sentence names two or more counterparts ("He spoke to A and B")."""
    named = named_in(story, number)
    if opens_with_pronoun(story.sentence_text(number)) and len(named) >= 2:
        hub = person_before(story, story.sentences[number - 1].start)
        return hub if hub is not None and hub not in named else None
    if fmt in (MeetingFormat.phone, MeetingFormat.video) and len(named) >= 3:
        return named[0]
    return None
