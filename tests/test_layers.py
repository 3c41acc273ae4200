"""Layering rules, checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_schemas_import_nothing_from_extractor() -> None:
    for path in _modules("schemas"):
        assert not any(name.startswith("extractor") for name in _imports(path)), path


def test_core_never_imports_the_cli() -> None:
    for path in _modules("extractor"):
        if path.name != "cli.py":
            assert "extractor.cli" not in _imports(path), path


def test_only_the_llm_package_touches_http() -> None:
    http = {"openai", "httpx", "httpx2", "instructor", "requests", "urllib.request", "vcr"}
    for path in _modules("extractor"):
        if "llm" not in path.parts and path.name != "local_server.py":
            found = {name for name in _imports(path) if name.split(".")[0] in http or name in http}
            assert not found, f"{path.relative_to(ROOT)} imports {found}: network code belongs in extractor/llm/"
