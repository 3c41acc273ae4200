"""One-line summaries of dataset commands, for the CLI to print. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.dataset.tables import Table
from schemas import Event


def events_summary(events: Sequence[Event], meetings: int) -> str:
    several = sum(1 for e in events if len(e.mentions) > 1)
    flagged = sum(1 for e in events if e.flags)
    linked = sum(1 for e in events if any(link.relation == "anticipates" for link in e.links))
    return (
        f"{len(events)} events from {meetings} meeting records: {several} reported more than once, "
        f"{flagged} with conflicting reports, {linked} anticipations linked to a held meeting"
    )


def export_summary(tables: Sequence[Table], paths: Sequence[Path]) -> str:
    counts = ", ".join(f"{t.name} {len(t.rows)}" for t in tables)
    return f"rows: {counts}\nwrote {', '.join(str(p) for p in paths)}"
