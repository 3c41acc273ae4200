"""`--engine ray` on a local Ray instance (2 CPUs) against the loopback fake server: the same four files."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray

from extractor.batch import run_corpus
from extractor.config import Settings
from extractor.errors import ConfigError
from extractor.output import OUTPUT_FILES
from tests.conftest import CORPUS
from tests.fakes.openai_server import FakeOpenAIServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


def test_ray_actors_write_the_same_files_as_one_process(local_ray: None, tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        settings = Settings(base_url=server.base_url, model="fake-model", use_cache=False, cache_dir=tmp_path / "c")
        run_corpus([CORPUS], tmp_path / "local", settings)
        finished: list[str] = []
        report = run_corpus(
            [CORPUS], tmp_path / "ray", dataclasses.replace(settings, engine="ray", concurrency=2),
            on_done=lambda outcome: finished.append(outcome.result.id),
        )  # fmt: skip
    assert len(report.outcomes) == 5 and sorted(finished) == sorted(o.result.id for o in report.outcomes)
    differ = [n for n in OUTPUT_FILES if (tmp_path / "local" / n).read_bytes() != (tmp_path / "ray" / n).read_bytes()]
    assert differ == []


def test_replay_is_refused_with_ray(local_ray: None, tmp_path: Path) -> None:
    settings = Settings(engine="ray", replay=True, base_url="http://127.0.0.1:9/v1", model="m", cache_dir=tmp_path)
    with pytest.raises(ConfigError, match="--engine local"):
        run_corpus([CORPUS], tmp_path / "out", dataclasses.replace(settings, use_cache=False))


def test_an_unknown_engine_is_named(tmp_path: Path) -> None:
    settings = Settings(
        engine="spark", base_url="http://127.0.0.1:9/v1", model="m", use_cache=False, cache_dir=tmp_path
    )
    with pytest.raises(ConfigError, match="unknown engine 'spark'"):
        run_corpus([CORPUS], tmp_path / "out", settings)
