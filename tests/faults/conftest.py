"""The fault suite: extractor against a real loopback server that misbehaves on purpose.

`invoke` runs the CLI in this process (fast: exit code, stderr, files); `spawn` runs it as a child
process, for signals and process lifetimes. Both use a fresh cache directory per test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from extractor import cli
from tests.fakes.openai_server import FakeOpenAIServer, FaultPlan

ROOT = Path(__file__).resolve().parents[2]
LLAMA_STUB = ROOT / "tests" / "fakes" / "llama_stub"

# Invented story: two named officials of two countries meet; one quotation. Enough to reach the model.
TITLE = "Norway and Chile hold talks on fisheries"
BODY = (
    "Norwegian Foreign Minister Ingrid Halvorsen met Chilean Foreign Minister Pablo Rivas in Oslo on Tuesday, "
    "the ministry said.\n\n"
    '"We agreed to keep talking about fishing quotas," Halvorsen said after the meeting.'
)


@dataclass
class Result:
    code: int
    out: str
    err: str


def write_article(directory: Path, name: str, body: str = BODY, title: str = TITLE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"{title}\n{body}\n", encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(cache))
    for name in ("OPENAI_API_KEY", "EXTRACTOR_BASE_URL", "OPENAI_BASE_URL", "EXTRACTOR_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(FaultPlan()) as running:
        yield running


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        argv = sys.argv
        sys.argv = ["extractor", *args]
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            sys.argv = argv
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def remote(server: FakeOpenAIServer, *more: str) -> list[str]:
    return ["--base-url", server.base_url, "--model", "fake-model", *more]


def child_env(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "EXTRACTOR_BASE_URL")}
    env.update(EXTRACTOR_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT), COLUMNS="120", **extra)
    return env


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """The CLI in its own process group, as a terminal runs it (a Ctrl-C there signals the whole group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "extractor.cli", *args], env=env, cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def wait_until(condition: Callable[[], bool], timeout_s: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state != "Z"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fake server listens on loopback: the one host these tests may reach under --block-network."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.block_network(allowed_hosts=["127.0.0.1"]))
