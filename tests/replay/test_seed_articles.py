"""Every seed article through the whole pipeline, on HTTP recorded from the embedded model.

The per-article expectations pin what the recorded model answered (so a
change in request building, parsing or post-processing shows up); the
invariants must hold whatever a model says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from extractor.batch import run_corpus
from extractor.config import Settings
from extractor.corpus import load_corpus
from extractor.ground import FUZZY_THRESHOLD, normalise, verify_quote
from schemas import (
    Alignment,
    ArticleResult,
    EvidenceSpan,
    MeetingRecord,
    PositionRecord,
    StatementKind,
    StatementRecord,
)
from tests.replay.conftest import ROOT

SEEDS = sorted(p.name for p in (ROOT / "corpus").glob("*.txt"))


def _rows(path: Path, model: type) -> list:  # type: ignore[type-arg]
    return [model.model_validate_json(line) for line in path.read_text().splitlines()]


def _run(name: str, settings: Settings, tmp_path: Path) -> tuple[list[ArticleResult], dict[str, list]]:  # type: ignore[type-arg]
    out = tmp_path / "out"
    report = run_corpus([ROOT / "corpus" / name], out, settings)
    assert [p.name for p in report.files] == [
        "articles.jsonl", "meetings.jsonl", "statements.jsonl", "positions.jsonl", "events.jsonl"
    ]
    records = {
        "meetings": _rows(out / "meetings.jsonl", MeetingRecord),
        "statements": _rows(out / "statements.jsonl", StatementRecord),
        "positions": _rows(out / "positions.jsonl", PositionRecord),
    }
    return _rows(out / "articles.jsonl", ArticleResult), records


@pytest.mark.vcr
@pytest.mark.parametrize("name", SEEDS)
def test_seed_article(name: str, replay_settings: Settings, tmp_path: Path) -> None:
    results, records = _run(name, replay_settings, tmp_path)
    (article,), _ = load_corpus([ROOT / "corpus" / name])
    assert [r.status.value for r in results] == ["ok"], results[0].error
    result = results[0]
    assert result.usage.calls >= 1 and result.usage.prompt_tokens > 0 and not result.cache_hit
    assert result.counts == {kind: len(rows) for kind, rows in records.items()}
    for rows in records.values():
        for record in rows:
            assert record.article_id == article.id
            for span in record.evidence:
                _assert_slices_to_evidence(span, article.text)
    for statement in records["statements"]:
        if statement.statement.kind is StatementKind.quote:
            assert verify_quote(statement.statement.text, article.text), statement.statement.text
    assert _summary(result, records) == EXPECTED[name]


def _assert_slices_to_evidence(span: EvidenceSpan, text: str) -> None:
    """Offsets give back the evidence: to the letter (exact), up to quotes/dashes/spaces (normalised), or
    above the fuzzy threshold (fuzzy)."""
    if span.alignment is Alignment.not_found:
        assert span.start is None and span.end is None
        return
    assert span.start is not None and span.end is not None and 0 <= span.start < span.end <= len(text)
    passage = text[span.start : span.end]
    if span.alignment is Alignment.exact:
        assert passage == span.text.strip()
    elif span.alignment is Alignment.normalised:
        assert normalise(passage) == normalise(span.text.strip())
    else:
        assert fuzz.partial_ratio(normalise(span.text).lower(), normalise(passage).lower()) >= FUZZY_THRESHOLD - 10


def _summary(result: ArticleResult, records: dict[str, list]) -> dict[str, object]:  # type: ignore[type-arg]
    return {
        "counts": result.counts,
        "flags": sorted({f.code for f in result.flags}),
        "meetings": [
            (sorted(p.canonical_name or p.name_as_written for p in m.participants), m.meeting.format.value, m.date.iso)
            for m in records["meetings"]
        ],
    }


# What the recorded model (Qwen2.5-Coder-1.5B Q4_K_M, annotate strategy, default scope) produced, after
# post-processing. Pinned from the replayed run, not gold: gold lives in corpus/gold/. Re-pin after re-recording.
EXPECTED: dict[str, dict[str, object]] = {
    "000_bf9e0f4ef3c2686e.txt": {
        "counts": {"meetings": 6, "statements": 8, "positions": 4},
        "flags": ["headline_body_mismatch"],
        "meetings": [
            (["Marco Rubio", "Wang Yi"], "phone", None),
            (["Pete Hegseth", "Wei Fenghe"], "phone", None),
            (["Marco Rubio", "Wang Yi"], "phone", None),
            (["Marco Rubio", "Wei Fenghe"], "phone", None),
            (["Wang Yi", "Xi Jinping"], "unknown", None),
            (["Donald Trump", "Marco Rubio"], "unknown", None),
        ],
    },
    "001_65d1df8efce76b81.txt": {
        "counts": {"meetings": 3, "statements": 25, "positions": 4},
        "flags": ["off_topic_story_skipped"],
        "meetings": [
            (["Antony Blinken", "Wang Yi"], "in_person", "2023-07-13"),
            (["Joe Biden", "Wang Yi"], "unknown", None),
            (["Antony Blinken", "Wang Yi"], "unknown", None),
        ],
    },
    "002_c2bc8e27856a4b4b.txt": {
        "counts": {"meetings": 4, "statements": 9, "positions": 3},
        "flags": [],
        "meetings": [
            (["Antony Blinken", "Jake Sullivan", "Wang Yi"], "in_person", None),
            (["Gina Raimondo", "Janet Yellen", "Wang Yi"], "in_person", None),
            (["Gina Raimondo", "Janet Yellen", "Wang Yi"], "in_person", None),
            (["Gina Raimondo", "Janet Yellen"], "unknown", None),
        ],
    },
    "003_b79788a086d97685.txt": {
        "counts": {"meetings": 3, "statements": 13, "positions": 7},
        "flags": [],
        "meetings": [
            (["Antony Blinken", "Wang Yi"], "in_person", None),
            (["Joe Biden", "Xi Jinping"], "unknown", "2022-07-09"),
            (["Barack Obama", "Daniel Russel"], "in_person", None),
        ],
    },
    "004_f280014935800b08.txt": {
        "counts": {"meetings": 5, "statements": 8, "positions": 3},
        "flags": [],
        "meetings": [
            (["Antony Blinken", "Wang Yi"], "in_person", None),
            (["Antony Blinken", "Wang Yi"], "in_person", None),
            (["Antony Blinken", "Joe Biden", "Xi Jinping"], "in_person", None),
            (["Antony Blinken", "Xi Jinping"], "unknown", None),
            (["Janet Yellen", "Joe Biden"], "unknown", None),
        ],
    },
}
