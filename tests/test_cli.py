from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.llm import local_server
from tests.fakes.batch_results import run_batch_file
from tests.fakes.openai_server import FakeOpenAIServer


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractor.cli", *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def test_missing_input_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    done = _cli(
        "run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "--base-url", "http://x/v1", "--model", "m"
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"error: {tmp_path / 'nope'}: no such file, directory or glob match"]


def test_base_url_without_model_says_what_to_pass(tmp_path: Path, corpus_dir: Path) -> None:
    done = _cli(
        "run", str(corpus_dir / "000_bf9e0f4ef3c2686e.txt"), "--out", str(tmp_path), "--base-url", "http://x/v1"
    )
    assert done.returncode == 2
    assert "--base-url needs --model NAME" in done.stderr


def test_unknown_strategy_is_reported(tmp_path: Path, corpus_dir: Path) -> None:
    done = _cli("run", str(corpus_dir), "--out", str(tmp_path), "--base-url", "http://x/v1", "--model", "m",
                "--strategy", "nope")  # fmt: skip
    assert done.returncode == 2 and "unknown strategy 'nope'" in done.stderr


def test_no_endpoint_and_no_local_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_server.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[local\]'.*OPENAI_API_KEY.*--base-url"):
        local_server.require_llama_cpp()


def test_help_lists_the_commands() -> None:
    done = _cli("--help")
    assert done.returncode == 0
    for command in ("run", "eval", "cache", "local", "schemas", "batch"):
        assert command in done.stdout


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_batch_collect_says_what_is_pending_and_exits_3(tmp_path: Path, corpus_dir: Path) -> None:
    with FakeOpenAIServer() as server:
        target = ("--base-url", server.base_url, "--model", "fake-model")
        prepared = _cli("batch", "prepare", str(corpus_dir), "--out", str(tmp_path / "b0.jsonl"), *target)
        assert prepared.returncode == 0 and "articles complete: 0 / 5 (pending: 5)" in prepared.stderr
        run_batch_file(tmp_path / "b0.jsonl", tmp_path / "r0.jsonl", server.base_url)
    collected = _cli("batch", "collect", str(tmp_path / "r0.jsonl"), "--corpus", str(corpus_dir),
                     "--out", str(tmp_path / "out"), "--next", str(tmp_path / "b1.jsonl"), *target)  # fmt: skip
    assert collected.returncode == 3, collected.stderr
    assert "articles complete: 1 / 5 (pending: 4)" in collected.stderr and (tmp_path / "b1.jsonl").is_file()
    assert len((tmp_path / "out" / "articles.jsonl").read_text().splitlines()) == 1


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_the_run_log_shows_the_steps_after_the_articles_with_their_times(tmp_path: Path, corpus_dir: Path) -> None:
    env = {**os.environ, "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache")}
    article = sorted(corpus_dir.glob("*.txt"))[0]
    with FakeOpenAIServer() as server:
        target = ("--base-url", server.base_url, "--model", "fake-model")
        done = _cli("run", str(article), "--out", str(tmp_path / "out"), *target, env=env)
    assert done.returncode == 0, done.stderr
    after_articles = (tmp_path / "out" / "run.log").read_text(encoding="utf-8").split("[1/1]", 1)[1]
    steps = [
        r"writing the output files \.\.\.", r"writing the output files: done in \d+\.\d s",
        r"grouping meetings into events \.\.\.", r"grouping meetings into events: done in \d+\.\d s",
    ]  # fmt: skip
    assert re.search("".join(rf"\n.* {step}" for step in steps) + "\n", after_articles), after_articles


HEAVY_MODULES = ("openai", "instructor", "vcr", "llama_cpp")


def _imported_after(statement: str) -> set[str]:
    """Top-level packages of HEAVY_MODULES in sys.modules after `statement`, in a fresh interpreter."""
    probe = f"import sys\n{statement}\nprint('loaded:', *(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded:"), done.stdout
    return set(last.split()[1:])


def test_importing_the_cli_loads_no_sdk_and_no_cassette_library() -> None:
    assert _imported_after("import extractor.cli") == set()


def test_help_loads_no_sdk_and_no_cassette_library() -> None:
    statement = "from extractor.cli import app; app(['--help'], standalone_mode=False)"
    assert _imported_after(statement) == set()


def test_a_run_without_record_or_replay_does_not_import_vcr(tmp_path: Path) -> None:
    # Fails before any call: enough to import the whole run path.
    statement = (
        "from extractor.cli import app\n"
        f"try: app(['run', {str(tmp_path / 'none')!r}, '--out', {str(tmp_path / 'out')!r}], standalone_mode=False)\n"
        "except Exception: pass"
    )
    assert "vcr" not in _imported_after(statement)
