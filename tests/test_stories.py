from __future__ import annotations

from pathlib import Path

import pytest

from extractor.stories import Story, TopicKeywords, headline_mismatch, is_on_topic, split_stories

CORPUS = Path(__file__).parents[1] / "corpus"
PEOPLE = ["Blinken", "Rubio", "Wang Yi", "Hegseth", "Xi Jinping", "Biden", "Trump", "Austin", "Yellen", "Sullivan"]


def load(prefix: str) -> tuple[str, str]:
    """(title, body) of the corpus file starting with `prefix`."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    title, _, text = path.read_text(encoding="utf-8").partition("\n")
    return title, text


def assert_slices(text: str, stories: list[Story]) -> None:
    for i, story in enumerate(stories):
        assert story.index == i
        assert text[story.start : story.start + len(story.text)] == story.text


# --------------------------------------------------------------------------- split_stories


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_normal_article_is_one_story(prefix: str) -> None:
    title, text = load(prefix)
    stories = split_stories(title, text)
    assert len(stories) == 1
    assert stories[0] == Story(index=0, title=title, text=text, start=0)


def test_stitched_page_is_split() -> None:
    title, text = load("001")
    stories = split_stories(title, text)
    assert_slices(text, stories)
    assert len(stories) == 6
    first = stories[0]
    assert first.title == title
    assert "Wang Yi, Director of the Central Foreign Affairs Office, met with US Secretary of State" in first.text
    assert "approach China's development rationally." in first.text
    for off_topic in ("Fukushima", "ruble", "COVID", "Threads", "Austin", "India"):
        assert off_topic not in first.text
    topics = ["Fukushima", "ruble", "COVID", "Threads", "Austin"]
    for story, word in zip(stories[1:], topics, strict=True):
        assert word in story.text
        assert all(other not in story.text for other in topics if other != word)


def test_repeated_headline_becomes_title_and_is_not_in_text() -> None:
    title, text = load("001")
    stories = split_stories(title, text)
    assert stories[2].title.startswith("The Russian central bank urgently raised interest rates by 350 basis points")
    assert stories[2].text.lstrip().startswith("According to foreign media reports")
    assert stories[4].title.startswith("Is Twitter hanging?")
    assert "Is Twitter hanging?" not in stories[4].text


def test_pipe_headline_without_repeat_starts_a_story() -> None:
    text = "Wang Yi met Blinken in Jakarta.\n\nSomething else | Person | Topic\n\nUnrelated body.\n"
    stories = split_stories("T", text)
    assert [s.title for s in stories] == ["T", "Something else | Person | Topic"]
    assert stories[1].text.strip() == "Unrelated body."
    assert_slices(text, stories)


def test_headline_rules_need_a_preceding_paragraph() -> None:
    text = "Title again\nTitle again\n\nBody paragraph.\n"
    assert len(split_stories("Title again", text)) == 1
    text = "Site | Section | Page\n\nBody paragraph.\n"
    assert len(split_stories("T", text)) == 1


def test_long_repeated_line_is_not_a_headline() -> None:
    para = "x" * 400
    text = f"First paragraph.\n{para}\n{para}\n"
    assert len(split_stories("T", text)) == 1


# --------------------------------------------------------------------------- is_on_topic


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_seed_articles_on_topic(prefix: str) -> None:
    title, text = load(prefix)
    assert is_on_topic(split_stories(title, text)[0])


def test_only_first_story_of_stitched_page_on_topic() -> None:
    title, text = load("001")
    assert [is_on_topic(s) for s in split_stories(title, text)] == [True, False, False, False, False, False]


def test_us_india_story_mentioning_china_is_off_topic() -> None:
    title, text = load("001")
    austin = split_stories(title, text)[5]
    assert "China" in austin.title + austin.text and "US" in austin.text
    assert not is_on_topic(austin)


def test_custom_keywords() -> None:
    story = Story(index=0, title="", text="Modi met Austin in Delhi.", start=0)
    assert not is_on_topic(story)
    india = TopicKeywords(chinese_actors=("Modi",), us_actors=("Austin",), contact=("met",))
    assert is_on_topic(story, india)
    assert not is_on_topic(story, TopicKeywords(chinese_actors=("modi",), us_actors=("US",), contact=("met",)))


# --------------------------------------------------------------------------- headline_mismatch


def test_headline_about_blinken_over_rubio_body_is_flagged() -> None:
    title, text = load("000")
    flag = headline_mismatch(title, text, PEOPLE)
    assert flag is not None
    assert flag.code == "headline_body_mismatch"
    assert "Blinken" in flag.reason and "Rubio" in flag.reason
    assert "Wang Yi" not in flag.reason.split(";")[0]


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_consistent_headlines_not_flagged(prefix: str) -> None:
    title, text = load(prefix)
    assert headline_mismatch(title, text, PEOPLE) is None


def test_missing_person_without_other_subject_not_flagged() -> None:
    assert headline_mismatch("Blinken visits Beijing", "The secretary arrived on Friday.", PEOPLE) is None
    assert headline_mismatch("Blinken visits Beijing", "Rubio arrived on Friday.", PEOPLE) is not None
