"""What a run leaves in --out (issue cases 3, 8 and 11)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAIServer
from tests.faults.conftest import BODY, Result, child_env, read_jsonl, remote, spawn, wait_until, write_article


def test_no_input_files_is_an_error_and_leaves_the_output_alone(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer
) -> None:
    out = tmp_path / "out"
    assert invoke("run", str(write_article(tmp_path / "in", "a.txt")), "--out", str(out), *remote(server)).code == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.jsonl")}
    (tmp_path / "empty").mkdir()
    result = invoke("run", str(tmp_path / "empty"), "--out", str(out), *remote(server))
    assert result.code == 2
    assert result.err.strip().startswith("error: no input files in") and "Traceback" not in result.err
    assert before == {p.name: p.read_bytes() for p in out.glob("*.jsonl")}


def test_a_second_run_into_the_same_out_is_refused_while_the_first_runs(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer, fresh_cache: Path
) -> None:
    server.plan.latency_s = 1.0
    article = write_article(tmp_path / "in", "a.txt")
    out = tmp_path / "out"
    first = spawn(["run", str(article), "--out", str(out), *remote(server)], child_env(fresh_cache))
    wait_until(lambda: server.requests > 0, what="the first run to be under way")
    second = invoke("run", str(article), "--out", str(out), *remote(server))
    assert second.code == 2
    assert "another extractor run (pid" in second.err and "use another --out" in second.err
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert read_jsonl(out / "articles.jsonl")[0]["status"] == "ok"


def test_the_corpus_rows_own_id_url_and_fields_reach_articles_jsonl(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    row = {"id": "wire-0042", "url": "https://example.org/a", "text": BODY, "title": "Talks", "desk": "Europe"}
    corpus.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert invoke("run", str(corpus), "--out", str(tmp_path / "out"), *remote(server)).code == 0
    (written,) = read_jsonl(tmp_path / "out" / "articles.jsonl")
    assert (written["external_id"], written["url"], written["meta"]) == ("wire-0042", "https://example.org/a",
                                                                         {"desk": "Europe"})  # fmt: skip


def test_a_budget_stops_the_run_cleanly_and_reports_the_rest_as_not_started(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer
) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        write_article(tmp_path / "in", name, body=BODY.replace("Tuesday", name))
    result = invoke("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), *remote(server),
                    "--max-total-tokens", "1")  # fmt: skip
    assert result.code == 1
    assert "token budget reached" in result.err
    statuses = [r["status"] for r in read_jsonl(tmp_path / "out" / "articles.jsonl")]
    assert statuses == ["ok", "not_started", "not_started"]
