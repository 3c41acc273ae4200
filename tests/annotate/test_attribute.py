from __future__ import annotations

from extractor.annotate.attribute import attribute_by_rule, sentence_speaker
from extractor.annotate.preannotate import Annotated, preannotate


def test_name_next_to_verb_of_saying(story: Annotated) -> None:
    assert attribute_by_rule(story)[1] == "Tomas Aravena"


def test_quote_paragraph_continues_previous_speaker(story: Annotated) -> None:
    assert attribute_by_rule(story)[2] == "Tomas Aravena"


def test_sentence_speaker_before_verb_wins(story: Annotated) -> None:
    assert sentence_speaker(story, 2) == "Ingrid Halvorsen"


def test_pronoun_resolves_to_last_person() -> None:
    annotated = preannotate(
        "Chilean Foreign Minister Tomas Aravena arrived on Monday.\n\u201cWe came to listen,\u201d he said."
    )
    assert attribute_by_rule(annotated) == {1: "Tomas Aravena"}


def test_unattributed_quote_left_open() -> None:
    annotated = preannotate("The banner read \u201cno more quotas for anyone.\u201d")
    assert attribute_by_rule(annotated) == {}


def test_a_surname_written_first_is_recognised() -> None:
    annotated = preannotate(
        "Foreign Minister Li Wen met Minister Tomas Aravena.\n"
        "\u201cWe agree on a lot of things,\u201d Li told reporters."
    )
    assert attribute_by_rule(annotated) == {1: "Li Wen"}
