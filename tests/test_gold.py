"""Integrity checks for the hand-written gold annotations.

Two gold sets are checked with the same rules:
- corpus/gold/<stem>.json for the seed articles corpus/<stem>.txt (first line = title, rest = body);
- corpus/dev/gold/<name>_<N>.json for row N (1-based) of corpus/dev/<name>.jsonl, whose `article` is
  "<name>.jsonl:<N>"; the body is the row's `text` and the title its `title`.

See docs/codebook.md for the annotation rules these checks enforce.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from schemas import ArticleExtraction

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD_DIR = CORPUS / "gold"
DEV_DIR = CORPUS / "dev"
DEV_GOLD_DIR = DEV_DIR / "gold"
SEED_GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))
DEV_GOLD_FILES = sorted(DEV_GOLD_DIR.glob("*.json"))
GOLD_FILES = SEED_GOLD_FILES + DEV_GOLD_FILES
JSONL_REF = re.compile(r"^(?P<name>[^/:]+)\.jsonl:(?P<row>[1-9]\d*)$")

OPEN_QUOTES = {'"', "“"}
CLOSE_QUOTES = {'"', "”"}
# Some texts close a quotation with two ASCII apostrophes ('' as in TeX), e.g. the VOA dev set.
CLOSE_QUOTE_PAIRS = {"''"}
ISO_BY_PRECISION = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "year": re.compile(r"^\d{4}$"),
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _jsonl_row(name: str, row: int) -> dict[str, Any]:
    """Row `row` (1-based) of corpus/dev/<name>.jsonl."""
    lines = (DEV_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    assert 1 <= row <= len(lines), f"{name}.jsonl has no row {row}"
    data: dict[str, Any] = json.loads(lines[row - 1])
    return data


def _article_text(gold: dict[str, Any]) -> str:
    """The whole article: title line, newline, body (for a .txt file, the file itself)."""
    article: str = gold["article"]
    m = JSONL_REF.match(article)
    if m:
        row = _jsonl_row(m["name"], int(m["row"]))
        return f"{row['title']}\n{row['text']}"
    return (CORPUS / article).read_text(encoding="utf-8")


def _body(text: str) -> str:
    """The article body: everything after the title line (as schemas.records.Article.text)."""
    return text.split("\n", 1)[1] if "\n" in text else ""


def _closes_quote(body: str, end: int) -> bool:
    return body[end : end + 1] in CLOSE_QUOTES or body[end : end + 2] in CLOSE_QUOTE_PAIRS


def _evidence_items(extraction: dict[str, Any]) -> list[tuple[str, str]]:
    items = []
    for kind in ("meetings", "statements", "positions"):
        for i, record in enumerate(extraction.get(kind, [])):
            for ev in record["evidence"]:
                items.append((f"{kind}[{i}]", ev))
    return items


def test_gold_files_exist() -> None:
    assert SEED_GOLD_FILES, f"no gold files in {GOLD_DIR}"
    assert DEV_GOLD_FILES, f"no gold files in {DEV_GOLD_DIR}"


def test_every_article_has_gold() -> None:
    articles = {p.name for p in CORPUS.glob("*.txt")}
    annotated = {_load(p)["article"] for p in SEED_GOLD_FILES}
    assert articles <= annotated, f"articles without gold: {sorted(articles - annotated)}"


def test_every_dev_row_has_gold() -> None:
    rows = {
        f"{p.stem}.jsonl:{i}"
        for p in DEV_DIR.glob("*.jsonl")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip()
    }
    annotated = {_load(p)["article"] for p in DEV_GOLD_FILES}
    assert rows <= annotated, f"dev rows without gold: {sorted(rows - annotated)}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_shape_and_article(path: Path) -> None:
    gold = _load(path)
    assert set(gold) == {"article", "notes", "extraction"}
    if path.parent == DEV_GOLD_DIR:
        m = JSONL_REF.match(gold["article"])
        assert m, f"dev gold article must be '<name>.jsonl:<N>', got {gold['article']!r}"
        assert path.stem == f"{m['name']}_{m['row']}"
        row = _jsonl_row(m["name"], int(m["row"]))
        assert isinstance(row.get("text"), str) and row["text"].strip()
    else:
        assert gold["article"] == f"{path.stem}.txt"
        assert (CORPUS / gold["article"]).is_file()
    assert isinstance(gold["notes"], str) and gold["notes"].strip()


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_extraction_validates(path: Path) -> None:
    ArticleExtraction.model_validate(_load(path)["extraction"])


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_evidence_is_verbatim(path: Path) -> None:
    gold = _load(path)
    text = _article_text(gold)
    body = _body(text)
    items = _evidence_items(gold["extraction"])
    assert items, "no evidence at all"
    missing = [(where, ev) for where, ev in items if not ev or ev not in text]
    assert not missing, f"evidence not in article text: {missing}"
    not_in_body = [(where, ev) for where, ev in items if ev not in body]
    assert not not_in_body, f"evidence taken from the title line, not the body: {not_in_body}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_every_record_has_evidence(path: Path) -> None:
    extraction = _load(path)["extraction"]
    for kind in ("meetings", "statements", "positions"):
        for i, record in enumerate(extraction[kind]):
            assert record["evidence"], f"{kind}[{i}] has no evidence"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_quotes_are_verbatim(path: Path) -> None:
    gold = _load(path)
    text = _article_text(gold)
    body = _body(text)
    for i, st in enumerate(gold["extraction"]["statements"]):
        if st["kind"] != "quote":
            continue
        quote = st["text"]
        assert quote in text, f"statements[{i}] quote not in article: {quote!r}"
        assert quote in body, f"statements[{i}] quote not in body: {quote!r}"
        # Exactly the characters inside a pair of quotation marks.
        enclosed = any(
            body[m.start() - 1 : m.start()] in OPEN_QUOTES and _closes_quote(body, m.end())
            for m in re.finditer(re.escape(quote), body)
        )
        assert enclosed, f"statements[{i}] quote is not exactly a quoted span: {quote!r}"
        assert any(quote in ev for ev in st["evidence"]), f"statements[{i}] evidence lacks the quote"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_internal_consistency(path: Path) -> None:
    extraction = _load(path)["extraction"]
    n_meetings = len(extraction["meetings"])
    for i, st in enumerate(extraction["statements"]):
        idx = st.get("meeting_index")
        assert idx is None or 0 <= idx < n_meetings, f"statements[{i}] meeting_index {idx} out of range"
    for i, m in enumerate(extraction["meetings"]):
        assert len(m["participants"]) >= 2, f"meetings[{i}] needs at least two named participants"
        date, precision = m.get("date"), m.get("date_precision", "unknown")
        if date is None:
            assert precision == "unknown", f"meetings[{i}] has precision {precision} but no date"
        else:
            assert precision in ISO_BY_PRECISION, f"meetings[{i}] dated but precision {precision}"
            assert ISO_BY_PRECISION[precision].match(date), f"meetings[{i}] date {date} != precision {precision}"
            dt.date.fromisoformat({"day": date, "month": f"{date}-01", "year": f"{date}-01-01"}[precision])
