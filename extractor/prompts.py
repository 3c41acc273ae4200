"""Prompt templates: files with a name and a version.

Loading (disk → `PromptTemplate`) is separate from rendering (template +
article → messages, pure). The hash of the rendered messages goes into the
cache key and every output record.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from extractor.errors import PromptError

DEFAULT_PROMPTS_DIR = Path(__file__).resolve().parent / "data" / "prompts"
CODEBOOK_FILE = "_codebook.md"
_FILE_NAME = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.yaml$")
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: int
    system: str
    user: str
    codebook: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}@v{self.version}"


def available_versions(name: str, prompts_dir: Path = DEFAULT_PROMPTS_DIR) -> list[int]:
    versions = []
    for path in prompts_dir.glob(f"{name}.v*.yaml"):
        if match := _FILE_NAME.match(path.name):
            versions.append(int(match["version"]))
    return sorted(versions)


def load_prompt(name: str, version: int | None = None, prompts_dir: Path = DEFAULT_PROMPTS_DIR) -> PromptTemplate:
    """The template `name` at `version` (default: the newest)."""
    versions = available_versions(name, prompts_dir)
    if not versions:
        raise PromptError(f"no prompt named {name!r} in {prompts_dir} (expected files like {name}.v1.yaml)")
    chosen = versions[-1] if version is None else version
    path = prompts_dir / f"{name}.v{chosen}.yaml"
    if not path.is_file():
        raise PromptError(f"prompt {name!r} has no version {chosen} in {prompts_dir}; have {versions}")
    return parse_prompt(path.read_text(encoding="utf-8"), _read_codebook(prompts_dir), str(path))


def _read_codebook(prompts_dir: Path) -> str:
    path = prompts_dir / CODEBOOK_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def parse_prompt(source: str, codebook: str = "", where: str = "<string>") -> PromptTemplate:
    """Pure: YAML text → template. The codebook is attached only if the file asks for it."""
    try:
        data = yaml.safe_load(source)
        return PromptTemplate(
            name=str(data["name"]),
            version=int(data["version"]),
            system=str(data["system"]),
            user=str(data["user"]),
            codebook=codebook if data.get("codebook") else "",
        )
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise PromptError(f"{where}: not a valid prompt file ({exc}); need name, version, system, user") from exc


@lru_cache(maxsize=256)
def _compiled(source: str) -> jinja2.Template:
    """A template's text compiled once (compiling costs more than rendering); Jinja templates render thread-safely."""
    return _ENV.from_string(source)


def render(template: PromptTemplate, **variables: Any) -> Messages:
    """Pure: template + variables → chat messages."""
    variables = {"codebook": template.codebook, **variables}
    try:
        system = _compiled(template.system).render(**variables).strip()
        user = _compiled(template.user).render(**variables).strip()
    except jinja2.TemplateError as exc:
        raise PromptError(f"prompt {template.label}: {exc}") from exc
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def messages_hash(messages: Messages) -> str:
    blob = json.dumps(messages, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]
