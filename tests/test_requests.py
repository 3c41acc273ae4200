from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from pydantic import BaseModel

from extractor.annotate.questions import contacts_model, keyed_model, participants_type
from extractor.errors import InputError
from extractor.prompts import load_prompt
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


# Keys computed before the request path was optimised (issue 12). A changed key re-asks the model for every
# cached answer, so these bytes must never change by accident; change them only with a deliberate cache break.
PINNED_TARGET = Target(model="m", endpoint="e", mode="llama_cpp")
PINNED_VARIABLES = {
    "story": "[1] A met B.\n[2] They talked.", "people": "A; B", "others": "none", "items": "[1] A met B."
}


def test_cache_key_of_a_fixed_request_is_pinned() -> None:
    request = build_request(
        load_prompt("meetings", 1), MeetingList, title="T", text="Body", published=dt.date(2024, 4, 14),
        target=PINNED_TARGET,
    )  # fmt: skip
    assert request.cache_key() == "2e58f040ab4ddc97d7aa83cd7eec2050056620eaa868774b3504836415962057"


@pytest.mark.parametrize(
    ("name", "model", "key"),
    [
        ("annotate_contacts", lambda: contacts_model([1, 2]),
         "bf646d23c8aac288b4701c1515c061a7d24f575c5d701a29d4a0776d4dae997e"),
        ("annotate_participants",
         lambda: keyed_model("Participants", ["S1"], participants_type(["Ana Kowal", "Jane Doe"])),
         "dd51248de0d0e7c7053209bcfe36a845b052f727f7d6325a9bc19db5e800b477"),
    ],
)  # fmt: skip
def test_cache_key_of_a_fixed_question_is_pinned(name: str, model: Callable[[], type[BaseModel]], key: str) -> None:
    request = build_request(
        load_prompt(name, 1), model(), title="T", text="A met B. They talked.", published=None,
        target=PINNED_TARGET, variables=PINNED_VARIABLES, check_quotes=False,
    )  # fmt: skip
    assert request.cache_key() == key
    assert request.cache_key() == key  # and again: a memoised schema gives the same bytes
