from __future__ import annotations

from pathlib import Path

from schemas.export import SCHEMA_DIR, render_schemas


def test_checked_in_json_schemas_are_current() -> None:
    stale = [name for name, text in render_schemas().items() if _read(SCHEMA_DIR / name) != text]
    assert stale == [], f"stale JSON Schemas {stale}: run `extractor schemas` and commit schemas/json/"


def test_schemas_package_does_not_import_extractor() -> None:
    for path in Path(SCHEMA_DIR).parent.glob("*.py"):
        text = path.read_text()
        assert "from extractor" not in text and "import extractor" not in text, path


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None
