"""Response models instructor takes as they are, with their JSON schema built once per class.

Given a plain pydantic model, instructor builds a subclass of it on every call (`response_schema`), and asks
that subclass for its JSON schema on every call. Both are pydantic class builds, which cost more than the
rest of a request: with answer models built per story (`extractor.annotate.questions`) they were a fifth of
the CPU a batch spends per article. A model based on `AnswerModel` is already what instructor wants, and its
default schema is the one `requests.json_schema` built for the cache key.
"""

from __future__ import annotations

import copy
from functools import lru_cache, wraps
from typing import Any, cast

from instructor.v2.core.function_calls import ResponseSchema
from pydantic import BaseModel, create_model

from extractor.requests import json_schema


class AnswerModel(ResponseSchema):
    # No docstring: a class's docstring is its schema's description, which is part of the request body.

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(json_schema(cls))  # a copy: instructor puts it in the request it builds


@lru_cache(maxsize=256)
def instructor_model(model: type[BaseModel]) -> type[BaseModel]:
    """`model` as instructor takes it: itself when based on `AnswerModel`, else the subclass instructor would
    build (same name, fields and schema, so the same request body), built once per class. Bounded, as
    classes built per story come and go."""
    if issubclass(model, AnswerModel):
        return model
    wrapped = create_model(model.__name__, __base__=(model, AnswerModel))
    return cast(type[BaseModel], wraps(model, updated=())(wrapped))
