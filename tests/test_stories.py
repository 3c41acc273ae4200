from __future__ import annotations

from pathlib import Path

import pytest

from extractor import stories
from extractor.stories import (
    Story,
    headline_mismatch,
    is_diplomatic,
    is_relevant,
    name_mentions,
    non_english_reason,
    split_stories,
)

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


# --------------------------------------------------------------------------- relevance: the general signal


def story(text: str, title: str = "") -> Story:
    return Story(index=0, title=title, text=text, start=0)


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_seed_articles_are_english_and_diplomatic(prefix: str) -> None:
    title, text = load(prefix)
    first = split_stories(title, text)[0]
    assert non_english_reason(first) is None
    assert is_diplomatic(first) and is_relevant(first)


def test_stitched_stories_of_001_are_judged_one_by_one() -> None:
    stories = split_stories(*load("001"))
    assert is_diplomatic(stories[0])
    assert is_diplomatic(stories[1])  # a prime minister meeting two other leaders
    assert not is_diplomatic(stories[2])  # a central bank's rate decision: no named actor, no office
    assert is_diplomatic(stories[5])  # a defence minister's visit and talks with his counterpart
    # The signal errs towards inclusion (stories 3 and 4 have a speech verb and names): the model decides.


@pytest.mark.parametrize(
    "text",
    [
        "The foreign ministers of Norway and Chile met in Oslo on Monday to discuss fisheries.",
        "Maria Lopez said the Central Bank of Ruritania would not change course.",
        "Elena Marsh, the ambassador, told reporters the talks would resume next week.",
    ],
)
def test_contact_or_speech_with_names_or_an_office_is_diplomatic(text: str) -> None:
    assert is_diplomatic(story(text))


@pytest.mark.parametrize(
    "text",
    [
        "Heavy rain flooded several streets on Tuesday and schools closed early.",
        "They met again and talked for hours about the weather.",  # a contact, but no one named and no office
        "Jane Doe and John Roe opened a bakery in the old town.",  # names, but no contact or speech
    ],
)
def test_other_stories_are_not_diplomatic(text: str) -> None:
    assert not is_diplomatic(story(text))


def test_name_mentions_are_capitalised_runs_without_openers_or_sentence_ends() -> None:
    text = "The Foreign Ministry met Jane Doe in Lima. Officials said U.S. Trade Representative Ana Kowalska left."
    assert name_mentions(text) == {"Foreign Ministry", "Jane Doe", "U.S. Trade Representative Ana Kowalska"}


def test_non_english_stories_get_a_reason_naming_the_script_or_language() -> None:
    han = story("外交部长在首都会见来访的外国代表团，双方就双边关系和共同关心的问题交换了意见。" * 6)
    assert "CJK" in (non_english_reason(han) or "")
    cyrillic = story("Министр иностранных дел встретился с коллегой в столице и обсудил отношения. " * 4)
    assert "Cyrillic" in (non_english_reason(cyrillic) or "")
    french = story(
        "Le ministre des Affaires étrangères a rencontré son homologue à Paris pour discuter de la situation "
        "régionale. Les deux responsables ont souligné l'importance du dialogue et de la coopération entre leurs "
        "pays, selon un communiqué publié mardi soir par le ministère."
    )
    assert "not English" in (non_english_reason(french) or "")
    assert not is_relevant(han) and not is_relevant(french)


def test_english_and_too_short_stories_have_no_language_reason() -> None:
    english = story("The foreign minister met her counterpart in the capital on Monday. " * 5)
    assert non_english_reason(english) is None
    assert non_english_reason(story("Дипломаты встретились.")) is None  # too short to judge


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


@pytest.mark.parametrize(
    ("phrases", "text", "count"),
    [
        (("Jean-Luc Marchetti", "Jean-Luc", "Marchetti"), "Jean-Luc Marchetti met Marchetti's aide.", 2),
        (("Ana Kowal",), "Ana Kowalska spoke.", 0),  # every word run present would not be enough: Kowal ≠ Kowalska
        (("Ana Kowal", "Ana", "Kowal"), "ANA KOWAL and Kowalski", 0),  # capitalised phrases match as written
        (("minister",), "The Minister said", 1),  # an all-lower-case phrase matches in any case
        (("O'Neill",), "Talks with O'Neill ended.", 1),
    ],
)
def test_mentions_counts_whole_word_matches_only(phrases: tuple[str, ...], text: str, count: int) -> None:
    assert stories._mentions(phrases, text) == count
    assert stories._mentions(phrases, text) == len(stories._phrases_regex(phrases).findall(text))
