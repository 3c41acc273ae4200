from __future__ import annotations

from extractor.annotate.preannotate import Annotated, find_quotations, preannotate, split_sentences
from tests.annotate.conftest import STORY


def test_sentences_are_exact_slices_and_respect_abbreviations(story: Annotated) -> None:
    assert len(story.sentences) == 6
    for span in story.sentences:
        assert STORY[span.start : span.end] == span.text
    assert story.sentences[4].text.startswith("Mr. Aravena will visit Bergen")


def test_sentence_split_keeps_closing_quote_with_its_sentence() -> None:
    spans = split_sentences("He said \u201cno.\u201d Then he left.")
    assert [s.text for s in spans] == ["He said \u201cno.\u201d", "Then he left."]


def test_quotations_exact_between_marks(story: Annotated) -> None:
    texts = [q.span.text for q in story.quotations]
    assert texts == ["We agreed to meet again before the end of the year,", "The talks were useful.", "new limits."]
    for q in story.quotations:
        assert STORY[q.span.start - 1] == "\u201c" and STORY[q.span.end] == "\u201d"
    assert [q.sentence for q in story.quotations] == [3, 4, 6]


def test_straight_quotes_found() -> None:
    text = 'She said "we will not move." Nobody answered.'
    quotes = find_quotations(text, split_sentences(text))
    assert [q.span.text for q in quotes] == ["we will not move."]


def test_people_with_titles_and_countries_and_short_forms(story: Annotated) -> None:
    people = {a.name: a for a in story.people}
    assert set(people) == {"Ingrid Halvorsen", "Tomas Aravena"}
    assert people["Ingrid Halvorsen"].title == "Foreign Minister"
    assert people["Ingrid Halvorsen"].country == "Norway"
    assert people["Tomas Aravena"].country == "Chile"


def test_institutions_and_countries_listed(story: Annotated) -> None:
    kinds = {a.name: a.kind for a in story.actors}
    assert kinds.get("Foreign Ministry") == "institution"


def test_sentence_initial_common_word_is_not_a_name() -> None:
    annotated = preannotate("Perhaps Halvorsen knew. The minister, Ingrid Halvorsen, said so.")
    assert [a.name for a in annotated.people] == ["Ingrid Halvorsen"]


def test_a_run_with_a_country_word_is_not_a_person() -> None:
    annotated = preannotate("Members of the Party Free Norway met. The Institute of Chilean Studies said so.")
    assert annotated.people == []


def test_demonym_alone_is_no_country_actor() -> None:
    annotated = preannotate("Norwegian officials met Chilean Foreign Minister Tomas Aravena in Oslo.")
    assert "Norwegian" not in {a.name for a in annotated.actors}


def test_a_place_after_in_is_not_a_person() -> None:
    annotated = preannotate("Minister Ingrid Halvorsen met Minister Tomas Aravena in San Remo on Friday.")
    assert [a.name for a in annotated.people] == ["Ingrid Halvorsen", "Tomas Aravena"]


def test_what_is_written_just_before_a_name_counts_however_far_into_the_story() -> None:
    filler = "Talks went on for hours and nobody said much about anything at all. " * 40  # ~2,700 characters
    annotated = preannotate(filler + "The foreign minister, Ingrid Halvorsen, met a Chilean envoy, Tomas Aravena.")
    people = {a.name: a for a in annotated.people}
    assert people["Ingrid Halvorsen"].title == "foreign minister"
    assert people["Tomas Aravena"].country == "Chile"


def test_a_name_after_one_very_long_word_is_read_with_the_whole_text_before_it() -> None:
    annotated = preannotate("Officials met in " + "x" * 300 + " Minister Tomas Aravena spoke.")
    assert [a.name for a in annotated.people] == ["Tomas Aravena"]
