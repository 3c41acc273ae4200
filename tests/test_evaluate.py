"""Scoring predictions against gold: matching rules, metrics, findings, loading."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from rich.console import Console

from extractor.errors import GoldError, InputError
from extractor.evaluate import (
    ArticleScores,
    Finding,
    GoldArticle,
    PredictedArticle,
    aggregate,
    dates_compatible,
    evaluate_run,
    format_scores,
    greedy_match,
    name_key,
    person_key,
    score_article,
    scores_json,
)
from extractor.output import to_jsonl
from schemas.extraction import (
    ArticleExtraction,
    Issue,
    Location,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Participant,
    Position,
    Stance,
    Statement,
    StatementKind,
)
from schemas.records import (
    ActorRef,
    ArticleResult,
    ArticleStatus,
    MeetingRecord,
    PositionRecord,
    Provenance,
    ResolvedDate,
    StatementRecord,
)

ARTICLE = "001_test.txt"
ARTICLE_ID = "a1"
MEETING_EVIDENCE = "Blinken met Wang Yi in Beijing on June 19."
QUOTE = "China will never compromise on Taiwan"
TEXT = (
    f"{MEETING_EVIDENCE} They also spoke by phone on June 25.\n\n"
    f'Wang Yi said: "{QUOTE}."\n\n'
    "Blinken said the talks were candid and constructive."
)
PROVENANCE = Provenance(model="m", backend="test", prompt="p@1", prompt_hash="h", strategy="single")

# ---------------------------------------------------------------- builders


def meeting(
    people: Sequence[str] = ("Antony Blinken", "Wang Yi"),
    date: str | None = "2023-06-19",
    city: str | None = "Beijing",
    fmt: MeetingFormat = MeetingFormat.in_person,
    evidence: str = MEETING_EVIDENCE,
) -> Meeting:
    return Meeting(
        participants=[Participant(name=name) for name in people],
        date=date,
        location=Location(city=city) if city else None,
        format=fmt,
        status=MeetingStatus.held,
        evidence=[evidence],
    )


def statement(speaker: str, text: str, kind: StatementKind) -> Statement:
    return Statement(speaker=speaker, text=text, kind=kind, evidence=[text])


def position(holder: str, issue: Issue = Issue.taiwan, stance: Stance = Stance.opposes) -> Position:
    return Position(holder=holder, issue=issue, stance=stance, summary=f"{holder} on {issue.value}", evidence=["x"])


def meeting_record(m: Meeting, n: int = 0, iso: str | None = None) -> MeetingRecord:
    return MeetingRecord(
        id=f"{ARTICLE_ID}:meeting:{n}",
        article_id=ARTICLE_ID,
        provenance=PROVENANCE,
        meeting=m,
        date=ResolvedDate(iso=iso),
    )


def statement_record(s: Statement, n: int = 0) -> StatementRecord:
    return StatementRecord(
        id=f"{ARTICLE_ID}:statement:{n}",
        article_id=ARTICLE_ID,
        provenance=PROVENANCE,
        statement=s,
        speaker=ActorRef(name_as_written=s.speaker),
    )


def position_record(p: Position, n: int = 0) -> PositionRecord:
    return PositionRecord(
        id=f"{ARTICLE_ID}:position:{n}",
        article_id=ARTICLE_ID,
        provenance=PROVENANCE,
        position=p,
        holder=ActorRef(name_as_written=p.holder),
    )


def result(status: ArticleStatus = ArticleStatus.ok, source: str = f"corpus/{ARTICLE}") -> ArticleResult:
    return ArticleResult(id=ARTICLE_ID, title="t", source=source, status=status)


def predicted(
    meetings: Sequence[Meeting] = (),
    statements: Sequence[Statement] = (),
    positions: Sequence[Position] = (),
    status: ArticleStatus = ArticleStatus.ok,
) -> PredictedArticle:
    return PredictedArticle(
        result=result(status),
        meetings=tuple(meeting_record(m, n) for n, m in enumerate(meetings)),
        statements=tuple(statement_record(s, n) for n, s in enumerate(statements)),
        positions=tuple(position_record(p, n) for n, p in enumerate(positions)),
    )


def notes(findings: Sequence[Finding], kind: str) -> list[str | None]:
    return [f.note for f in findings if f.type == kind]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def gold_extraction() -> ArticleExtraction:
    return ArticleExtraction(
        meetings=[meeting()],
        statements=[statement("Wang Yi", QUOTE, StatementKind.quote)],
        positions=[position("Wang Yi")],
    )


@pytest.fixture
def gold(gold_extraction: ArticleExtraction) -> GoldArticle:
    return GoldArticle(article=ARTICLE, gold_file="gold/001_test.json", extraction=gold_extraction, text=TEXT)


@pytest.fixture
def perfect(gold_extraction: ArticleExtraction) -> PredictedArticle:
    e = gold_extraction
    return predicted(e.meetings, e.statements, e.positions)


@pytest.fixture
def score(gold: GoldArticle) -> Callable[[PredictedArticle | None], ArticleScores]:
    """Score a prediction for the `gold` article with plain name keys (no actor index)."""
    return lambda pred: score_article(gold, pred, name_key)


# ---------------------------------------------------------------- matching and metrics


def test_perfect_match_scores_one_everywhere(score: Callable[..., ArticleScores], perfect: PredictedArticle) -> None:
    scores = aggregate([score(perfect)])
    for name in ("meetings", "statements", "positions", "all"):
        counts = scores.totals[name]
        assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0), name
    assert scores.articles[0].misses == [] and scores.articles[0].false_positives == []
    assert {name: t.accuracy for name, t in scores.fields.items()} == {
        "meeting.date": 1.0, "meeting.format": 1.0, "meeting.status": 1.0, "meeting.city": 1.0,
        "statement.kind": 1.0, "position.stance": 1.0,
    }  # fmt: skip
    assert scores.quotes_checked == 1 and scores.fabricated_quotes == 0


def test_missed_meeting_lowers_recall_and_is_listed(gold: GoldArticle, perfect: PredictedArticle) -> None:
    call = meeting(date="2023-06-25", city=None, fmt=MeetingFormat.phone, evidence="They also spoke by phone")
    gold.extraction.meetings.append(call)
    scores = score_article(gold, perfect, name_key)
    counts = scores.counts["meetings"]
    assert (counts.precision, counts.recall) == (1.0, 0.5)
    assert counts.f1 == pytest.approx(2 / 3)
    (miss,) = scores.misses
    assert miss.type == "meeting" and "2023-06-25" in miss.description
    assert miss.evidence == "They also spoke by phone"


def test_date_off_by_more_than_a_day_is_a_miss_and_a_false_positive(
    score: Callable[..., ArticleScores],
) -> None:
    scores = score(predicted(meetings=[meeting(date="2023-06-21")]))
    assert scores.counts["meetings"].matched == 0
    (miss_note,) = notes(scores.misses, "meeting")
    assert len(notes(scores.false_positives, "meeting")) == 1
    assert miss_note is not None and "dates disagree (gold 2023-06-19, predicted 2023-06-21)" in miss_note


def test_date_within_a_day_matches_and_is_correct(score: Callable[..., ArticleScores]) -> None:
    scores = score(predicted(meetings=[meeting(date="2023-06-20")]))
    assert scores.counts["meetings"].matched == 1
    assert scores.fields["meeting.date"].correct == 1


def test_resolved_date_overrides_the_model_date(gold: GoldArticle) -> None:
    record = meeting_record(meeting(date="2023-06-01"), iso="2023-06-19")
    pred = PredictedArticle(result=result(), meetings=(record,))
    assert score_article(gold, pred, name_key).counts["meetings"].matched == 1


def test_month_prediction_matches_a_day_but_the_date_field_is_wrong(score: Callable[..., ArticleScores]) -> None:
    scores = score(predicted(meetings=[meeting(date="2023-06")]))
    assert scores.counts["meetings"].matched == 1
    assert (scores.fields["meeting.date"].correct, scores.fields["meeting.date"].total) == (0, 1)


def test_unknown_gold_date_is_correct_only_when_prediction_is_unknown(gold: GoldArticle) -> None:
    gold.extraction.meetings[0] = meeting(date=None)
    dated = score_article(gold, predicted(meetings=[meeting()]), name_key)
    undated = score_article(gold, predicted(meetings=[meeting(date=None)]), name_key)
    assert dated.counts["meetings"].matched == 1 and dated.fields["meeting.date"].correct == 0
    assert undated.fields["meeting.date"].correct == 1


@pytest.mark.parametrize(
    ("gold_date", "pred_date", "expected"),
    [
        ("2023-06-19", "2023-06-18", True),
        ("2023-06-19", "2023-06-17", False),
        ("2023-06", "2023-06-30", True),
        ("2023-06", "2023-07-01", False),
        ("2023", "2023-12", True),
        (None, "2023-06-19", True),
        ("not a date", "2023-06-19", True),
    ],
)
def test_dates_compatible(gold_date: str | None, pred_date: str, expected: bool) -> None:
    assert dates_compatible(gold_date, pred_date) is expected


def test_participants_must_overlap_by_half_of_the_larger_list(score: Callable[..., ArticleScores]) -> None:
    half = score(predicted(meetings=[meeting(people=("Wang Yi", "Qin Gang"))]))
    padded = score(predicted(meetings=[meeting(people=("Wang Yi", "Qin Gang", "Xi Jinping"))]))
    assert half.counts["meetings"].matched == 1
    assert padded.counts["meetings"].matched == 0


def test_duplicate_prediction_is_one_false_positive(score: Callable[..., ArticleScores]) -> None:
    scores = score(predicted(meetings=[meeting(), meeting()]))
    counts = scores.counts["meetings"]
    assert (counts.matched, counts.predicted, counts.precision, counts.recall) == (1, 2, 0.5, 1.0)
    (fp,) = scores.false_positives
    assert fp.note is not None and fp.note.startswith("duplicate")


def test_greedy_matching_prefers_the_best_pair_over_the_first() -> None:
    def overlap(g: str, p: str) -> tuple[float, ...] | None:
        shared = len(set(g) & set(p))
        return (float(shared),) if shared else None

    assert greedy_match(["ab", "a"], ["a", "ab"], overlap) == [(0, 1), (1, 0)]


def test_statement_kind_accuracy_and_fabricated_quote(score: Callable[..., ArticleScores]) -> None:
    paraphrased = statement("Wang Yi", QUOTE, StatementKind.paraphrase)
    invented = statement("Blinken", "the talks were candid", StatementKind.quote)
    scores = score(predicted(statements=[paraphrased, invented]))
    assert scores.counts["statements"].matched == 1
    assert (scores.fields["statement.kind"].correct, scores.fields["statement.kind"].total) == (0, 1)
    assert scores.quotes_checked == 1
    assert [f.description for f in scores.fabricated_quotes] == ["Blinken (quote): the talks were candid"]


def test_statement_needs_the_same_speaker_and_similar_text(score: Callable[..., ArticleScores]) -> None:
    other_speaker = score(predicted(statements=[statement("Qin Gang", QUOTE, StatementKind.quote)]))
    other_text = score(predicted(statements=[statement("Wang Yi", "Trade talks resume", StatementKind.paraphrase)]))
    assert other_speaker.counts["statements"].matched == 0 and other_text.counts["statements"].matched == 0
    assert notes(other_speaker.misses, "statement") == ["text matches a prediction attributed to 'Qin Gang'"]
    (note,) = notes(other_text.misses, "statement")
    assert note is not None and note.startswith("same speaker, but text similarity")


def test_position_matches_on_holder_and_issue_and_scores_stance(score: Callable[..., ArticleScores]) -> None:
    matched = score(predicted(positions=[position("Wang Yi", stance=Stance.warns)]))
    wrong_issue = score(predicted(positions=[position("Wang Yi", issue=Issue.trade_tariffs)]))
    wrong_holder = score(predicted(positions=[position("Qin Gang")]))
    assert matched.counts["positions"].matched == 1
    assert (matched.fields["position.stance"].correct, matched.fields["position.stance"].total) == (0, 1)
    assert wrong_issue.counts["positions"].matched == 0 and wrong_holder.counts["positions"].matched == 0
    assert notes(wrong_issue.misses, "position") == ["same holder, but the prediction's issue is trade_tariffs"]
    expected = "same issue and stance, but the prediction's holder is 'Qin Gang'"
    assert notes(wrong_holder.misses, "position") == [expected]


def test_person_key_uses_the_canonical_name(gold: GoldArticle) -> None:
    def match(name: str) -> ActorRef:
        known = {"Blinken": "Antony Blinken", "Antony Blinken": "Antony Blinken"}
        return ActorRef(name_as_written=name, canonical_name=known.get(name))

    key = person_key(match)
    assert key("Blinken") == key("Antony Blinken") == "antony blinken"
    assert key("Wang Yi’s") == "wang yi"
    pred = predicted(meetings=[meeting(people=("Blinken", "Wang Yi"))])
    assert score_article(gold, pred, key).counts["meetings"].matched == 1


def test_failed_prediction_counts_every_gold_record_as_a_miss(
    score: Callable[..., ArticleScores], perfect: PredictedArticle
) -> None:
    failed = PredictedArticle(result=result(ArticleStatus.failed), meetings=perfect.meetings)
    scores = score(failed)
    assert scores.prediction == "failed"
    assert [c.recall for c in scores.counts.values()] == [0.0, 0.0, 0.0]
    assert scores.counts["meetings"].predicted == 0
    assert all(f.note is not None and "no ok prediction" in f.note for f in scores.misses)
    assert score(None).prediction == "no prediction row in the run"


# ---------------------------------------------------------------- end to end


def write_run(directory: Path, pred: PredictedArticle) -> Path:
    directory.mkdir()
    (directory / "articles.jsonl").write_text(to_jsonl([pred.result]), encoding="utf-8")
    (directory / "meetings.jsonl").write_text(to_jsonl(pred.meetings), encoding="utf-8")
    (directory / "statements.jsonl").write_text(to_jsonl(pred.statements), encoding="utf-8")
    (directory / "positions.jsonl").write_text(to_jsonl(pred.positions), encoding="utf-8")
    return directory


@pytest.fixture
def corpus(tmp_path: Path, gold_extraction: ArticleExtraction) -> Path:
    """tmp corpus: two articles with gold files (the second one never predicted)."""
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    for name in (ARTICLE, "002_unpredicted.txt"):
        (corpus / name).write_text(f"Title line\n\n{TEXT}\n", encoding="utf-8")
        gold = {"article": name, "notes": "", "extraction": gold_extraction.model_dump(mode="json")}
        (corpus / "gold" / name.replace(".txt", ".json")).write_text(json.dumps(gold), encoding="utf-8")
    return corpus


def test_evaluate_run_end_to_end(tmp_path: Path, corpus: Path, gold_extraction: ArticleExtraction) -> None:
    e = gold_extraction
    fabricated = statement("Antony Blinken", "the talks were candid", StatementKind.quote)
    pred_dir = write_run(tmp_path / "out", predicted(e.meetings, [*e.statements, fabricated], e.positions))
    scores = evaluate_run(corpus / "gold", pred_dir, corpus)
    assert [a.article for a in scores.articles] == [ARTICLE, "002_unpredicted.txt"]
    assert scores.without_prediction == ["002_unpredicted.txt"]
    assert (scores.totals["meetings"].matched, scores.totals["meetings"].gold) == (1, 2)
    assert (scores.totals["statements"].predicted, scores.totals["statements"].matched) == (2, 1)
    assert scores.fabricated_quotes == 1
    assert json.loads(scores_json(scores))["totals"]["all"]["recall"] == pytest.approx(0.5)
    console = Console(record=True, width=250)
    for renderable in format_scores(scores):
        console.print(renderable)
    rendered = console.export_text()
    assert "No ok prediction for 002_unpredicted.txt" in rendered
    assert "Fabricated verbatim quotes: 1 of 2" in rendered
    assert "False positives: predictions not matched (1)" in rendered
    assert "Misses: gold records not matched (3)" in rendered


def test_invalid_gold_file_names_the_file(tmp_path: Path, corpus: Path, perfect: PredictedArticle) -> None:
    bad = corpus / "gold" / "003_bad.json"
    bad.write_text(json.dumps({"article": "003.txt", "extraction": {"meetings": [{"participants": []}]}}))
    with pytest.raises(GoldError) as raised:
        evaluate_run(corpus / "gold", write_run(tmp_path / "out", perfect), corpus)
    message = str(raised.value)
    assert str(bad) in message and "extraction.meetings[0]" in message and "\n" not in message


def test_gold_file_that_is_not_json_is_a_gold_error(tmp_path: Path, corpus: Path, perfect: PredictedArticle) -> None:
    (corpus / "gold" / "004_broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match=r"004_broken\.json: not valid JSON"):
        evaluate_run(corpus / "gold", write_run(tmp_path / "out", perfect), corpus)


def test_missing_prediction_files_are_an_input_error(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "articles.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing meetings\.jsonl, statements\.jsonl, positions\.jsonl"):
        evaluate_run(corpus / "gold", tmp_path / "out", corpus)
