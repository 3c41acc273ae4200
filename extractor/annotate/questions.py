"""The questions asked about one pre-annotated story: pure request building.

Every question shares one system message (the numbered story and its actor
lists), so a llama.cpp server reuses the story's KV cache and evaluates only
the question. Each answer schema is built per call: sentence numbers from
the candidates asked about, names from the story's actor lists, so an answer
cannot name anyone the story does not, nor point at text that is not there.

Output tokens are the cost on a small local model (grammar-constrained
generation runs at a few tokens a second), so the questions ask only what
rules cannot settle:

1. `annotate_contacts`: which candidate sentences report a contact (a list of numbers);
2. `annotate_participants`: who took part, only for the contact sentences that do not
   name exactly two people;
3. `annotate_quotes`: who spoke, only for quotations the attribution rules leave open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from extractor.annotate.attribute import attribute_by_rule, named_in
from extractor.annotate.preannotate import Annotated as AnnotatedStory
from extractor.annotate.rounds import round_hub
from extractor.annotate.vocabulary import Vocabulary, default_vocabulary
from extractor.llm.response_model import AnswerModel
from extractor.normalize.meeting_fields import format_cue
from extractor.prompts import PromptTemplate
from extractor.requests import LLMRequest, Target, build_request
from schemas import MeetingFormat

QUESTIONS = ("annotate_contacts", "annotate_participants", "annotate_quotes")
MAX_CONTACT_SENTENCES = 16
MAX_QUOTATIONS = 20
UNKNOWN_SPEAKER = "unknown"


class _Answer(AnswerModel):  # what instructor takes as is: no second class per story
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Question:
    """One request and what its keys stand for (sentence or quotation numbers)."""

    name: str
    request: LLMRequest
    keys: dict[str, int]


def _enum(name: str, values: list[str]) -> Any:
    """A named enum: the schema lists the values once under $defs however many keys use it."""
    return StrEnum(name, {f"v{i}": value for i, value in enumerate(values)})


def contacts_model(candidates: list[int]) -> type[BaseModel]:
    return _contacts_model(tuple(candidates))


# Answer models are built from what a story asks about; stories that ask the same get the same class, built
# once (building a model class costs more than the rest of a question). Bounded: the classes are not small.
_MODELS_KEPT = 128


@lru_cache(maxsize=_MODELS_KEPT)
def _contacts_model(candidates: tuple[int, ...]) -> type[BaseModel]:
    number = Literal[candidates]  # type: ignore[valid-type]
    sentences = Annotated[list[number], Field(max_length=len(candidates))]
    return create_model("ContactSentences", __base__=_Answer, sentences=(sentences, ...))


@lru_cache(maxsize=_MODELS_KEPT)
def _participants_model(keys: tuple[str, ...], people: tuple[str, ...]) -> type[BaseModel]:
    return keyed_model("Participants", list(keys), participants_type(list(people)))


@lru_cache(maxsize=_MODELS_KEPT)
def _speakers_model(keys: tuple[str, ...], names: tuple[str, ...]) -> type[BaseModel]:
    return keyed_model("Speakers", list(keys), _enum("Speaker", [*names, UNKNOWN_SPEAKER]))


def keyed_model(name: str, keys: list[str], value: Any) -> type[BaseModel]:
    fields: dict[str, Any] = {key: (value, ...) for key in keys}
    return create_model(name, __base__=_Answer, **fields)


def participants_type(people: list[str]) -> Any:
    """Who took part in the contact a sentence reports; [] when it reports none after all."""
    person = _enum("Person", people)
    return Annotated[list[person], Field(max_length=6)]  # type: ignore[valid-type]


# --------------------------------------------------------------------------- what is asked about


def contact_candidates(story: AnnotatedStory, vocab: Vocabulary | None = None) -> list[int]:
    """Sentences with a word of contact that name a person or speak of both sides."""
    vocab = vocab or default_vocabulary()
    found = [
        i
        for i, s in enumerate(story.sentences, start=1)
        if vocab.contact.search(s.text) and (named_in(story, i) or vocab.joint.search(s.text))
    ]
    return found[:MAX_CONTACT_SENTENCES]


def needs_participants(story: AnnotatedStory, contact_sentences: Iterable[int]) -> list[int]:
    """Contact sentences the rules cannot settle: those that name neither exactly two people nor a round of calls."""
    open_sentences = []
    for n in contact_sentences:
        fmt = format_cue([story.sentence_text(n)]) or MeetingFormat.unknown
        if len(named_in(story, n)) != 2 and round_hub(story, n, fmt) is None:
            open_sentences.append(n)
    return open_sentences


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


@dataclass(frozen=True)
class QuestionBuilder:
    """Builds the questions about one story; all of them share the same system message."""

    templates: dict[str, PromptTemplate]
    story: AnnotatedStory
    title: str
    published: dt.date | None
    target: Target

    def _ask(self, name: str, model: type[BaseModel], keys: dict[str, int], items: list[str]) -> Question:
        shared = {"story": numbered_story(self.story), **actor_lines(self.story), "items": "\n".join(items)}
        request = build_request(
            self.templates[name], model, title=self.title, text=self.story.text, published=self.published,
            target=self.target, variables=shared, check_quotes=False,
        )  # fmt: skip
        return Question(name, request, keys)

    def contacts(self) -> Question | None:
        candidates = contact_candidates(self.story)
        if len(self.story.people) < 2 or not candidates:
            return None
        keys = {f"S{n}": n for n in candidates}
        items = [f"[{n}] {self.story.sentence_text(n)}" for n in candidates]
        return self._ask("annotate_contacts", contacts_model(candidates), keys, items)

    def participants(self, contact_sentences: Iterable[int]) -> Question | None:
        open_sentences = needs_participants(self.story, contact_sentences)
        if not open_sentences:
            return None
        people = [a.name for a in self.story.people]
        keys = {f"S{n}": n for n in open_sentences}
        items = [f"S{n}: {self.story.sentence_text(n)}" for n in open_sentences]
        return self._ask("annotate_participants", _participants_model(tuple(keys), tuple(people)), keys, items)

    def quotes(self) -> Question | None:
        names = [a.name for a in self.story.actors]
        settled = attribute_by_rule(self.story)
        open_quotes = [q.number for q in self.story.quotations if q.number not in settled][:MAX_QUOTATIONS]
        if not names or not open_quotes:
            return None
        keys = {f"Q{n}": n for n in open_quotes}
        model = _speakers_model(tuple(keys), tuple(names))
        return self._ask("annotate_quotes", model, keys, [_quote_line(self.story, n) for n in open_quotes])
