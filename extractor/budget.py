"""Run budgets: stop starting articles once the tokens (or dollars) spent reach a limit."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import Usage


@dataclass(frozen=True)
class Budget:
    max_total_tokens: int | None = None
    max_cost_usd: float | None = None

    def exceeded(self, spent: Usage, cost_usd: float | None) -> str:
        """Why the run must stop now ('' while within budget)."""
        tokens = spent.prompt_tokens + spent.completion_tokens
        if self.max_total_tokens is not None and tokens >= self.max_total_tokens:
            return f"token budget reached ({tokens:,} of --max-total-tokens {self.max_total_tokens:,})"
        if self.max_cost_usd is not None and cost_usd is not None and cost_usd >= self.max_cost_usd:
            return f"cost budget reached (${cost_usd:.4f} of --max-cost ${self.max_cost_usd:.4f})"
        return ""
