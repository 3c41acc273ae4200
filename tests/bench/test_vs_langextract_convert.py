"""bench/vs_langextract.py: LangExtract's extractions → extractor's records, checked on a hand-built worker result.

No LangExtract, no server, no model: the worker's JSON is written here by hand for an invented article.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from extractor.corpus import load_corpus
from extractor.evaluate import evaluate_run, load_run
from extractor.output import write_outputs
from schemas.records import Alignment, ArticleStatus, MeetingRecord, StatementRecord

ROOT = Path(__file__).resolve().parents[2]

TEXT = (
    "HARWICK — Foreign Minister Aldo Varen met his counterpart Mira Castell on Tuesday, officials said.\n\n"
    '"We will keep talking," Varen said after the talks. Castell later spoke by phone with Lorin Abbe.'
)
OTHER = "A second article with no meetings at all."


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vs_langextract", ROOT / "bench" / "vs_langextract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _extraction(cls: str, needle: str, attributes: dict[str, Any], alignment: str = "match_exact") -> dict[str, Any]:
    start, end = _span(TEXT, needle)
    return {"class": cls, "text": needle, "start": start, "end": end, "alignment": alignment,
            "attributes": attributes, "index": 1, "group": 0}  # fmt: skip


def _raw() -> dict[str, Any]:
    """What bench/_langextract_worker.py writes, for two articles (rows 1 and 3; row 2 is blank)."""
    return {
        "tool": "langextract", "version": "1.7.1", "model": "some-model", "prompt": "vs_langextract@1",
        "prompt_hash": "0123456789abcdef", "seconds": 1.0,
        "articles": [
            {
                "row": 1, "sha256": hashlib.sha256(TEXT.encode()).hexdigest(), "error": None, "seconds": 0.5,
                "usage": {"prompt_tokens": 900, "completion_tokens": 120, "calls": 2}, "warnings": [],
                "extractions": [
                    _extraction("meeting", "Foreign Minister Aldo Varen met his counterpart Mira Castell on Tuesday",
                                {"participants": "Aldo Varen; Mira Castell", "date": "2024-05-07",
                                 "format": "in_person"}),
                    _extraction("quote", "We will keep talking", {"speaker": "Aldo Varen"}),
                    # a fuzzy alignment whose text differs from the slice, and a list-valued attribute
                    {**_extraction("meeting", "Castell later spoke by phone with Lorin Abbe",
                                   {"participants": ["Mira Castell", "Lorin Abbe"], "date": "later",
                                    "format": "phone call"}, alignment="match_fuzzy"),
                     "text": "Castell spoke by phone with Lorin Abbe"},
                    # not found in the article: no char_interval
                    {"class": "quote", "text": "words nobody said", "start": None, "end": None, "alignment": None,
                     "attributes": {"speaker": None}, "index": 2, "group": 1},
                    {"class": "other", "text": "ignored", "start": 0, "end": 7, "alignment": "match_exact",
                     "attributes": {}, "index": 3, "group": 2},
                ],
            },
            {"row": 3, "sha256": hashlib.sha256(OTHER.encode()).hexdigest(), "error": "InferenceRuntimeError: boom",
             "seconds": 0.1, "usage": {"prompt_tokens": 0, "completion_tokens": 0, "calls": 1}, "warnings": [],
             "extractions": []},
        ],
    }  # fmt: skip


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    rows = [
        json.dumps({"id": "a", "title": "Talks", "published": "2024-05-08", "text": TEXT}),
        "",
        json.dumps({"id": "b", "title": "Other", "published": "2024-05-08", "text": OTHER}),
        json.dumps({"id": "c", "title": "Unseen by LangExtract", "published": "2024-05-08", "text": "Third text."}),
    ]
    (directory / "mini.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return directory


def test_converted_rows_validate_and_offsets_slice_the_text(corpus: Path, tmp_path: Path) -> None:
    articles, _ = load_corpus([corpus / "mini.jsonl"])
    tables = bench.convert(_raw(), articles)
    out = tmp_path / "pred"
    write_outputs(out, tables)
    run = load_run(out)  # every row re-read under schemas.ArticleResult / MeetingRecord / StatementRecord / ...

    by_source = {Path(r.source).name: r for r in run.articles}
    assert set(by_source) == {"mini.jsonl:1", "mini.jsonl:3", "mini.jsonl:4"}
    first = by_source["mini.jsonl:1"]
    assert first.id == hashlib.sha256(TEXT.encode()).hexdigest()[:16]
    assert first.status == ArticleStatus.ok
    assert (first.usage.prompt_tokens, first.usage.completion_tokens, first.usage.calls) == (900, 120, 2)
    assert first.counts == {"meetings": 2, "statements": 2, "positions": 0}
    assert by_source["mini.jsonl:3"].status == ArticleStatus.failed
    assert by_source["mini.jsonl:3"].error == "InferenceRuntimeError: boom"
    assert by_source["mini.jsonl:4"].status == ArticleStatus.failed  # no worker row at all
    assert run.positions == []

    records: list[MeetingRecord | StatementRecord] = [*run.meetings, *run.statements]
    assert all(r.article_id == first.id for r in records)
    for record in records:
        for span in record.evidence:
            if span.alignment == Alignment.exact:
                assert span.start is not None and span.end is not None
                assert TEXT[span.start : span.end] == span.text
    exact, fuzzy = run.meetings
    assert exact.evidence[0].alignment == Alignment.exact
    assert [p.name for p in exact.meeting.participants] == ["Aldo Varen", "Mira Castell"]
    assert (exact.meeting.date, exact.meeting.date_precision.value, exact.date.iso) == (
        "2024-05-07",
        "day",
        "2024-05-07",
    )
    assert exact.meeting.format.value == "in_person"
    assert fuzzy.evidence[0].alignment == Alignment.fuzzy
    assert fuzzy.evidence[0].start is not None and fuzzy.evidence[0].end is not None
    assert TEXT[fuzzy.evidence[0].start : fuzzy.evidence[0].end] == "Castell later spoke by phone with Lorin Abbe"
    assert [p.name for p in fuzzy.meeting.participants] == ["Mira Castell", "Lorin Abbe"]
    assert (fuzzy.meeting.date, fuzzy.meeting.date_text, fuzzy.meeting.format.value) == (None, "later", "phone")

    quote, lost = run.statements
    assert (quote.statement.kind.value, quote.statement.speaker, quote.statement.text) == (
        "quote", "Aldo Varen", "We will keep talking")  # fmt: skip
    assert lost.evidence[0].alignment == Alignment.not_found and lost.evidence[0].start is None
    assert [f.code.value for f in lost.flags] == ["evidence_not_found"]
    assert [r.id for r in records] == [f"{first.id}:meeting:0", f"{first.id}:meeting:1",
                                       f"{first.id}:statement:0", f"{first.id}:statement:1"]  # fmt: skip


def test_the_same_scorer_pairs_the_converted_rows_with_gold(corpus: Path, tmp_path: Path) -> None:
    articles, _ = load_corpus([corpus / "mini.jsonl"])
    write_outputs(tmp_path / "pred", bench.convert(_raw(), articles))
    gold = tmp_path / "gold"
    gold.mkdir()
    extraction = {
        "meetings": [{"participants": [{"name": "Aldo Varen"}, {"name": "Mira Castell"}], "date": "2024-05-07",
                      "date_precision": "day", "format": "in_person", "status": "held", "evidence": ["met"]}],
        "statements": [{"speaker": "Aldo Varen", "text": "We will keep talking", "kind": "quote",
                        "evidence": ["We will keep talking"]}],
    }  # fmt: skip
    (gold / "mini_1.json").write_text(json.dumps({"article": "mini.jsonl:1", "extraction": extraction}))
    scores = evaluate_run(gold_dir=gold, pred_dir=tmp_path / "pred", corpus_dir=corpus)
    meetings = scores.totals["meetings"]
    assert (meetings.gold, meetings.predicted, meetings.matched) == (1, 2, 1)
    assert scores.quote_recall.matched == 1 and scores.quote_recall.recall == 1.0


def test_a_different_text_in_the_same_row_is_refused(corpus: Path) -> None:
    articles, _ = load_corpus([corpus / "mini.jsonl"])
    raw = _raw()
    raw["articles"][0]["sha256"] = "0" * 64
    with pytest.raises(bench.BenchError, match="sha256"):
        bench.convert(raw, articles)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-05-07", ("2024-05-07", "day")), ("2024-05", ("2024-05", "month")), ("2024", ("2024", "year")),
     ("2024-02-30", (None, "unknown")), ("Tuesday", (None, "unknown")), ("", (None, "unknown"))],
)  # fmt: skip
def test_iso_date(value: str, expected: tuple[str | None, str]) -> None:
    iso, precision = bench.iso_date(value)
    assert (iso, precision.value) == expected


def test_split_participants() -> None:
    assert bench.split_participants("A One; B Two ;A One") == ["A One", "B Two"]
    assert bench.split_participants("A One, B Two and C Three") == ["A One", "B Two", "C Three"]
    assert bench.split_participants(None) == []


def test_table_and_ratios_render(tmp_path: Path) -> None:
    from rich.console import Console

    ours = bench.ToolRun("extractor", tmp_path, seconds=30.0, prompt_tokens=1000, completion_tokens=200, calls=8)
    theirs = bench.ToolRun("LangExtract", tmp_path, seconds=60.0, prompt_tokens=4000, completion_tokens=100, calls=50)
    theirs.score_error = "no gold"
    assert bench.ratio_line([ours, theirs]) == (
        "extractor / LangExtract: seconds 0.50×, prompt tokens 0.25×, completion tokens 2.00×"
    )
    assert bench.ratio_line([ours]) is None
    console = Console(record=True, width=200)
    console.print(bench.results_table([ours, theirs], "t"))
    text = console.export_text()
    assert "30.0" in text and "1,000 / 200" in text and "not scored" in text
