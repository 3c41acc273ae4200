"""Every bad option is one `error:` line, never a traceback (issue case 7)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import ROOT, Result, write_article


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--bogus"], "No such option: --bogus"),
        (["--concurrency", "0"], "--concurrency"),
        (["--prompt-version", "x"], "--prompt-version"),
        (["--timeout", "soon"], "--timeout"),
    ],
)
def test_a_bad_option_is_one_error_line(
    tmp_path: Path, invoke: Callable[..., Result], args: list[str], says: str
) -> None:
    article = write_article(tmp_path / "in", "a.txt")
    result = invoke("run", str(article), "--out", str(tmp_path / "out"), *args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], result.err
    assert not (tmp_path / "out" / "articles.jsonl").exists()


def test_the_http_client_extractor_imports_is_a_declared_dependency() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("httpx2") for d in deps)
    assert any(d.startswith("openai>=3") for d in deps)  # openai 3 is the first on httpx2
