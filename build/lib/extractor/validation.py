"""Response models that check the model's answer against the article.

instructor feeds a `ValueError` raised here back to the model and re-asks
(bounded by `Settings.max_reasks`). The article arrives as validation
context (`{"article_text": ...}`), so the same models validate silently when
there is no context (reading a cached answer, loading output files).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo, model_validator

from extractor.ground import verify_quote
from schemas import ArticleExtraction, Statement, StatementKind, StatementList


def unverified_quotes(statements: list[Statement], article_text: str) -> list[str]:
    return [s.text for s in statements if s.kind is StatementKind.quote and not verify_quote(s.text, article_text)]


def _check_quotes(statements: list[Statement], info: ValidationInfo) -> None:
    context: dict[str, Any] = info.context or {}
    article_text = context.get("article_text")
    if not isinstance(article_text, str):
        return
    bad = unverified_quotes(statements, article_text)
    if bad:
        listed = "; ".join(repr(text[:120]) for text in bad)
        raise ValueError(
            f"These statements have kind 'quote' but their text is not words inside quotation marks "
            f"in the article: {listed}. For each one, either copy the exact words between the quotation "
            f"marks, or set kind to 'paraphrase'."
        )


class QuoteCheckedStatements(StatementList):
    @model_validator(mode="after")
    def _quotes_are_verbatim(self, info: ValidationInfo) -> QuoteCheckedStatements:
        _check_quotes(self.statements, info)
        return self


class QuoteCheckedExtraction(ArticleExtraction):
    @model_validator(mode="after")
    def _quotes_are_verbatim(self, info: ValidationInfo) -> QuoteCheckedExtraction:
        _check_quotes(self.statements, info)
        return self
