"""Pure request building and response merging.

An `LLMRequest` is everything that decides what the model answers; its hash
is the cache key. Nothing here does I/O, so the same builder serves live
calls, replay and tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from extractor.errors import InputError
from extractor.prompts import DEFAULT_PROMPTS_DIR, Messages, PromptTemplate, load_prompt, messages_hash, render
from extractor.validation import QuoteCheckedExtraction, QuoteCheckedStatements
from schemas import ArticleExtraction, MeetingList, PositionList

# strategy → the calls it makes: (prompt name, response model)
STRATEGIES: dict[str, tuple[tuple[str, type[BaseModel]], ...]] = {
    "single": (("extract_all", QuoteCheckedExtraction),),
    "per_type": (
        ("meetings", MeetingList),
        ("statements", QuoteCheckedStatements),
        ("positions", PositionList),
    ),
    "focused": (("extract_all", QuoteCheckedExtraction),),
    # Answer models are built per story (extractor.annotate.questions): BaseModel stands for "per call".
    "annotate": (
        ("annotate_contacts", BaseModel), ("annotate_participants", BaseModel), ("annotate_quotes", BaseModel),
    ),
}
# backend → the strategy used when --strategy is not given (measured on the embedded model: docs/local-model.md).
# Larger models behind the other backends have not been measured here; change a row when a measurement says so.
DEFAULT_STRATEGY: dict[str, str] = {
    "llama_cpp": "annotate",
    "openai": "annotate",
    "vllm": "annotate",
    "ollama": "annotate",
    "compatible": "annotate",
}
# strategy → calls made once per paragraph that mentions a contact (extractor.focus)
PARAGRAPH_CALLS: dict[str, tuple[tuple[str, type[BaseModel]], ...]] = {
    "focused": (("meetings", MeetingList),),
}


_SCHEMAS: weakref.WeakKeyDictionary[type[BaseModel], dict[str, Any]] = weakref.WeakKeyDictionary()
_SCHEMAS_LOCK = threading.Lock()


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model.model_json_schema()`, built once per class (a cache hit needs it for the key). Do not mutate it:
    take a `copy.deepcopy` to change it. Classes built per story are forgotten when they are collected."""
    with _SCHEMAS_LOCK:
        schema = _SCHEMAS.get(model)
    if schema is None:
        # pydantic's own build, also for models that answer model_json_schema() from here (AnswerModel)
        schema = BaseModel.model_json_schema.__func__(model)  # type: ignore[attr-defined]
        with _SCHEMAS_LOCK:
            _SCHEMAS[model] = schema
    return schema


@dataclass(frozen=True)
class LLMRequest:
    messages_json: str  # JSON of the chat messages; a string keeps the request hashable
    response_model: type[BaseModel]
    prompt_label: str
    prompt_hash: str
    model: str
    endpoint: str
    mode: str
    temperature: float
    seed: int
    max_tokens: int
    context_text: str  # the text quotes are checked against; part of validation, not of the prompt

    @property
    def messages(self) -> Messages:
        loaded: Messages = json.loads(self.messages_json)
        return loaded

    def cache_key(self) -> str:
        blob = json.dumps(
            {
                "endpoint": self.endpoint,
                "model": self.model,
                "mode": self.mode,
                "messages": self.messages_json,
                "schema": json_schema(self.response_model),
                "validator": self.response_model.__qualname__,
                "params": [self.temperature, self.seed, self.max_tokens],
                "prompt": [self.prompt_label, self.prompt_hash],
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Target:
    """Where and how requests are sent; the part of Settings a request depends on."""

    model: str
    endpoint: str
    mode: str
    temperature: float = 0.0
    seed: int = 7
    max_tokens: int = 1536


def load_strategy_prompts(
    strategy: str, version: int | None = None, prompts_dir: Path = DEFAULT_PROMPTS_DIR
) -> list[tuple[PromptTemplate, type[BaseModel]]]:
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r}; choose one of {sorted(STRATEGIES)}")
    return [(load_prompt(name, version, prompts_dir), model) for name, model in STRATEGIES[strategy]]


def load_paragraph_prompts(
    strategy: str, version: int | None = None, prompts_dir: Path = DEFAULT_PROMPTS_DIR
) -> list[tuple[PromptTemplate, type[BaseModel]]]:
    return [(load_prompt(name, version, prompts_dir), model) for name, model in PARAGRAPH_CALLS.get(strategy, ())]


def build_request(
    template: PromptTemplate,
    response_model: type[BaseModel],
    *,
    title: str,
    text: str,
    published: dt.date | None,
    target: Target,
    variables: Mapping[str, str] | None = None,
    check_quotes: bool = True,
) -> LLMRequest:
    """`check_quotes`: validate quotes in the answer against `text` (answers that cite ids have none to check)."""
    day = published.isoformat() if published else "unknown"
    messages = render(template, **(variables or {}), title=title, text=text, published=day)
    return LLMRequest(
        messages_json=json.dumps(messages, ensure_ascii=False),
        response_model=response_model,
        prompt_label=template.label,
        prompt_hash=messages_hash(messages),
        model=target.model,
        endpoint=target.endpoint,
        mode=target.mode,
        temperature=target.temperature,
        seed=target.seed,
        max_tokens=target.max_tokens,
        context_text=text if check_quotes else "",
    )


def merge_responses(parts: list[BaseModel]) -> ArticleExtraction:
    """Per-type answers (or one full answer) → one ArticleExtraction."""
    merged = ArticleExtraction()
    for part in parts:
        for field in ("meetings", "statements", "positions"):
            getattr(merged, field).extend(getattr(part, field, []))
    return merged
