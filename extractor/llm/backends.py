"""Per-backend request shape: a lookup table, not if/elif chains.

Each backend names the instructor mode that makes *that* server constrain
decoding by the schema, and a function that finishes the request body.
llama-cpp-python's server rejects the nested `json_schema` response_format
(HTTP 500) but compiles `{"type": "json_object", "schema": ...}` into a
grammar, so it gets JSON mode plus the schema added to response_format.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from instructor import Mode
from pydantic import BaseModel

from extractor.errors import ConfigError
from extractor.requests import json_schema

ShapeBody = Callable[[dict[str, Any], type[BaseModel]], dict[str, Any]]


def _unchanged(body: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    return body


def _json_object_with_schema(body: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    return {**body, "response_format": {"type": "json_object", "schema": copy.deepcopy(json_schema(model))}}


@dataclass(frozen=True)
class Backend:
    name: str
    mode: Mode
    shape_body: ShapeBody
    sends_seed: bool = True


BACKENDS: dict[str, Backend] = {
    # Forced tool call: constrained on OpenAI without strict mode's all-fields-required rule.
    "openai": Backend("openai", Mode.TOOLS, _unchanged),
    # vLLM, Ollama (>= 0.5), LM Studio and llama.cpp's C++ server honour json_schema.
    "vllm": Backend("vllm", Mode.JSON_SCHEMA, _unchanged),
    "ollama": Backend("ollama", Mode.JSON_SCHEMA, _unchanged),
    "compatible": Backend("compatible", Mode.JSON_SCHEMA, _unchanged),
    "llama_cpp": Backend("llama_cpp", Mode.JSON, _json_object_with_schema),
}


def get_backend(name: str) -> Backend:
    try:
        return BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown backend {name!r}; choose one of {sorted(BACKENDS)}") from None


def infer_backend(base_url: str | None) -> str:
    """A best guess from the URL; `--backend` overrides it."""
    if base_url is None:
        return "openai"
    parsed = urlparse(base_url)
    if parsed.hostname == "api.openai.com":
        return "openai"
    if parsed.port == 11434:
        return "ollama"
    return "compatible"
