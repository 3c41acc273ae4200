"""One-line summaries of dataset commands, for the CLI to print. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from extractor.dataset.tables import Table
from schemas import Event


def events_summary(events: Iterable[Event]) -> str:
    """Read once, so `events` may stream from events.jsonl."""
    total = meetings = several = flagged = linked = 0
    for e in events:
        total, meetings = total + 1, meetings + len(e.mentions)
        several += len(e.mentions) > 1
        flagged += bool(e.flags)
        linked += any(link.relation == "anticipates" for link in e.links)
    return (
        f"{total} events from {meetings} meeting records: {several} reported more than once, "
        f"{flagged} with conflicting reports, {linked} anticipations linked to a held meeting"
    )


def export_summary(tables: Sequence[Table], paths: Sequence[Path]) -> str:
    counts = ", ".join(f"{t.name} {len(t.rows)}" for t in tables)
    return f"rows: {counts}\nwrote {', '.join(str(p) for p in paths)}"
