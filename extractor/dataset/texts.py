"""Article texts for the review page: an output directory keeps no text, so it is read again from each
article's `source` (a file, or a JSONL file and line), relative to a base directory. An article whose file is
gone or changed (its id no longer matches the text) gets no text: the page lists its records without
highlights."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from extractor.corpus import load_corpus
from schemas import ArticleResult

_LINE = re.compile(r":\d+$")


def source_file(source: str) -> str:
    return _LINE.sub("", source)


def load_texts(articles: Sequence[ArticleResult], base: Path) -> dict[str, str]:
    files = sorted({source_file(a.source) for a in articles})
    paths = [base / f for f in files if (base / f).is_file()]
    found, _ = load_corpus(paths) if paths else ([], [])
    by_id = {article.id: article.text for article in found}
    return {a.id: by_id[a.id] for a in articles if a.id in by_id}
