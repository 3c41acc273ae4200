from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.journal import JOURNAL_NAME, Entry, IdDigests, Journal, locked, write_final


def _entry(index: int, article_id: str, ok: bool, meetings: int = 1) -> Entry:
    row = json.dumps({"id": article_id, "status": "ok" if ok else "failed"})
    records = [json.dumps({"id": f"{article_id}:m{i}", "article_id": article_id}) for i in range(meetings if ok else 0)]
    return Entry(index, article_id, ok, row, {"meetings.jsonl": records})


def _ids(path: Path, key: str = "id") -> list[str]:
    return [json.loads(line)[key] for line in path.read_text().splitlines()]


def test_final_files_are_in_input_order_whatever_the_finishing_order(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        for entry in (_entry(2, "c", True), _entry(0, "a", True), _entry(1, "b", True, meetings=2)):
            journal.append(entry)
        write_final(tmp_path, journal, [json.dumps({"id": "", "status": "skipped"})])
        journal.remove()
    assert _ids(tmp_path / "articles.jsonl") == ["a", "b", "c", ""]
    assert _ids(tmp_path / "meetings.jsonl") == ["a:m0", "b:m0", "b:m1", "c:m0"]
    assert not (tmp_path / JOURNAL_NAME).exists()


def test_a_failed_article_keeps_the_earlier_result_and_a_missing_one_is_counted(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        for entry in (_entry(0, "a", True), _entry(1, "b", True), _entry(2, "gone", True)):
            journal.append(entry)
        write_final(tmp_path, journal, [])
    with Journal(tmp_path) as journal:
        journal.append(_entry(0, "a", False))
        journal.append(_entry(1, "b", True, meetings=3))
        _, note = write_final(tmp_path, journal, [])
    assert (note.kept_earlier, note.dropped_earlier) == (1, 1)
    assert [json.loads(line)["status"] for line in (tmp_path / "articles.jsonl").read_text().splitlines()] == [
        "ok", "ok"
    ]  # fmt: skip
    assert _ids(tmp_path / "meetings.jsonl") == ["a:m0", "b:m0", "b:m1", "b:m2"]


def test_one_run_per_output_directory(tmp_path: Path) -> None:
    with locked(tmp_path), pytest.raises(InputError, match="another extractor run"), locked(tmp_path):
        pass
    with locked(tmp_path):  # released: the next run may go
        pass


def test_id_digests_answer_membership_and_count_distinct_missing_ids() -> None:
    digests = IdDigests()
    for article_id in ("a", "b", "c"):
        digests.add(article_id)
    assert "b" in digests and "z" not in digests
    digests.add("z")  # added after a lookup sorted the array: still found
    assert "z" in digests
    assert digests.missing(["a", "x", "x", "y"]) == 2


def test_an_index_never_appended_leaves_no_row(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        journal.append(_entry(3, "d", True))
        journal.append(_entry(1, "b", True))
        assert [e.article_id for e in journal.entries()] == ["b", "d"]


def test_lines_with_multibyte_characters_are_copied_byte_for_byte(tmp_path: Path) -> None:
    rows = [json.dumps({"id": a, "place": "Zürich — “talks” 北京"}, ensure_ascii=False) for a in "ab"]
    with Journal(tmp_path) as journal:
        journal.append(Entry(1, "b", True, rows[1], {"statements.jsonl": ["{\"t\": \"é\"}"]}))
        journal.append(Entry(0, "a", True, rows[0], {"statements.jsonl": ["{\"t\": \"ü\"}", "{}"]}))
        write_final(tmp_path, journal, ["{\"id\": \"ß\"}"])
    assert (tmp_path / "articles.jsonl").read_bytes() == "\n".join([*rows, '{"id": "ß"}', ""]).encode()
    assert (tmp_path / "statements.jsonl").read_text(encoding="utf-8") == '{"t": "ü"}\n{}\n{"t": "é"}\n'
