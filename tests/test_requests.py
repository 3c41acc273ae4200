from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from extractor.errors import InputError
from extractor.requests import STRATEGIES, Target, build_request, load_strategy_prompts, merge_responses
from schemas import Issue, MeetingList, Position, PositionList, Stance

TARGET = Target(model="m", endpoint="e", mode="llama_cpp")


def _key(**changes: object) -> str:
    target = dataclasses.replace(TARGET, **changes)  # type: ignore[arg-type]
    template, model = load_strategy_prompts("per_type")[0]
    return build_request(
        template, model, title="T", text="Body", published=dt.date(2024, 4, 14), target=target
    ).cache_key()


def test_cache_key_covers_every_input() -> None:
    base = _key()
    assert base == _key()
    for change in (
        {"model": "n"},
        {"endpoint": "f"},
        {"mode": "vllm"},
        {"temperature": 0.5},
        {"seed": 1},
        {"max_tokens": 9},
    ):
        assert _key(**change) != base, change


def test_cache_key_covers_prompt_version_and_text() -> None:
    v1, model = load_strategy_prompts("per_type", 1)[0]
    v2, _ = load_strategy_prompts("per_type", 2)[0]
    a = build_request(v1, model, title="T", text="Body", published=None, target=TARGET)
    b = build_request(v2, model, title="T", text="Body", published=None, target=TARGET)
    c = build_request(v2, model, title="T", text="Body!", published=None, target=TARGET)
    assert len({a.cache_key(), b.cache_key(), c.cache_key()}) == 3
    assert a.prompt_label == "meetings@v1" and a.prompt_hash != b.prompt_hash


def test_strategies() -> None:
    assert [t.name for t, _ in load_strategy_prompts("per_type")] == ["meetings", "statements", "positions"]
    assert len(STRATEGIES["single"]) == 1
    with pytest.raises(InputError, match="unknown strategy"):
        load_strategy_prompts("nope")


def test_merge_responses() -> None:
    position = Position(holder="China", issue=Issue.taiwan, stance=Stance.warns, summary="s", evidence=["e"])
    merged = merge_responses([MeetingList(), PositionList(positions=[position])])
    assert merged.positions == [position] and merged.meetings == [] and merged.statements == []
