"""One loader for a packaged YAML data file validated by a Pydantic model (code tables, event rules).

Every problem is a `ConfigError` with one line that names the file, the place and what to check.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from extractor.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def load_yaml_model(path: Path, model: type[Model], what: str, header: str | None = None) -> Model:
    """`path` parsed as YAML and validated as `model`; `what` names the file for a person ("the event rules"),
    `header` the file whose header documents the format (default: `path` itself)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({_one_line(exc.strerror or exc)})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML ({_one_line(getattr(exc, 'problem', None) or exc)})") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "top level"
        raise ConfigError(
            f"{path}: {where}: {_one_line(error['msg'])}; see the header of {header or path.name}"
        ) from exc
