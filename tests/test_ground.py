from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractor.ground import (
    FUZZY_THRESHOLD,
    align_evidence,
    demote_unverified_quote,
    normalise,
    normalise_with_map,
    quoted_spans,
    speaker_named,
    verify_quote,
)
from schemas.extraction import Statement, StatementKind
from schemas.records import Alignment

CORPUS = Path(__file__).parents[1] / "corpus"


def article(prefix: str) -> str:
    """The article body (everything after the title line) of the corpus file starting with `prefix`."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").partition("\n")[2]


def statement(speaker: str, text: str, kind: StatementKind = StatementKind.quote) -> Statement:
    return Statement(speaker=speaker, text=text, kind=kind, evidence=[text])


# --------------------------------------------------------------------------- align_evidence

# (text, evidence, alignment, the passage text[start:end] must equal)
ALIGN_CASES = [
    ("Wang Yi met Blinken.", "Wang Yi met", Alignment.exact, "Wang Yi met"),
    ("  padded  ", "  padded ", Alignment.exact, "padded"),
    ("外交部长王毅会见了布林肯。", "王毅会见了布林肯", Alignment.exact, "王毅会见了布林肯"),
    ("新闻：“中美关系”——王毅说…好。", '"中美关系"--王毅说...好', Alignment.normalised, "“中美关系”——王毅说…好"),
    ("He said “it’s fine” — twice.", 'said "it\'s fine" - twice', Alignment.normalised, "said “it’s fine” — twice"),
    ("😀 line one\n\n  line   two 😀 end", "line one line two 😀", Alignment.normalised, "line one\n\n  line   two 😀"),
    ("a\u200bb “quoted” c", 'ab "quoted"', Alignment.normalised, "a\u200bb “quoted”"),
]


@pytest.mark.parametrize(("text", "evidence", "alignment", "passage"), ALIGN_CASES)
def test_align_table(text: str, evidence: str, alignment: Alignment, passage: str) -> None:
    span = align_evidence(evidence, text)
    assert span.alignment is alignment
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == passage
    assert span.text == evidence


def test_exact_alignment_in_real_article() -> None:
    text = article("004")
    evidence = "Blinken arrived in Beijing on Thursday from Shanghai"
    span = align_evidence(evidence, text)
    assert span.alignment is Alignment.exact
    assert span.start == text.index(evidence)
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == evidence


def test_curly_quote_evidence_given_with_straight_quotes() -> None:
    text = article("004")
    evidence = 'Wang told Blinken that the "great ship" of the China-U.S. relationship had stabilised'
    span = align_evidence(evidence, text)
    assert span.alignment is Alignment.normalised
    assert span.start is not None and span.end is not None
    passage = text[span.start : span.end]
    assert passage == "Wang told Blinken that the “great ship” of the China-U.S. relationship had stabilised"
    assert normalise(passage) == evidence


def test_em_dash_and_ellipsis_normalised_in_real_articles() -> None:
    text = article("001")
    span = align_evidence("the website of the US State Department wrote--", text)
    assert span.alignment is Alignment.normalised
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == "the website of the US State Department wrote——"

    text = article("003")
    span = align_evidence('"There is no substitute for personal ... diplomacy', text)
    assert span.alignment is Alignment.normalised
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == "“There is no substitute for personal … diplomacy"


def test_fuzzy_alignment_covers_the_passage() -> None:
    text = article("004")
    passage = "spend several hours with Wang across closed-door meetings at the Diaoyutai State Guesthouse"
    evidence = "spend several hours with Wang across closed door meetings at the Diaoyutai State Guesthous"
    span = align_evidence(evidence, text)
    assert span.alignment is Alignment.fuzzy
    assert span.score is not None and FUZZY_THRESHOLD <= span.score < 100
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == passage  # widened to the whole word "Guesthouse"


def test_fuzzy_alignment_with_misspelt_name() -> None:
    text = article("001")
    passage = "Previously, Brinken met with Wang Yi during his visit to China from June 18 to 19."
    span = align_evidence("Previously, Blinken met with Wang Yi during his visit to China from June 18 to 19.", text)
    assert span.alignment is Alignment.fuzzy
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == passage


@pytest.mark.parametrize(
    "evidence",
    [
        "The two ministers agreed to restore military hotlines before the end of the year.",
        "Lavrov",  # too short to align fuzzily, and not in the text
        "   ",
    ],
)
def test_not_found(evidence: str) -> None:
    span = align_evidence(evidence, article("004"))
    assert span.alignment is Alignment.not_found
    assert span.start is None and span.end is None and span.score is None


# --------------------------------------------------------------------------- quoted_spans


def test_quoted_spans_curly_straight_and_single() -> None:
    text = 'He said “one” and "two"; she’s sure ‘three’ was it, and the ‘90s’ charm.\n“four'
    got = [text[a:b] for a, b in quoted_spans(text)]
    assert got == ["one", "two", "three", "four"]


def test_quoted_spans_ignore_apostrophes() -> None:
    text = "There’s no quote here, and the leaders’ views don’t count."
    assert quoted_spans(text) == []


def test_quoted_spans_in_real_article() -> None:
    text = article("004")
    got = [text[a:b] for a, b in quoted_spans(text)]
    assert "great ship" in got
    assert "There’s no substitute in our judgement for face-to-face diplomacy," in got
    assert all("Blinken said" not in g for g in got)


# --------------------------------------------------------------------------- verify_quote


def test_real_quote_with_curly_apostrophe_is_verified() -> None:
    text = article("004")
    assert verify_quote("There’s no substitute in our judgement for face-to-face diplomacy", text)
    assert verify_quote("There's no substitute in our judgement for face-to-face diplomacy", text)


def test_quote_with_ellipsis_is_verified() -> None:
    text = article("003")
    assert verify_quote("There is no substitute for personal … diplomacy", text)
    assert verify_quote("China and the United States are two big countries ... maintain normal exchanges", text)
    assert not verify_quote("China and the United States ... stays on the right track", text)


def test_part_of_a_quoted_span_is_verified_but_not_mid_word() -> None:
    text = article("004")
    assert verify_quote("China’s legitimate development rights have been unreasonably suppressed", text)
    assert not verify_quote("ina’s legitimate development", text)


def test_unquoted_sentence_is_not_a_quote() -> None:
    text = article("001")
    assert "China US relations were at a critical juncture" in text
    assert not verify_quote("China US relations were at a critical juncture", text)
    assert not verify_quote("...", text)


# --------------------------------------------------------------------------- speakers


@pytest.mark.parametrize(
    ("speaker", "prefix", "named"),
    [
        ("Antony Blinken", "004", True),
        ("Secretary of State Blinken", "003", True),
        ("Wang Yi", "003", True),
        ("Wang Yi", "002", True),
        ("the Chinese Foreign Ministry", "000", True),
        ("US State Department", "000", True),
        ("China Daily", "004", True),
        ("Jake Sullivan", "002", True),
        ("Jake Sullivan", "004", False),
        ("Sergey Lavrov", "004", False),
        ("Ma Zhaoxu", "004", False),
        ("US", "003", True),
        ("us", "003", False),
    ],
)
def test_speaker_named(speaker: str, prefix: str, named: bool) -> None:
    assert speaker_named(speaker, article(prefix)) is named


# --------------------------------------------------------------------------- demote_unverified_quote


def test_paraphrase_presented_as_quote_is_demoted_and_flagged() -> None:
    text = article("001")
    original = statement("Wang Yi", "China US relations were at a critical juncture")
    before = original.model_dump()
    fixed, flags = demote_unverified_quote(original, text)
    assert fixed.kind is StatementKind.paraphrase
    assert fixed.text == original.text
    assert [f.code for f in flags] == ["quote_not_verbatim"]
    assert original.kind is StatementKind.quote
    assert original.model_dump() == before
    assert fixed is not original and fixed.evidence is not original.evidence


def test_verified_quote_kept_without_flags() -> None:
    original = statement("Blinken", "There’s no substitute in our judgement for face-to-face diplomacy")
    fixed, flags = demote_unverified_quote(original, article("004"))
    assert fixed.kind is StatementKind.quote
    assert flags == []
    assert fixed == original and fixed is not original


def test_unknown_speaker_flagged() -> None:
    original = statement("Sergey Lavrov", "There is no substitute for personal … diplomacy")
    fixed, flags = demote_unverified_quote(original, article("003"))
    assert fixed.kind is StatementKind.quote
    assert [f.code for f in flags] == ["speaker_not_in_article"]
    assert "Sergey Lavrov" in flags[0].reason


def test_paraphrase_is_not_checked_for_quotes() -> None:
    original = statement("Wang Yi", "China US relations were at a critical juncture", StatementKind.paraphrase)
    fixed, flags = demote_unverified_quote(original, article("001"))
    assert fixed.kind is StatementKind.paraphrase
    assert flags == []


def test_fast_normalise_equals_the_mapped_form_on_mixed_text() -> None:
    # Letters, every mapped and dropped character, and whitespace of several kinds, in random runs.
    alphabet = "ab Z.\t\n\r\u00a0\u2003\u3000“”„‟‘’‚‛‐‑‒–—―−…\u200b\u200c\u200d\u2060\ufeff\u00ad"
    rng = random.Random(12)
    for _ in range(2_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert normalise(text) == normalise_with_map(text).text, repr(text)
    assert normalise(article("000")) == normalise_with_map(article("000")).text
