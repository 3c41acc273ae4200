"""Loading a corpus: `.txt` files (first line = title) and `.jsonl` files.

Bad files never stop a load: each becomes a `SkippedInput` with a one-line
reason, so the batch can report it and go on.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import InputError
from extractor.normalize.dates import parse_publication_date
from schemas import Article

SUPPORTED_SUFFIXES = (".txt", ".jsonl")


@dataclass(frozen=True)
class SkippedInput:
    source: str
    reason: str


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Directories, globs and files → a sorted, de-duplicated file list."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in path.iterdir() if p.is_file() and p.suffix in SUPPORTED_SUFFIXES)
        elif path.is_file():
            found.append(path)
        elif matches := glob.glob(str(raw)):
            found.extend(Path(m) for m in matches if Path(m).is_file())
        else:
            raise InputError(f"{raw}: no such file, directory or glob match")
    return sorted(dict.fromkeys(found))


def load_corpus(paths: Iterable[str | Path]) -> tuple[list[Article], list[SkippedInput]]:
    articles: list[Article] = []
    skipped: list[SkippedInput] = []
    for path in expand_paths(paths):
        for item in _load_file(path):
            if isinstance(item, Article):
                articles.append(item)
            else:
                skipped.append(item)
    return articles, skipped


def _load_file(path: Path) -> Iterator[Article | SkippedInput]:
    if path.suffix not in SUPPORTED_SUFFIXES:
        yield SkippedInput(str(path), f"unsupported file type {path.suffix!r} (use .txt or .jsonl)")
        return
    raw = path.read_bytes()
    if problem := _binary_problem(raw):
        yield SkippedInput(str(path), problem)
        return
    text = raw.decode("utf-8").lstrip("\ufeff")
    if path.suffix == ".jsonl":
        yield from _jsonl_articles(text, str(path))
    else:
        yield _txt_article(text, str(path))


def _binary_problem(raw: bytes) -> str | None:
    if not raw.strip():
        return "empty file"
    if b"\x00" in raw:
        return "binary file (contains NUL bytes)"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (byte {exc.start}); re-save the file as UTF-8"
    return None


def _txt_article(text: str, source: str) -> Article | SkippedInput:
    title, _, body = text.replace("\r\n", "\n").partition("\n")
    body = body.strip("\n")
    if not body.strip():
        return SkippedInput(source, "no body: the first line is the title, the article text must follow")
    return make_article(title.strip(), body, source)


def _jsonl_articles(text: str, source: str) -> Iterator[Article | SkippedInput]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            row = json.loads(line)
            body = row["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            yield SkippedInput(where, f"bad JSONL row ({exc.__class__.__name__}: {exc}); need at least 'text'")
            continue
        if not isinstance(body, str) or not body.strip():
            yield SkippedInput(where, "empty 'text'")
            continue
        published = _iso_date(row.get("published"))
        yield make_article(str(row.get("title") or ""), body, where, url=row.get("url"), published=published)


def _iso_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def make_article(
    title: str, body: str, source: str, *, url: str | None = None, published: dt.date | None = None
) -> Article:
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    found, raw = parse_publication_date(body)
    return Article(
        id=digest[:16],
        title=title,
        text=body,
        published=published or found,
        published_raw=raw,
        source=source,
        url=url,
        sha256=digest,
    )
