from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extractor.corpus import SkippedInput, load_corpus
from extractor.errors import InputError


def test_seed_corpus_loads_with_stable_ids_and_dates(corpus_dir: Path) -> None:
    articles, skipped = load_corpus([corpus_dir])
    assert skipped == []
    by_name = {Path(a.source).name: a for a in articles}
    assert len(by_name) == 5
    assert by_name["001_65d1df8efce76b81.txt"].published == dt.date(2024, 4, 14)
    assert by_name["001_65d1df8efce76b81.txt"].published_raw is not None
    assert by_name["003_b79788a086d97685.txt"].published is None  # wire dateline without a year
    assert by_name["004_f280014935800b08.txt"].title == "Blinken meets Chinese counterpart Wang Yi in Beijing"
    again, _ = load_corpus([corpus_dir / "004_f280014935800b08.txt"])
    assert again[0].id == by_name["004_f280014935800b08.txt"].id


def test_bad_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.txt").write_bytes("Title\nCaf\xe9".encode("latin-1"))
    (tmp_path / "title_only.txt").write_text("Just a title\n")
    articles, skipped = load_corpus([tmp_path])
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert articles == []
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "no body" in reasons["title_only.txt"]


def test_jsonl_rows_become_articles_and_bad_rows_are_skipped(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "title": "T1", "text": "Body one.", "published": "2023-07-13", "url": "http://x"},
        {"title": "no text"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    articles, skipped = load_corpus([path])
    assert [a.title for a in articles] == ["T1"]
    assert articles[0].published == dt.date(2023, 7, 13) and articles[0].url == "http://x"
    assert [s.source for s in skipped] == [f"{path}:2", f"{path}:3"]


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_corpus([tmp_path / "nope"])


def test_glob_selects_files(corpus_dir: Path) -> None:
    articles, _ = load_corpus([str(corpus_dir / "00[34]_*.txt")])
    assert sorted(Path(a.source).name[:3] for a in articles) == ["003", "004"]


def test_a_jsonl_file_is_read_row_by_row_and_a_binary_row_stops_it(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    good = json.dumps({"text": "Ministers met in Oslo on Monday.", "title": "Talks"})
    path.write_bytes(f"{good}\n\n".encode() + b'{"text": "bad \x00 row"}\n' + f"{good}\n".encode())
    articles, skipped = load_corpus([path])
    assert len(articles) == 1 and articles[0].source == f"{path}:1"
    assert [(s.source, s.reason.split(";")[0]) for s in skipped] == [(f"{path}:3", "binary file (contains NUL bytes)")]


def test_an_empty_jsonl_file_is_skipped_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n  \n", encoding="utf-8")
    assert load_corpus([path]) == ([], [SkippedInput(str(path), "empty file")])


def test_lines_of_unicode_spaces_are_blank_and_byte_order_marks_are_dropped(tmp_path: Path) -> None:
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\u00a0\n\u2003 \n", encoding="utf-8")
    assert load_corpus([blank]) == ([], [SkippedInput(str(blank), "empty file")])
    rows = tmp_path / "rows.jsonl"
    good = json.dumps({"text": "Ministers met in Oslo on Monday.", "title": "Talks"})
    rows.write_text(f"\ufeff\ufeff{good}\n\u00a0\n{good}\n", encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("\ufeffTalks\nMinisters met in Oslo on Monday.\n", encoding="utf-8")
    articles, skipped = load_corpus([rows, page])
    assert skipped == []
    assert [a.source for a in articles] == [str(page), f"{rows}:1", f"{rows}:3"]
    assert {a.title for a in articles} == {"Talks"}
