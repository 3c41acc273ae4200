from __future__ import annotations

from pathlib import Path

import pytest

from extractor.cost import Price, batch_prices, cost_of, load_prices, price_for, target_cost, total_cost
from extractor.errors import ConfigError
from extractor.requests import Target
from schemas import Usage

MILLION_EACH = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000, calls=1)


def test_cost_is_tokens_times_the_price_per_million() -> None:
    prices = {"m": Price(input=0.5, output=2.0)}
    assert cost_of(Usage(prompt_tokens=2000, completion_tokens=500), "m", prices) == pytest.approx(0.002)
    assert cost_of(MILLION_EACH, "m", prices) == 2.5


def test_an_unpriced_model_has_an_unknown_cost_unless_nothing_was_spent() -> None:
    assert cost_of(MILLION_EACH, "unknown-model", {}) is None
    assert cost_of(Usage(cache_hits=3), "unknown-model", {}) == 0.0
    assert total_cost([0.25, None, 1.0]) is None and total_cost([0.25, 1.0]) == 1.25 and total_cost([]) == 0.0


def test_an_exact_name_beats_the_longest_pattern_which_beats_shorter_ones() -> None:
    prices = {"gpt-x-*": Price(input=1, output=1), "gpt-x-mini-*": Price(input=2, output=2),
              "gpt-x-mini-2": Price(input=3, output=3)}  # fmt: skip
    assert price_for("gpt-x-mini-2", prices) == Price(input=3, output=3)
    assert price_for("gpt-x-mini-9", prices) == Price(input=2, output=2)
    assert price_for("gpt-x-large", prices) == Price(input=1, output=1)
    assert price_for("other", prices) is None


def test_the_packaged_table_prices_the_default_openai_model_and_local_models_are_free() -> None:
    prices = load_prices()
    assert (cost_of(MILLION_EACH, "gpt-4o-mini", prices) or 0) > 0
    assert cost_of(MILLION_EACH, "gpt-4o-mini-2024-07-18", prices) == cost_of(MILLION_EACH, "gpt-4o-mini", prices)
    local = Target(model="qwen2.5-coder-1.5b@0123456789ab", endpoint="local:qwen2.5-coder-1.5b@0123456789ab", mode="x")
    assert target_cost(MILLION_EACH, local, prices) == 0.0


def test_a_user_file_adds_and_overrides_rows(tmp_path: Path) -> None:
    mine = tmp_path / "prices.yaml"
    mine.write_text("models:\n  gpt-4o-mini: {input: 1, output: 1}\n  my-vllm-model: {input: 0, output: 0}\n")
    prices = load_prices(mine)
    assert cost_of(MILLION_EACH, "gpt-4o-mini", prices) == 2.0
    assert cost_of(MILLION_EACH, "my-vllm-model", prices) == 0.0
    assert "gpt-4o" in prices  # the packaged rows are still there


def test_a_bad_price_file_says_which_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  m: {input: -1, output: 1}\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: not a price table"):
        load_prices(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_prices(tmp_path / "missing.yaml")


def test_batch_files_are_priced_at_batch_rates_where_a_row_has_them() -> None:
    prices = batch_prices({"m": Price(input=2, output=8, batch_input=1, batch_output=4), "n": Price(input=1, output=1)})
    assert cost_of(MILLION_EACH, "m", prices) == 5.0 and cost_of(MILLION_EACH, "n", prices) == 2.0
    packaged = load_prices()
    batch_cost = cost_of(MILLION_EACH, "gpt-4o-mini", batch_prices(packaged))
    assert batch_cost == (cost_of(MILLION_EACH, "gpt-4o-mini", packaged) or 0) / 2
