from __future__ import annotations

from extractor.budget import Budget
from schemas import Usage


def test_budgets_say_why_they_stop_and_nothing_while_within() -> None:
    spent = Usage(prompt_tokens=900, completion_tokens=100, calls=3)
    assert Budget().exceeded(spent, 5.0) == ""
    assert Budget(max_total_tokens=2000).exceeded(spent, None) == ""
    assert "token budget reached (1,000 of --max-total-tokens 1,000)" in Budget(max_total_tokens=1000).exceeded(
        spent, None
    )
    assert "cost budget reached" in Budget(max_cost_usd=0.5).exceeded(spent, 0.5)
    assert Budget(max_cost_usd=0.5).exceeded(spent, None) == ""  # an unknown price cannot trip a cost budget
