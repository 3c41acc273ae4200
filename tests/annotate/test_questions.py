from __future__ import annotations

import pytest
from pydantic import ValidationError

from extractor.annotate.preannotate import Annotated
from extractor.annotate.questions import QUESTIONS, QuestionBuilder, contact_candidates, needs_participants
from extractor.prompts import load_prompt
from extractor.requests import Target

TARGET = Target(model="m", endpoint="e", mode="llama_cpp")


@pytest.fixture
def builder(story: Annotated) -> QuestionBuilder:
    templates = {name: load_prompt(name) for name in QUESTIONS}
    return QuestionBuilder(templates, story, title="Invented", published=None, target=TARGET)


def test_every_question_shares_the_story_prefix(builder: QuestionBuilder) -> None:
    contacts, participants = builder.contacts(), builder.participants([2, 6])
    assert contacts is not None and participants is not None
    assert contacts.request.messages[0] == participants.request.messages[0]
    assert "[1] OSLO" in contacts.request.messages[0]["content"]


def test_contact_answer_is_candidate_numbers_only(builder: QuestionBuilder, story: Annotated) -> None:
    question = builder.contacts()
    assert question is not None
    candidates = contact_candidates(story)
    model = question.request.response_model
    model.model_validate({"sentences": candidates[:1]})
    with pytest.raises(ValidationError):
        model.model_validate({"sentences": [99]})


def test_participants_asked_only_where_the_rule_cannot_settle(builder: QuestionBuilder, story: Annotated) -> None:
    assert needs_participants(story, [1, 2]) == [2]  # [1] names both ministers
    assert builder.participants([1]) is None
    question = builder.participants([1, 2])
    assert question is not None and question.keys == {"S2": 2}
    model = question.request.response_model
    model.model_validate({"S2": ["Ingrid Halvorsen", "Tomas Aravena"]})
    with pytest.raises(ValidationError):
        model.model_validate({"S2": ["Somebody Else"]})


def test_quotes_settled_by_rule_are_not_asked(builder: QuestionBuilder) -> None:
    assert builder.quotes() is None  # every quotation of the story is attributed by rule


def test_answers_need_no_quote_check_context(builder: QuestionBuilder) -> None:
    question = builder.contacts()
    assert question is not None and question.request.context_text == ""
