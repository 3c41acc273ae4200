"""Replay tests: the real HTTP path, answered from cassettes recorded from a real server.

Re-record (see README): start a server (`extractor local start`), then
    EXTRACTOR_RECORD_BASE_URL=$(extractor local status --url) pytest tests/replay --record-mode=rewrite
Cassettes live in cassettes/<test_module>/<test_name>.yaml and are never edited by hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.config import Settings
from extractor.llm import replay
from extractor.llm.weights import DEFAULT_LOCAL_MODEL, get_spec

ROOT = Path(__file__).resolve().parents[2]
REPLAY_URL = "http://127.0.0.1:9/v1"  # never dialled in replay: vcrpy answers first
LOCAL_IDENTITY = get_spec(DEFAULT_LOCAL_MODEL).identity()  # the model name `extractor run` sends by default


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return replay.vcr_config()


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(ROOT / "cassettes" / request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(autouse=True)
def cassette_is_present_and_played(
    request: pytest.FixtureRequest, vcr_cassette_dir: str, default_cassette_name: str, record_mode: str
) -> Iterator[None]:
    """Fail in well under a second, naming the cassette, instead of as a connection error later."""
    path = Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml"
    replaying = record_mode == "none"
    if replaying and not path.is_file():
        pytest.fail(f"missing cassette {path.relative_to(ROOT)}: re-record it (README: 'Re-recording cassettes')")
    yield
    cassette = request.getfixturevalue("vcr")
    if replaying and cassette is not None and cassette.play_count == 0:
        pytest.fail(f"cassette {path.relative_to(ROOT)} was never played: the test did not reach the model")


@pytest.fixture
def replay_settings(tmp_path: Path) -> Settings:
    """A fresh cache per test, so the cache can never hide a cassette; no transport retries, so a
    missing interaction fails at once."""
    return Settings(
        base_url=os.environ.get("EXTRACTOR_RECORD_BASE_URL", REPLAY_URL),
        model=LOCAL_IDENTITY,
        backend="llama_cpp",
        cache_dir=tmp_path / "cache",
        max_transport_retries=0,
    )
