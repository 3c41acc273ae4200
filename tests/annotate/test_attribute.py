from __future__ import annotations

from pathlib import Path

from extractor.annotate import attribute
from extractor.annotate.attribute import _MentionFinder, _scan_each_form, attribute_by_rule, sentence_speaker
from extractor.annotate.preannotate import Actor, Annotated, preannotate
from extractor.corpus import load_corpus


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


def _texts_of(story: Annotated) -> list[str]:
    """The texts the rules look for mentions in: the story, each sentence, and the story up to each sentence."""
    return [story.text, *(s.text for s in story.sentences), *(story.text[: s.start] for s in story.sentences)]


def test_one_scan_finds_the_same_mentions_as_scanning_form_by_form(corpus_dir: Path) -> None:
    articles, _ = load_corpus([corpus_dir, corpus_dir / "dev" / "voa_dev.jsonl"])
    for article in articles:
        story = preannotate(article.text)
        finder = _MentionFinder.of(story.actors)
        assert finder.pattern is not None
        for text in _texts_of(story):
            assert finder.mentions(text) == _scan_each_form(text, story)


def test_a_form_that_overlaps_itself_is_scanned_form_by_form() -> None:
    # One scan would take "Li Li" at 7 (overlapping the "Li Li" at 4 that "Wen Li" covers); form by form finds
    # "Li Li" only at 4, so "Li" at 7 and at 10 are the mentions (of "Wen Li", the first actor with that form).
    wen = Actor("Wen Li", "person")
    story = Annotated("Wen Li Li Li said.", [], [], [wen, Actor("Li Li", "person")])
    assert _MentionFinder.of(story.actors).pattern is None
    assert attribute._mentions(story.text, story) == [(0, wen), (7, wen), (10, wen)]


def test_rules_are_computed_once_per_story(story: Annotated) -> None:
    first = attribute_by_rule(story)
    first[99] = "changed by a caller"
    assert attribute_by_rule(story) == {k: v for k, v in first.items() if k != 99}
    assert ("by_rule",) in story.memo


def _last_person_by_prefix_scan(story: Annotated, offset: int) -> Actor | None:
    """The reference: scan the prefix itself, as the rules did before they reused the whole text's scan (one
    scan, which finds what scanning form by form does: the test above)."""
    finder, prefix = _MentionFinder.of(story.actors), story.text[:offset]
    found = finder.mentions(prefix) if finder.pattern is not None else _scan_each_form(prefix, story)
    return next((a for _, a in reversed(found) if a.kind == "person"), None)


def test_the_last_person_before_an_offset_is_what_a_scan_of_the_prefix_finds(corpus_dir: Path) -> None:
    articles, _ = load_corpus([corpus_dir, corpus_dir / "dev" / "voa_dev.jsonl"])
    checked = 0
    for article in articles:
        story = preannotate(article.text)
        # every offset near a mention (where a form may be cut off) and every sentence start
        near = {s + d for s, _ in attribute._mentions(story.text, story) for d in range(-1, 8)}
        for offset in sorted({s.start for s in story.sentences} | near):
            if 0 <= offset <= len(story.text):
                assert attribute._lastperson_before(story, offset) == _last_person_by_prefix_scan(story, offset)
                checked += 1
    assert checked > 1000


def test_a_name_cut_off_by_the_offset_counts_as_what_is_left_of_it() -> None:
    # "Li Wen" cut after "Li" reads as "Li", a form the story gives first to another person.
    li, wen = Actor("Li Qiang", "person", forms={"Li"}), Actor("Li Wen", "person")
    story = Annotated("Li Wen spoke. Then Li Wen left.", [], [], [li, wen])
    cut = story.text.rindex("Wen") - 1
    assert attribute._lastperson_before(story, cut) == li == _last_person_by_prefix_scan(story, cut)
    assert attribute._lastperson_before(story, len(story.text)) == wen
