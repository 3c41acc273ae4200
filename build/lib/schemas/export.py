"""Export each model's JSON Schema to a checked-in file."""

from __future__ import annotations

import json
from pathlib import Path

from schemas import EXPORTED_MODELS

SCHEMA_DIR = Path(__file__).resolve().parent / "json"


def render_schemas() -> dict[str, str]:
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
        for name, model in EXPORTED_MODELS.items()
    }


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in render_schemas().items():
        path = directory / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
