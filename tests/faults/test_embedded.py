"""The embedded-model path with a stand-in llama.cpp server (issue cases 2 and 10): Ctrl-C, a killed
parent and a server that ignores SIGTERM leave no process behind, and the server is never restarted."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from tests.faults.conftest import LLAMA_STUB, ROOT, alive, child_env, read_jsonl, spawn, wait_until, write_article


def _stub_env(cache: Path, pidfile: Path, latency: str) -> dict[str, str]:
    env = child_env(cache, FAKE_LLAMA_PIDFILE=str(pidfile), FAKE_LLAMA_LATENCY=latency, FAKE_LLAMA_IGNORE_TERM="1")
    env["PYTHONPATH"] = f"{LLAMA_STUB}{os.pathsep}{ROOT}"
    return env


def _pids(pidfile: Path) -> list[int]:
    return [int(line) for line in pidfile.read_text().split()] if pidfile.exists() else []


def _args(tmp_path: Path) -> list[str]:
    weights = tmp_path / "tiny.gguf"
    weights.write_bytes(b"GGUF stand-in weights")
    article = write_article(tmp_path / "in", "a.txt")
    return ["run", str(article), "--out", str(tmp_path / "out"), "--local-model", str(weights)]


def test_ctrl_c_on_the_embedded_model_stops_the_server_once_and_leaves_nothing(
    tmp_path: Path, fresh_cache: Path
) -> None:
    pidfile = tmp_path / "pids"
    child = spawn(_args(tmp_path), _stub_env(fresh_cache, pidfile, latency="120"))
    wait_until(lambda: bool(_pids(pidfile)), what="the stand-in server to start")
    wait_until(lambda: "self-test" not in (tmp_path / "out" / "run.log").read_text()
               if (tmp_path / "out" / "run.log").exists() else False, what="the run to start")  # fmt: skip
    os.killpg(child.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "Traceback" not in err
    (server_pid,) = _pids(pidfile)  # started once, never restarted for the in-flight article
    wait_until(lambda: not alive(server_pid), timeout_s=10, what="the server (which ignores SIGTERM) to be killed")
    (row,) = read_jsonl(tmp_path / "out" / "articles.jsonl")
    assert row["status"] == "not_started"


def test_a_killed_parent_takes_its_server_with_it(tmp_path: Path, fresh_cache: Path) -> None:
    pidfile = tmp_path / "pids"
    child = spawn(_args(tmp_path), _stub_env(fresh_cache, pidfile, latency="120"))
    wait_until(lambda: bool(_pids(pidfile)), what="the stand-in server to start")
    (server_pid,) = _pids(pidfile)
    child.kill()  # SIGKILL: no handler runs; the kernel's parent-death signal must do it
    child.communicate(timeout=10)
    # The stand-in ignores SIGTERM, as uvicorn does mid-generation: the parent-death signal must be SIGKILL-proof.
    wait_until(lambda: not alive(server_pid), timeout_s=10, what="the orphaned server to exit")


def test_a_finished_run_on_the_embedded_model_leaves_no_server(tmp_path: Path, fresh_cache: Path) -> None:
    pidfile = tmp_path / "pids"
    child = spawn(_args(tmp_path), _stub_env(fresh_cache, pidfile, latency="0"))
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    (server_pid,) = _pids(pidfile)
    wait_until(lambda: not alive(server_pid), timeout_s=10, what="the server to be stopped")
