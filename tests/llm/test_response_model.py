from __future__ import annotations

import json
from typing import Annotated, Any

from instructor.v2.core.function_calls import ResponseSchema, response_schema
from pydantic import BaseModel, ConfigDict, Field, create_model

from extractor.annotate.questions import keyed_model, participants_type
from extractor.llm.response_model import AnswerModel, instructor_model
from schemas import MeetingList


class _Plain(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Based(AnswerModel):
    model_config = ConfigDict(extra="forbid")


def _participants(base: type[BaseModel]) -> type[BaseModel]:
    people = participants_type(["Ann Example", "Bo Sample"])
    return create_model("Participants", __base__=base, S2=(people, ...), S5=(people, ...))


def _body_schema(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema())


def test_a_model_based_on_answer_model_is_taken_as_is_with_instructors_schema() -> None:
    model = _participants(_Based)
    assert instructor_model(model) is model and issubclass(model, ResponseSchema)
    assert _body_schema(model) == _body_schema(response_schema(_participants(_Plain)))


def test_a_plain_model_is_wrapped_once_with_the_same_name_and_schema() -> None:
    wrapped = instructor_model(MeetingList)
    assert instructor_model(MeetingList) is wrapped
    assert wrapped.__name__ == "MeetingList" and issubclass(wrapped, ResponseSchema)
    assert _body_schema(wrapped) == _body_schema(response_schema(MeetingList))


def test_the_schema_handed_out_is_a_copy() -> None:
    model = keyed_model("Keys", ["S1"], Annotated[list[int], Field(max_length=2)])
    first: dict[str, Any] = model.model_json_schema()
    first["properties"].clear()
    assert model.model_json_schema()["properties"]
