from __future__ import annotations

import pytest
from pydantic import ValidationError

from extractor.annotate.preannotate import Annotated
from extractor.annotate.questions import QUESTIONS, build_questions
from extractor.prompts import load_prompt
from extractor.requests import Target

TARGET = Target(model="m", endpoint="e", mode="llama_cpp")


@pytest.fixture
def questions(story: Annotated) -> list:
    templates = {name: load_prompt(name) for name in QUESTIONS}
    return build_questions(templates, story, title="Invented", published=None, target=TARGET)


def test_every_question_shares_the_story_prefix(questions: list) -> None:
    systems = {q.request.messages[0]["content"] for q in questions}
    assert len(systems) == 1
    assert "[1] OSLO" in systems.pop()


def test_contact_answers_are_names_from_the_story(questions: list) -> None:
    contacts = next(q for q in questions if q.name == "annotate_contacts")
    model = contacts.request.response_model
    keys = list(contacts.keys)
    ok = {k: [] for k in keys} | {keys[0]: ["Ingrid Halvorsen", "Tomas Aravena"]}
    model.model_validate(ok)
    with pytest.raises(ValidationError):
        model.model_validate({k: ["Somebody Else", "Tomas Aravena"] for k in keys})


def test_quotes_settled_by_rule_are_not_asked(questions: list) -> None:
    assert all(q.name != "annotate_quotes" for q in questions)  # every quote in the story is attributed by rule


def test_answers_need_no_quote_check_context(questions: list) -> None:
    assert all(q.request.context_text == "" for q in questions)
