"""`extractor events`, `export` and `review` on an output directory written from hand-made records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extractor.output import to_jsonl
from tests.dataset.factories import article, meeting


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


def _out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    body = "Alice Smith and Bruno Keller met."
    (tmp_path / "a1.txt").write_text(f"Title a1\n{body}\n", encoding="utf-8")
    meetings = [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
    ]
    (out / "articles.jsonl").write_text(to_jsonl([article("a1"), article("a2")]), encoding="utf-8")
    (out / "meetings.jsonl").write_text(to_jsonl(meetings), encoding="utf-8")
    for name in ("statements.jsonl", "positions.jsonl"):
        (out / name).write_text("", encoding="utf-8")
    return out


def test_events_export_and_review_commands(tmp_path: Path) -> None:
    out = _out_dir(tmp_path)
    done = _cli("events", str(out))
    assert done.returncode == 0, done.stderr
    assert "1 events from 2 meeting records: 1 reported more than once" in done.stdout
    (event,) = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert len(event["mentions"]) == 2
    done = _cli("export", str(out), "--to", "csv", "--dest", str(tmp_path / "csv"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "csv" / "event_mentions.csv").read_text().count("\n") == 3
    done = _cli("review", str(out), "--html", str(tmp_path / "review.html"), "--base", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "2 articles (0 with text), 1 events" in done.stdout  # a1.txt's text does not hash to id "a1"
    assert (tmp_path / "review.html").read_text().startswith("<!DOCTYPE html>")


def test_a_missing_output_directory_is_a_one_line_error(tmp_path: Path) -> None:
    done = _cli("export", str(tmp_path / "nope"), "--to", "parquet")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no such directory" in done.stderr
