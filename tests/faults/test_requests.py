"""Hung, rate-limiting and dead servers (issue cases 1, 5 and 3's server-down half)."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAIServer, FaultPlan
from tests.faults.conftest import BODY, Result, child_env, read_jsonl, remote, spawn, wait_until, write_article


def test_a_hung_server_is_bounded_by_the_timeout(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer
) -> None:
    server.plan.default = "hang"
    article = write_article(tmp_path / "in", "a.txt")
    started = time.monotonic()
    result = invoke("run", str(article), "--out", str(tmp_path / "out"), *remote(server, "--timeout", "1"))
    assert result.code == 1
    assert time.monotonic() - started < 20  # two 1-second attempts, not 600 s x 5
    (row,) = read_jsonl(tmp_path / "out" / "articles.jsonl")
    assert row["status"] == "failed" and "did not answer in time" in row["error"]


def test_ctrl_c_during_a_hung_request_stops_at_once_and_keeps_finished_work(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer, fresh_cache: Path
) -> None:
    first = write_article(tmp_path / "in", "a.txt")
    assert invoke("run", str(first), "--out", str(tmp_path / "warm"), *remote(server)).code == 0
    write_article(tmp_path / "in", "b.txt", body=BODY_B)
    server.plan.default = "hang"  # a.txt is now a cache hit; b.txt hangs
    seen = server.requests
    args = ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), *remote(server)]
    child = spawn(args, child_env(fresh_cache))
    wait_until(lambda: server.requests > seen, what="b.txt's request to reach the server")
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=15)
    assert child.returncode == 130, err
    assert "Traceback" not in err and "stopping" in err
    rows = {Path(r["source"]).name: r for r in read_jsonl(tmp_path / "out" / "articles.jsonl")}
    assert rows["a.txt"]["status"] == "ok" and rows["b.txt"]["status"] == "not_started"
    assert read_jsonl(tmp_path / "out" / "meetings.jsonl"), "a.txt's finished records were lost"


def test_a_short_429_storm_is_ridden_out_not_counted_as_failures(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer
) -> None:
    server.plan.script = ["429"] * 6  # more than the 5 attempts hard errors get
    server.plan.retry_after = "0.05"
    article = write_article(tmp_path / "in", "a.txt")
    result = invoke("run", str(article), "--out", str(tmp_path / "out"), *remote(server))
    assert result.code == 0, result.err
    assert read_jsonl(tmp_path / "out" / "articles.jsonl")[0]["status"] == "ok"


def test_a_server_that_is_down_at_start_fails_fast_and_keeps_the_earlier_output(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer
) -> None:
    corpus = tmp_path / "in"
    for name in ("a.txt", "b.txt", "c.txt"):
        write_article(corpus, name, body=BODY.replace("Tuesday", name))
    out = tmp_path / "out"
    assert invoke("run", str(corpus), "--out", str(out), *remote(server)).code == 0
    before = {name: (out / name).read_bytes() for name in ("meetings.jsonl", "statements.jsonl")}
    started = time.monotonic()
    result = invoke(
        "run", str(corpus), "--out", str(out), "--no-cache", "--base-url", _dead_url(), "--model", "fake-model"
    )
    assert time.monotonic() - started < 10
    assert result.code == 1
    assert "connection refused" in result.err and "Traceback" not in result.err
    assert {r["status"] for r in read_jsonl(out / "articles.jsonl")} == {"ok"}  # earlier results kept
    assert before == {name: (out / name).read_bytes() for name in before}
    assert "kept the earlier results of 3 article(s)" in result.err


def _dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


BODY_B = BODY.replace("Oslo", "Bergen").replace("Tuesday", "Wednesday")


def test_rate_limited_server_with_rps_limit_still_finishes(tmp_path: Path, invoke: Callable[..., Result]) -> None:
    with FakeOpenAIServer(FaultPlan(script=["429", "ok", "429"], retry_after="0.05")) as server:
        article = write_article(tmp_path / "in", "a.txt")
        result = invoke("run", str(article), "--out", str(tmp_path / "out"), *remote(server, "--rps", "50"))
    assert result.code == 0, result.err


def test_concurrency_bounds_the_requests_in_flight_not_the_articles(
    tmp_path: Path, invoke: Callable[..., Result], server: FakeOpenAIServer
) -> None:
    server.plan.latency_s = 0.05  # long enough for requests of several articles to overlap
    corpus = tmp_path / "in"
    for n in range(8):
        write_article(corpus, f"{n}.txt", body=BODY.replace("Tuesday", f"day {n}"))
    result = invoke("run", str(corpus), "--out", str(tmp_path / "out"), *remote(server, "--concurrency", "2"))
    assert result.code == 0, result.err
    assert server.max_in_flight == 2  # both slots used, never a third request although 4 articles are in progress
    assert {r["status"] for r in read_jsonl(tmp_path / "out" / "articles.jsonl")} == {"ok"}
