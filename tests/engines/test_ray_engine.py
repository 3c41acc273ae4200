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


def _differ(a: Path, b: Path, names: tuple[str, ...] = OUTPUT_FILES) -> list[str]:
    return [name for name in names if (a / name).read_bytes() != (b / name).read_bytes()]


def test_ray_actors_write_the_same_files_as_one_process(local_ray: None, tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        settings = Settings(base_url=server.base_url, model="fake-model", use_cache=False, cache_dir=tmp_path / "c")
        run_corpus([CORPUS], tmp_path / "local", settings)
        on_ray = dataclasses.replace(settings, engine="ray", concurrency=2, use_cache=True)
        finished: list[str] = []
        report = run_corpus([CORPUS], tmp_path / "ray", on_ray, on_done=lambda o: finished.append(o.result.id))
        calls = server.requests
        warm = run_corpus([CORPUS], tmp_path / "warm", on_ray)  # every actor reads the cache the others wrote
        assert server.requests == calls
    assert report.articles == 5 and len(finished) == 5 and len(set(finished)) == 5
    assert _differ(tmp_path / "local", tmp_path / "ray") == []
    assert warm.from_cache == 5
    assert _differ(tmp_path / "local", tmp_path / "warm", OUTPUT_FILES[1:]) == []  # records: the same again


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


def test_record_is_refused_with_ray(tmp_path: Path) -> None:
    settings = Settings(engine="ray", base_url="http://127.0.0.1:9/v1", model="m", use_cache=False, cache_dir=tmp_path)
    with pytest.raises(ConfigError, match="--engine local"):
        run_corpus([CORPUS], tmp_path / "out", settings, record=tmp_path / "cassette.yaml")
