from __future__ import annotations

from pathlib import Path

from extractor.focus import MAX_PARAGRAPHS, meeting_paragraphs
from extractor.stories import split_stories


def _body(corpus_dir: Path, stem: str) -> tuple[str, str]:
    title, _, body = next(corpus_dir.glob(f"{stem}_*.txt")).read_text().partition("\n")
    return title, body


def test_paragraphs_with_contact_words_of_000(corpus_dir: Path) -> None:
    _, body = _body(corpus_dir, "000")
    paragraphs = meeting_paragraphs(body)
    assert paragraphs[0].startswith("On September 10th, US Secretary of State Marco Rubio held a phone call")
    assert any(p.startswith("During the East Asia Summit in Malaysia") for p in paragraphs)
    assert any(p.startswith("The day before Rubio’s call with Wang Yi") for p in paragraphs)
    assert not any(p.startswith("China and India are major buyers") for p in paragraphs)


def test_only_the_first_story_of_001_and_a_bounded_number(corpus_dir: Path) -> None:
    title, body = _body(corpus_dir, "001")
    story = split_stories(title, body.strip("\n"))[0]
    paragraphs = meeting_paragraphs(story.text)
    assert 0 < len(paragraphs) <= MAX_PARAGRAPHS
    assert all(p in story.text for p in paragraphs)
    assert not any("Fukushima" in p for p in paragraphs)
