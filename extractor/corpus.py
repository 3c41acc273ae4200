"""Loading a corpus: `.txt` files (first line = title), `.jsonl` files (one
article per row) and saved web pages (`.html`/`.htm`, or a `.txt` that is
really HTML), read lazily so a corpus of any size streams through.

Bad files never stop a load: each becomes a `SkippedInput` with a one-line
reason, so the batch can report it and go on. Web pages go through
trafilatura, which keeps the article and drops navigation, ads and footers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from extractor.errors import InputError
from extractor.normalize.dates import parse_publication_date
from schemas import Article

SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
_JSONL_KNOWN = {"text", "title", "url", "published", "id"}
_BOM = "\ufeff".encode()


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


def input_files(paths: Iterable[str | Path]) -> list[Path]:
    """`expand_paths`, refusing a run with nothing to read (it would replace good output with nothing)."""
    files = expand_paths(paths)
    if not files:
        shown = " ".join(str(p) for p in paths)
        raise InputError(f"no input files in {shown} (looked for {', '.join(SUPPORTED_SUFFIXES)})")
    return files


@dataclass(frozen=True)
class CorpusInput:
    """One article's input as read from disk, not yet parsed: a file's bytes, or one JSONL line's."""

    source: str  # the path, or path:line for a JSONL row
    suffix: str  # of the file it came from: how the bytes are read
    raw: bytes  # UTF-8 (checked), byte-order mark removed

    @cached_property  # looked up in the memo, then (on a miss) the key the article is remembered by
    def sha256(self) -> str:
        """What decides the article read from it, besides the code: its bytes, how they are read, and its source."""
        head = f"{self.suffix}\0{self.source}\0".encode()
        return hashlib.sha256(head + self.raw).hexdigest()


def iter_corpus(files: Iterable[Path]) -> Iterator[Article | SkippedInput]:
    """Articles (and skipped inputs) in file order, one file in memory at a time."""
    for item in iter_inputs(files):
        yield item if isinstance(item, SkippedInput) else read_input(item)


def iter_inputs(files: Iterable[Path]) -> Iterator[CorpusInput | SkippedInput]:
    """The corpus's inputs in file order, unparsed (`read_input` makes each an article), one file in memory."""
    for path in files:
        yield from _file_inputs(path)


def read_input(item: CorpusInput) -> Article | SkippedInput:
    """The article of an input (or why there is none)."""
    text = item.raw.decode("utf-8")
    if item.suffix == ".jsonl":
        return _jsonl_row(text, item.source)
    if item.suffix in HTML_SUFFIXES or looks_like_html(text):
        return _html_article(text, item.source)
    return _txt_article(text, item.source)


def count_articles(files: Iterable[Path]) -> int:
    """How many articles `iter_corpus` will yield, about (JSONL rows are counted, not parsed): for progress."""
    total = 0
    for path in files:
        if path.suffix == ".jsonl":
            with contextlib.suppress(OSError), path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def load_corpus(paths: Iterable[str | Path]) -> tuple[list[Article], list[SkippedInput]]:
    articles: list[Article] = []
    skipped: list[SkippedInput] = []
    for item in iter_corpus(expand_paths(paths)):
        if isinstance(item, Article):
            articles.append(item)
        else:
            skipped.append(item)
    return articles, skipped


def _file_inputs(path: Path) -> Iterator[CorpusInput | SkippedInput]:
    if path.suffix not in SUPPORTED_SUFFIXES:
        yield SkippedInput(str(path), f"unsupported file type {path.suffix!r} (use .txt, .jsonl, .html or .htm)")
        return
    try:
        if path.suffix == ".jsonl":  # streamed row by row: a corpus file may be larger than memory
            yield from _jsonl_inputs(path)
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield SkippedInput(str(path), f"cannot read the file ({exc.strerror})")
        return
    if problem := _binary_problem(raw):
        yield SkippedInput(str(path), problem)
        return
    yield CorpusInput(str(path), path.suffix, _without_boms(raw))


def looks_like_html(text: str) -> bool:
    head = text[:512].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or ("<body" in head and "</" in text)


def _html_article(html: str, source: str) -> Article | SkippedInput:
    import trafilatura  # only web pages need it (and its lxml)

    body = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not body or not body.strip():
        return SkippedInput(source, "HTML page with no article text found")
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title if metadata is not None and metadata.title else "").strip()
    first, _, rest = body.partition("\n")
    if title and first.strip() == title and rest.strip():
        body = rest  # the page's headline repeated as the first line of the text
    return make_article(title, body.strip("\n"), source)


def _binary_problem(raw: bytes, offset: int = 0, *, empty_ok: bool = False) -> str | None:
    """Why these bytes (at `offset` in their file) are not text we can read, if they are not."""
    if not empty_ok and not raw.strip():
        return "empty file"
    if b"\x00" in raw:
        return "binary file (contains NUL bytes)"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (byte {offset + exc.start}); re-save the file as UTF-8"
    return None


def _txt_article(text: str, source: str) -> Article | SkippedInput:
    title, _, body = text.replace("\r\n", "\n").partition("\n")
    body = body.strip("\n")
    if not body.strip():
        return SkippedInput(source, "no body: the first line is the title, the article text must follow")
    return make_article(title.strip(), body, source)


def _jsonl_inputs(path: Path) -> Iterator[CorpusInput | SkippedInput]:
    """Rows of a JSONL file, read one line at a time; a binary or non-UTF-8 line skips the rest of the file."""
    seen_text = False
    offset = 0
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            if problem := _binary_problem(raw, offset, empty_ok=True):
                yield SkippedInput(f"{path}:{lineno}", f"{problem}; the rest of the file is skipped")
                return
            offset += len(raw)
            line = _without_boms(raw) if lineno == 1 else raw
            if line.decode("utf-8").strip():  # str.strip, not bytes.strip: a line of Unicode spaces is blank too
                seen_text = True
                yield CorpusInput(f"{path}:{lineno}", path.suffix, line)
    if not seen_text:
        yield SkippedInput(str(path), "empty file")


def _without_boms(raw: bytes) -> bytes:
    while raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    return raw


def _jsonl_row(line: str, where: str) -> Article | SkippedInput:
    try:
        row = json.loads(line)
        body = row["text"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        return SkippedInput(where, f"bad JSONL row ({exc.__class__.__name__}: {exc}); need at least 'text'")
    if not isinstance(body, str) or not body.strip():
        return SkippedInput(where, "empty 'text'")
    published = _iso_date(row.get("published"))
    article = make_article(str(row.get("title") or ""), body, where, url=_text_or_none(row.get("url")),
                           published=published)  # fmt: skip
    own_id = row.get("id")
    meta = {k: v for k, v in row.items() if k not in _JSONL_KNOWN}
    return article.model_copy(update={"external_id": None if own_id is None else str(own_id), "meta": meta})


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


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
