"""The deterministic layer on the seed articles' real cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.corpus import load_corpus
from extractor.normalize.actors import ActorIndex, load_actors
from extractor.postprocess import RecordSet, article_flags, build_records
from extractor.scope import load_scope
from extractor.stories import Story, is_relevant, split_stories
from schemas import (
    Alignment,
    Article,
    ArticleExtraction,
    Meeting,
    MeetingStatus,
    Participant,
    Provenance,
    Statement,
    StatementKind,
)

PROVENANCE = Provenance(model="m", backend="b", prompt="p@v1", prompt_hash="h", strategy="single")


@pytest.fixture(scope="module")
def actors() -> ActorIndex:
    return load_actors()


def _article(corpus_dir: Path, stem: str) -> Article:
    (article,), _ = load_corpus([next(corpus_dir.glob(f"{stem}_*.txt"))])
    return article


def _records(article: Article, extraction: ArticleExtraction, actors: ActorIndex, strict: bool = False) -> RecordSet:
    story = split_stories(article.title, article.text)[0]
    return build_records(extraction, article, story, PROVENANCE, actors, strict)


def test_misdated_page_brinken_and_a_fake_quote_in_001(corpus_dir: Path, actors: ActorIndex) -> None:
    article = _article(corpus_dir, "001")
    meeting = Meeting(
        participants=[Participant(name="Wang Yi"), Participant(name="Brinken", title="US Secretary of State")],
        date_text="On the 13th", date="2024-04-13", status=MeetingStatus.held,
        evidence=["On the 13th local time, Wang Yi, Director of the Central Foreign Affairs Office, met with US "
                  "Secretary of State Antony Blinken at request in Jakarta."],
    )  # fmt: skip
    fake_quote = Statement(
        speaker="Wang Yi", text="China US relations were at a critical juncture", kind=StatementKind.quote,
        evidence=["Wang Yi said to Antony Blinken that China US relations were at a critical juncture"],
    )  # fmt: skip
    records = _records(article, ArticleExtraction(meetings=[meeting], statements=[fake_quote]), actors)
    (m,) = records.meetings
    assert m.date.iso == "2023-07-13" and m.date.confidence == "low"
    assert {"date_contradicts_page_date", "date_model_disagrees"} <= {f.code for f in m.flags}
    assert [p.canonical_name for p in m.participants] == ["Wang Yi", "Antony Blinken"]
    assert m.participants[1].name_as_written == "Brinken"
    span = m.evidence[0]
    assert span.alignment is Alignment.exact and article.text[span.start : span.end] == meeting.evidence[0]
    (s,) = records.statements
    assert s.statement.kind is StatementKind.paraphrase
    assert "quote_not_verbatim" in {f.code for f in s.flags}
    assert s.evidence[0].alignment is not Alignment.not_found


def test_friday_oct_27_in_002(corpus_dir: Path, actors: ActorIndex) -> None:
    article = _article(corpus_dir, "002")
    meeting = Meeting(
        participants=[Participant(name="Wang Yi"), Participant(name="Antony Blinken")], date_text="Friday (Oct 27)",
        status=MeetingStatus.held, evidence=["US officials stated Friday (Oct 27)"],
    )  # fmt: skip
    (m,) = _records(article, ArticleExtraction(meetings=[meeting]), actors).meetings
    assert (m.date.iso, m.date.method) == ("2023-10-27", "weekday_consistency")


def test_invented_evidence_is_flagged_and_dropped_in_strict_mode(corpus_dir: Path, actors: ActorIndex) -> None:
    article = _article(corpus_dir, "004")
    meeting = Meeting(
        participants=[Participant(name="Blinken"), Participant(name="Xi Jinping")], status=MeetingStatus.held,
        evidence=["Blinken and Xi signed a sweeping trade agreement on the moon."],
    )  # fmt: skip
    extraction = ArticleExtraction(meetings=[meeting])
    (m,) = _records(article, extraction, actors).meetings
    assert "evidence_not_found" in {f.code for f in m.flags}
    assert _records(article, extraction, actors, strict=True).meetings == []


def test_headline_mismatch_in_000_and_stitched_stories_in_001(corpus_dir: Path, actors: ActorIndex) -> None:
    a000, a001, a004 = (_article(corpus_dir, stem) for stem in ("000", "001", "004"))
    stories = split_stories(a000.title, a000.text)
    assert [f.code for f in article_flags(a000, stories, stories, actors)] == ["headline_body_mismatch"]
    stories = split_stories(a001.title, a001.text)
    us_china = load_scope("us-china")
    relevant = [s for s in stories if is_relevant(s) and us_china.admits_story(s)]
    flags = article_flags(a001, stories, relevant, actors)
    assert len(stories) == 6 and [s.index for s in relevant] == [0, 5]  # 5 mentions both countries
    assert [f.code for f in flags] == ["off_topic_story_skipped"] * 4
    assert "story 2 skipped (no diplomatic contact or speech)" in flags[1].reason
    assert "story 1 skipped (outside the run's scope)" in flags[0].reason
    stories = split_stories(a004.title, a004.text)
    assert article_flags(a004, stories, stories, actors) == []


def test_one_meeting_reported_in_two_paragraphs_becomes_one_record(corpus_dir: Path, actors: ActorIndex) -> None:
    article = _article(corpus_dir, "004")
    first = Meeting(
        participants=[Participant(name="Antony Blinken"), Participant(name="Wang Yi")], status=MeetingStatus.held,
        evidence=["U.S. Secretary of State Antony Blinken met Chinese Foreign Minister Wang Yi in Beijing on Friday"],
    )  # fmt: skip
    again = Meeting(
        participants=[Participant(name="Blinken"), Participant(name="Wang")], status=MeetingStatus.held,
        evidence=["As the pair settled into their opening session, Wang told Blinken"],
    )  # fmt: skip
    other = Meeting(
        participants=[Participant(name="Blinken"), Participant(name="Xi Jinping")], status=MeetingStatus.anticipated,
        evidence=["Blinken is likely to meet Chinese President Xi Jinping today"],
    )  # fmt: skip
    meetings = _records(article, ArticleExtraction(meetings=[first, again, other]), actors).meetings
    assert len(meetings) == 2
    merged = meetings[0]
    assert [e.text for e in merged.evidence] == first.evidence + again.evidence
    assert "merged_duplicate" in {f.code for f in merged.flags}


def test_a_story_that_is_not_english_is_flagged_with_its_script(corpus_dir: Path, actors: ActorIndex) -> None:
    article = _article(corpus_dir, "004")
    foreign = "外交部长在首都会见来访的外国代表团，双方就双边关系和共同关心的问题交换了意见。" * 6
    stories = [*split_stories(article.title, article.text), Story(index=1, title="外交", text=foreign, start=0)]
    relevant = [s for s in stories if is_relevant(s)]
    (flag,) = article_flags(article, stories, relevant, actors)
    assert flag.code == "non_english_story_skipped"
    assert "story 1 skipped, mostly CJK script" in flag.reason
