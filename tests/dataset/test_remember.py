"""events.jsonl remembered by its inputs: reused for the same files, rebuilt for any change that can alter it."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import BaseModel

from extractor.dataset import remember
from extractor.dataset.load import iter_jsonl
from extractor.dataset.remember import (
    ARTICLES_FILE,
    RECORDS_FILES,
    EventsMemo,
    forget_all,
    remembered_files,
    write_events_remembered,
)
from extractor.dataset.write import write_events_from_files
from extractor.errors import InputError
from schemas import Event, MeetingStatus, Stance
from tests.dataset.factories import article, meeting, position, statement

CODE = "code-v1"


def _write(path: Path, rows: Sequence[BaseModel]) -> None:
    path.write_text("".join(row.model_dump_json() + "\n" for row in rows), encoding="utf-8")


def _output(out_dir: Path, published: str = "2030-03-05", ids: Sequence[str] = ("a1", "a2", "a3")) -> Path:
    """A small run's four files: two reports of one meeting, a meeting anticipated, a statement, a position."""
    out_dir.mkdir(parents=True)
    said = "Alice Smith urged Bruno Keller to cut tariffs."
    _write(out_dir / "articles.jsonl", [article(a, published) for a in ids])
    _write(out_dir / "meetings.jsonl", [
        meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04"),
        meeting("a2:s0:meeting:0", ["Bruno Keller", "Alice Smith"], "2030-03-04"),
        meeting("a3:s0:meeting:0", ["Alice Smith", "Chen Lan"], None, status=MeetingStatus.anticipated),
    ])  # fmt: skip
    _write(out_dir / "statements.jsonl", [
        statement("a1:s0:statement:0", "Alice Smith", "cut tariffs", "a1:s0:meeting:0", said)])  # fmt: skip
    _write(out_dir / "positions.jsonl", [position("a1:s0:position:0", "Alice Smith", Stance.demands, said)])
    return out_dir


class _Builds:
    """write_events_from_files, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, out_dir: Path) -> Path:
        self.calls += 1
        return write_events_from_files(out_dir)


@pytest.fixture
def memo(tmp_path: Path) -> EventsMemo:
    return EventsMemo(tmp_path / "cache" / "events", CODE)


@pytest.fixture
def first(tmp_path: Path, memo: EventsMemo) -> Path:
    """A run whose events were built and remembered."""
    out = _output(tmp_path / "first")
    path, reused = write_events_remembered(out, memo, write_events_from_files)
    assert not reused and len(remembered_files(memo.directory)) == 1
    return path


def test_the_same_files_reuse_the_events_byte_for_byte(tmp_path: Path, memo: EventsMemo, first: Path) -> None:
    build = _Builds()
    path, reused = write_events_remembered(_output(tmp_path / "second"), memo, build)
    assert reused and build.calls == 0
    assert path == tmp_path / "second" / "events.jsonl"
    assert path.read_bytes() == first.read_bytes()
    assert [e.article_ids for e in iter_jsonl(path, Event)] == [["a1", "a2"], ["a3"]]
    assert sorted(p.name for p in path.parent.iterdir()) == [  # no temporary file left
        "articles.jsonl", "events.jsonl", "meetings.jsonl", "positions.jsonl", "statements.jsonl"]  # fmt: skip


def test_only_the_ids_and_dates_of_articles_count(tmp_path: Path, memo: EventsMemo, first: Path) -> None:
    cold_then_warm = _output(tmp_path / "usage")  # a warm rerun counts its calls as cache hits: not an event matter
    rows = (cold_then_warm / "articles.jsonl").read_text().replace('"cache_hits":0', '"cache_hits":3')
    assert rows != (first.parent / "articles.jsonl").read_text()
    (cold_then_warm / "articles.jsonl").write_text(rows)
    assert write_events_remembered(cold_then_warm, memo, _Builds())[1]
    build = _Builds()
    assert not write_events_remembered(_output(tmp_path / "dated", published="2030-03-06"), memo, build)[1]
    assert build.calls == 1


@pytest.mark.parametrize("ids", [("a1", "a2", "a4"), ("a2", "a1", "a3")], ids=["an id changed", "reordered"])
def test_other_article_ids_or_order_rebuild(tmp_path: Path, memo: EventsMemo, first: Path, ids: tuple[str]) -> None:
    build = _Builds()  # the same dates: what changes is which record gets which date, and the article order
    assert not write_events_remembered(_output(tmp_path / "other", ids=ids), memo, build)[1]
    assert build.calls == 1


def test_the_key_reads_every_file_the_events_step_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _output(tmp_path / "out")
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        if self.parent == out:
            opened.append(self.name)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", spy)
    write_events_from_files(out)
    assert set(opened) == {ARTICLES_FILE, *RECORDS_FILES}  # a file read by the step but not keyed: stale reuse


@pytest.mark.parametrize("name", ["meetings.jsonl", "statements.jsonl", "positions.jsonl"])
def test_any_change_to_a_records_file_rebuilds(tmp_path: Path, memo: EventsMemo, first: Path, name: str) -> None:
    changed = _output(tmp_path / "changed")
    with (changed / name).open("a", encoding="utf-8") as rows:
        rows.write("\n")  # even a blank line: the key is the bytes, not a reading of them
    build = _Builds()
    assert write_events_remembered(changed, memo, build) == (changed / "events.jsonl", False)
    assert build.calls == 1 and len(remembered_files(memo.directory)) == 2


def test_other_code_rebuilds(tmp_path: Path, memo: EventsMemo, first: Path) -> None:
    build = _Builds()
    newer = EventsMemo(memo.directory, "code-v2")
    assert not write_events_remembered(_output(tmp_path / "second"), newer, build)[1]
    assert build.calls == 1


@pytest.mark.parametrize("damage", ["cut short", "flipped byte", "not zstd"])
def test_a_damaged_file_is_a_miss_rebuilt_and_replaced(
    tmp_path: Path, memo: EventsMemo, first: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    (stored,) = memo.directory.iterdir()
    data = stored.read_bytes()
    if damage == "cut short":
        data = data[:-3]  # only the frame's checksum lost: every event line still decodes
    elif damage == "flipped byte":
        data = data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1 :]
    else:
        data = b"{}\n"
    stored.write_bytes(data)
    build = _Builds()
    with caplog.at_level(logging.WARNING, logger="extractor.dataset.remember"):
        path, reused = write_events_remembered(_output(tmp_path / "second"), memo, build)
    assert not reused and build.calls == 1 and "damaged" in caplog.text
    assert path.read_bytes() == first.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == [  # nothing torn or temporary left
        "articles.jsonl", "events.jsonl", "meetings.jsonl", "positions.jsonl", "statements.jsonl"]  # fmt: skip
    assert write_events_remembered(_output(tmp_path / "third"), memo, _Builds())[1]  # remembered again, whole


def test_the_most_recently_used_are_kept(tmp_path: Path, memo: EventsMemo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remember, "KEEP", 2)
    outs = [_output(tmp_path / f"run{day}", published=f"2030-03-0{day}") for day in (1, 2, 3)]
    keys = []
    for out in outs[:2]:
        write_events_remembered(out, memo, write_events_from_files)
        keys.append(memo.key(out))
    older = memo.directory / f"{keys[0]}{remember.SUFFIX}"
    os.utime(older, ns=(0, 0))
    os.utime(memo.directory / f"{keys[1]}{remember.SUFFIX}", ns=(1, 1))
    assert write_events_remembered(outs[0], memo, _Builds())[1]  # used again: now the most recent
    write_events_remembered(outs[2], memo, write_events_from_files)
    assert sorted(p.name for p in memo.directory.iterdir()) == sorted(
        f"{key}{remember.SUFFIX}" for key in (keys[0], memo.key(outs[2]))
    )


def test_without_a_memo_or_with_a_file_missing_the_events_are_built(tmp_path: Path, memo: EventsMemo) -> None:
    build = _Builds()
    out = _output(tmp_path / "out")
    assert write_events_remembered(out, None, build) == (out / "events.jsonl", False)
    (out / "articles.jsonl").unlink()
    with pytest.raises(InputError, match=r"articles\.jsonl: no such file"):
        write_events_remembered(out, memo, build)  # the events step's own message
    assert build.calls == 2 and len(remembered_files(memo.directory)) == 0


def test_an_unwritable_memo_directory_is_warned_about_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cache").write_text("a file where the directory would go")
    memo = EventsMemo(tmp_path / "cache" / "events", CODE)
    with caplog.at_level(logging.WARNING, logger="extractor.dataset.remember"):
        path, reused = write_events_remembered(_output(tmp_path / "out"), memo, write_events_from_files)
    assert path.is_file() and not reused and "could not remember events.jsonl" in caplog.text


def test_forget_all_deletes_every_file_and_what_a_stopped_store_left(
    tmp_path: Path, memo: EventsMemo, first: Path
) -> None:
    shutil.copy(next(memo.directory.iterdir()), memo.directory / f"{'0' * 64}{remember.SUFFIX}")
    (memo.directory / f".{'1' * 64}{remember.SUFFIX}.x7k2.tmp").write_bytes(b"killed mid-write")
    assert len(remembered_files(memo.directory)) == 2
    assert forget_all(memo.directory) == 2 and list(memo.directory.iterdir()) == []
    assert not write_events_remembered(_output(tmp_path / "second"), memo, _Builds())[1]
    assert forget_all(tmp_path / "never-made") == 0


def test_a_restore_stands_when_the_file_age_cannot_be_set(
    tmp_path: Path, memo: EventsMemo, first: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(remember.os, "utime", refuse)  # a cache shared read-only
    build = _Builds()
    assert write_events_remembered(_output(tmp_path / "second"), memo, build)[1] and build.calls == 0


def test_a_file_let_go_by_another_run_meanwhile_does_not_stop_eviction(
    tmp_path: Path, memo: EventsMemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remember, "KEEP", 1)
    ghost = memo.directory / f"{'0' * 64}{remember.SUFFIX}"
    listed = remember.remembered_files
    monkeypatch.setattr(remember, "remembered_files", lambda directory: [ghost, *listed(directory)])
    for day in (1, 2):
        write_events_remembered(_output(tmp_path / f"run{day}", published=f"2030-03-0{day}"), memo,
                                write_events_from_files)  # fmt: skip
    assert [p.name for p in listed(memo.directory)] == [f"{memo.key(tmp_path / 'run2')}{remember.SUFFIX}"]
