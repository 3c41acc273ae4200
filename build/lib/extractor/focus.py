"""Focused calls: the paragraphs of a story worth asking about meetings one by one.

A small model asked for every meeting of a long article lists one or two;
asked about one paragraph, it rarely misses the meeting in it. Only
paragraphs with a meeting cue (``focus.meeting`` in ``extractor/data/cues.yaml``)
are sent, and at most MAX_PARAGRAPHS, so the cost per story stays bounded.
"""

from __future__ import annotations

from extractor.cues import default_cues

MAX_PARAGRAPHS = 12
MIN_CHARS = 40


def meeting_paragraphs(text: str, limit: int = MAX_PARAGRAPHS) -> list[str]:
    """Paragraphs (lines) of `text` that mention a contact between people, in order."""
    cue = default_cues().focus_meeting
    paragraphs = [line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_CHARS]
    return [p for p in paragraphs if cue.search(p)][:limit]
