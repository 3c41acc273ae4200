"""The questions asked about one pre-annotated story: pure request building.

Every question shares one system message (the numbered story and its actor
lists) so a llama.cpp server reuses the story's KV cache and evaluates only
the question. Each answer schema is built per call: its keys are the
sentence or quotation numbers asked about, its values enums of the story's
actors, so an answer cannot name anyone the story does not, nor point at
text that is not there. A "no" costs the model one token: `null`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from extractor.annotate.attribute import attribute_by_rule, sentence_speaker
from extractor.annotate.preannotate import Annotated as AnnotatedStory
from extractor.annotate.vocabulary import Vocabulary, default_vocabulary
from extractor.prompts import PromptTemplate
from extractor.requests import LLMRequest, Target, build_request
from schemas import Issue, Stance

QUESTIONS = ("annotate_contacts", "annotate_quotes", "annotate_positions")
MAX_CONTACT_SENTENCES = 14
MAX_QUOTATIONS = 20
MAX_POSITION_SENTENCES = 12
UNKNOWN_SPEAKER = "unknown"


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Question:
    """One request and what its keys stand for (sentence or quotation numbers)."""

    name: str
    request: LLMRequest
    keys: dict[str, int]


def _literal(values: list[str]) -> Any:
    return Literal[tuple(values)]


def _enum(name: str, values: list[str]) -> Any:
    """A named enum: the schema lists the values once under $defs however many keys use it."""
    return StrEnum(name, {f"v{i}": value for i, value in enumerate(values)})


def participants_type(people: list[str]) -> Any:
    """Who took part in the contact a sentence reports; an empty list for a sentence that reports none.

    Format and status are read from the evidence by rules (extractor.normalize.meeting_fields): asked
    for them, the small model answered one value for every sentence.
    """
    person = _enum("Person", people)
    return Annotated[list[person], Field(max_length=6)]  # type: ignore[valid-type]


def stance_model() -> type[BaseModel]:
    return create_model(
        "StanceAnswer",
        __base__=_Answer,
        issue=(_literal([i.value for i in Issue]), ...),
        stance=(_literal([s.value for s in Stance]), ...),
    )


def keyed_model(name: str, keys: list[str], value: Any) -> type[BaseModel]:
    fields: dict[str, Any] = {key: (value, ...) for key in keys}
    return create_model(name, __base__=_Answer, **fields)


# --------------------------------------------------------------------------- which parts of a story are asked about


def contact_sentences(story: AnnotatedStory, vocab: Vocabulary | None = None) -> list[int]:
    vocab = vocab or default_vocabulary()
    found = [i for i, s in enumerate(story.sentences, start=1) if vocab.contact.search(s.text)]
    return found[:MAX_CONTACT_SENTENCES]


def stance_sentences(story: AnnotatedStory, vocab: Vocabulary | None = None) -> dict[int, str]:
    """Sentence number → its speaker, for sentences where a named speaker may take a stance."""
    vocab = vocab or default_vocabulary()
    found: dict[int, str] = {}
    for i, s in enumerate(story.sentences, start=1):
        if vocab.stance.search(s.text) and (speaker := sentence_speaker(story, i, vocab)):
            found[i] = speaker
        if len(found) == MAX_POSITION_SENTENCES:
            break
    return found


def speakers(story: AnnotatedStory) -> list[str]:
    return [a.name for a in story.actors]


# --------------------------------------------------------------------------- rendering


def numbered_story(story: AnnotatedStory) -> str:
    return "\n".join(f"[{i}] {s.text}" for i, s in enumerate(story.sentences, start=1))


def actor_lines(story: AnnotatedStory) -> dict[str, str]:
    def person(a: Any) -> str:
        extra = ", ".join(x for x in (a.title, a.country) if x)
        return f"{a.name} ({extra})" if extra else a.name

    return {
        "people": "; ".join(person(a) for a in story.people) or "none",
        "others": "; ".join(a.name for a in story.actors if a.kind != "person") or "none",
    }


def _quote_line(story: AnnotatedStory, number: int) -> str:
    quotation = story.quotations[number - 1]
    words = quotation.span.text.split()
    shown = " ".join(words[:14]) + (" …" if len(words) > 14 else "")
    return f"Q{number} (in [{quotation.sentence}]): “{shown}”"


def build_questions(
    templates: dict[str, PromptTemplate],
    story: AnnotatedStory,
    *,
    title: str,
    published: dt.date | None,
    target: Target,
) -> list[Question]:
    """The questions worth asking about `story`, in the order they should be sent."""
    shared = {"story": numbered_story(story), **actor_lines(story)}
    people = [a.name for a in story.people]
    questions: list[Question] = []

    def ask(name: str, model: type[BaseModel], keys: dict[str, int], items: list[str]) -> None:
        request = build_request(
            templates[name], model, title=title, text=story.text, published=published, target=target,
            variables={**shared, "items": "\n".join(items)}, check_quotes=False,
        )  # fmt: skip
        questions.append(Question(name, request, keys))

    if len(people) >= 2 and (sentences := contact_sentences(story)):
        keys = {f"S{n}": n for n in sentences}
        ask(
            "annotate_contacts",
            keyed_model("Contacts", list(keys), participants_type(people)),
            keys,
            [f"S{n}: {story.sentence_text(n)}" for n in sentences],
        )
    names = speakers(story)
    settled = attribute_by_rule(story)
    open_quotes = [q.number for q in story.quotations if q.number not in settled][:MAX_QUOTATIONS]
    if names and open_quotes:
        keys = {f"Q{n}": n for n in open_quotes}
        ask(
            "annotate_quotes",
            keyed_model("Speakers", list(keys), _enum("Speaker", [*names, UNKNOWN_SPEAKER])),
            keys,
            [_quote_line(story, n) for n in open_quotes],
        )
    if held := stance_sentences(story):
        keys = {f"S{n}": n for n in held}
        ask(
            "annotate_positions",
            keyed_model("Stances", list(keys), Optional[stance_model()]),  # noqa: UP045
            keys,
            [f"S{n} ({speaker}): {story.sentence_text(n)}" for n, speaker in held.items()],
        )
    return questions
