from __future__ import annotations

from pathlib import Path

import pytest

from extractor.output import OUTPUT_FILES, write_atomic, write_outputs
from schemas import Flag


def test_writes_all_four_files_as_jsonl(tmp_path: Path) -> None:
    written = write_outputs(tmp_path / "out", {"articles.jsonl": [Flag(code="merged_duplicate", reason="b")]})
    assert [p.name for p in written] == list(OUTPUT_FILES)
    assert (tmp_path / "out" / "articles.jsonl").read_text() == '{"code":"merged_duplicate","reason":"b"}\n'
    assert (tmp_path / "out" / "meetings.jsonl").read_text() == ""


def test_interrupted_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text("old\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("extractor.output.os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.jsonl"]  # no temp file left behind


def test_an_unwritable_out_dir_is_a_one_line_error(tmp_path: Path) -> None:
    from extractor.errors import InputError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="--out"):
        write_outputs(blocker / "out", {})
