"""What tokens cost: the one loader of the price table, and pure arithmetic on it.

The table (`extractor/data/prices.yaml`, format in its header) gives US dollars per million input and output
tokens per model. A user's file (`--prices PATH`, `EXTRACTOR_PRICES`) adds rows or overrides them. The embedded
local model costs 0; a model without a row has an unknown cost (`None`), never a guessed one.

`cost_of` is what budgets call: usage and a model in, dollars (or None) out.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.config import LOCAL_ENDPOINT_PREFIX
from extractor.errors import ConfigError
from extractor.requests import Target
from schemas import Usage

DEFAULT_PRICES_PATH = Path(__file__).resolve().parent / "data" / "prices.yaml"


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0, description="USD per million prompt tokens.")
    output: float = Field(ge=0, description="USD per million completion tokens.")
    batch_input: float | None = Field(default=None, ge=0, description="The same in a provider batch file.")
    batch_output: float | None = Field(default=None, ge=0, description="The same in a provider batch file.")


class _PriceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    models: dict[str, Price] = Field(default_factory=dict)


PriceTable = Mapping[str, Price]


def parse_prices(text: str, source: str) -> dict[str, Price]:
    try:
        return _PriceFile.model_validate(yaml.safe_load(text) or {}).models
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[:3]
        raise ConfigError(f"{source}: not a price table ({' '.join(first)}); see {DEFAULT_PRICES_PATH}") from exc


@lru_cache(maxsize=8)
def _read(path: Path) -> dict[str, Price]:
    try:
        return parse_prices(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise ConfigError(f"--prices {path}: cannot read it ({exc.strerror})") from exc


def load_prices(user_file: Path | None = None) -> dict[str, Price]:
    """The packaged table, with the rows of `user_file` (if any) over it."""
    table = dict(_read(DEFAULT_PRICES_PATH))
    if user_file is not None:
        table.update(_read(user_file))
    return table


def batch_prices(prices: PriceTable) -> dict[str, Price]:
    """The table at batch-file rates: a row's batch prices where it has them, else its realtime ones."""
    return {
        model: Price(
            input=price.input if price.batch_input is None else price.batch_input,
            output=price.output if price.batch_output is None else price.batch_output,
        )
        for model, price in prices.items()
    }


def price_for(model: str, prices: PriceTable) -> Price | None:
    if model in prices:
        return prices[model]
    patterns = sorted((key for key in prices if fnmatch.fnmatchcase(model, key)), key=len, reverse=True)
    return prices[patterns[0]] if patterns else None


def cost_of(usage: Usage, model: str, prices: PriceTable) -> float | None:
    """US dollars for `usage` on `model`; None when the table has no price for it (and tokens were spent)."""
    if usage.prompt_tokens == 0 and usage.completion_tokens == 0:
        return 0.0
    price = price_for(model, prices)
    if price is None:
        return None
    dollars = (usage.prompt_tokens * price.input + usage.completion_tokens * price.output) / 1_000_000
    return round(dollars, 8)


def target_cost(usage: Usage, target: Target, prices: PriceTable) -> float | None:
    """`cost_of` for a run's target; the embedded local model is free."""
    if target.endpoint.startswith(LOCAL_ENDPOINT_PREFIX):
        return 0.0
    return cost_of(usage, target.model, prices)


def total_cost(costs: Iterable[float | None]) -> float | None:
    """The sum, or None if any part is unknown."""
    total = 0.0
    for cost in costs:
        if cost is None:
            return None
        total += cost
    return round(total, 8)
