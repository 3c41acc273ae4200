"""Response models that check the model's answer against the article.

instructor feeds a `ValueError` raised here back to the model and re-asks
(bounded by `Settings.max_reasks`). The article arrives through
`checking_against` (a context variable set around the call), not through
instructor's `context=`: instructor renders every message as a Jinja template
when given a context, and article text must reach the model byte for byte.
Outside `checking_against` the same models validate silently (reading a
cached answer, loading output files).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from pydantic import model_validator

from extractor.ground import verify_quote
from schemas import ArticleExtraction, Statement, StatementKind, StatementList


def unverified_quotes(statements: list[Statement], article_text: str) -> list[str]:
    return [s.text for s in statements if s.kind is StatementKind.quote and not verify_quote(s.text, article_text)]


_ARTICLE_TEXT: ContextVar[str | None] = ContextVar("article_text", default=None)


@contextlib.contextmanager
def checking_against(article_text: str | None) -> Iterator[None]:
    """Quotes in answers validated inside this block are checked against `article_text` (None: not checked)."""
    token = _ARTICLE_TEXT.set(article_text or None)
    try:
        yield
    finally:
        _ARTICLE_TEXT.reset(token)


def _check_quotes(statements: list[Statement]) -> None:
    article_text = _ARTICLE_TEXT.get()
    if article_text is None:
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
    def _quotes_are_verbatim(self) -> QuoteCheckedStatements:
        _check_quotes(self.statements)
        return self


class QuoteCheckedExtraction(ArticleExtraction):
    @model_validator(mode="after")
    def _quotes_are_verbatim(self) -> QuoteCheckedExtraction:
        _check_quotes(self.statements)
        return self
