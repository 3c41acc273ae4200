"""Run budgets: stop starting articles once the tokens (or dollars) spent reach a limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas import Usage


@dataclass(frozen=True)
class Budget:
    max_total_tokens: int | None = None
    max_cost_usd: float | None = None
    cost_of: Callable[[Usage], float | None] = lambda usage: None  # USD for a usage, if the price is known

    def exceeded(self, spent: Usage) -> str:
        """Why the run must stop now ('' while within budget)."""
        tokens = spent.prompt_tokens + spent.completion_tokens
        if self.max_total_tokens is not None and tokens >= self.max_total_tokens:
            return f"token budget reached ({tokens:,} of --max-total-tokens {self.max_total_tokens:,})"
        if self.max_cost_usd is not None and (cost := self.cost_of(spent)) is not None and cost >= self.max_cost_usd:
            return f"cost budget reached (${cost:.4f} of --max-cost ${self.max_cost_usd:.4f})"
        return ""
