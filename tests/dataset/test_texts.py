"""Article texts for the review page, read again from each article's source."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.corpus import load_corpus
from extractor.dataset.texts import load_texts, source_file
from tests.dataset.factories import article


def test_texts_come_back_by_id_from_txt_and_jsonl_sources(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("A title\nAlice Smith met Bruno Keller.\n", encoding="utf-8")
    rows = [{"title": "x", "text": "Chen Lan called Dara Okafor."}, {"title": "y", "text": "Second row."}]
    (tmp_path / "many.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    loaded, _ = load_corpus([tmp_path / "one.txt", tmp_path / "many.jsonl"])
    results = [article(a.id).model_copy(update={"source": Path(a.source).relative_to(tmp_path).as_posix()})
               for a in loaded]  # fmt: skip
    gone = article("0000000000000000").model_copy(update={"source": "missing.txt"})
    texts = load_texts([*results, gone], tmp_path)
    assert texts == {a.id: a.text for a in loaded}
    assert source_file("many.jsonl:2") == "many.jsonl"
