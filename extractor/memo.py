"""The article memo: a finished article's output lines, kept in the response cache.

A rerun over a corpus the cache already answered spends its time re-deriving
the same records (splitting, grounding, rules) from cached answers: about
13 ms of CPU per article. The memo skips that: it stores the four files' lines
of every article that finished `ok`, keyed by everything that decides them —

* the article: in a batch, the corpus input it was read from (its bytes,
  file type and source), so a warm rerun looks an input up before parsing
  it; otherwise its whole JSON (source path and metadata included),
* the run's plan: target (endpoint, model, mode, sampling), strategy, strict,
  prompt templates and response models, scope, actors, re-ask limit,
* the code and data: a hash of every file of the `extractor` and `schemas`
  packages, so any change to rules, vocabularies or code misses the memo
  instead of serving records the new version would not write.

A hit is written as a warm per-call-cache run would write it: the same
records, and usage counted as cache hits (no tokens), so outputs stay byte
for byte the same with or without the memo. It lives in the response cache
(`memo:` keys), so `--no-cache` and `extractor cache clear` cover it too.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import importlib.metadata
import json
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import zstandard

import schemas
from extractor.corpus import CorpusInput
from extractor.cost import target_cost
from extractor.llm.cache import ResponseCache
from extractor.llm.seam import LLMClient
from extractor.pipeline import FinishedArticle, RunPlan, process_article
from schemas import Article, ArticleResult, ArticleStatus, Usage

KEY_PREFIX = "memo:v4:"
RECORD_FILES = ("meetings.jsonl", "statements.jsonl", "positions.jsonl")  # the keys of FinishedArticle.records


class ArticleMemo:
    """Finished articles of one plan, in a response cache."""

    def __init__(self, cache: ResponseCache, plan: RunPlan, max_reasks: int) -> None:
        self._cache = cache
        self._plan = plan
        self._plan_key = plan_fingerprint(plan, max_reasks)

    def key(self, article: Article, input_sha256: str | None = None) -> str:
        """By the corpus input the article was just read from (`FromInput`), or else by the article's whole JSON.

        Only the reader passes the input: an article changed after reading is keyed by what it now holds.
        """
        if input_sha256 is not None:
            return self._input_key(input_sha256)
        blob = f"{self._plan_key}\n{article.model_dump_json()}"
        return KEY_PREFIX + hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _input_key(self, input_sha256: str) -> str:
        return KEY_PREFIX + hashlib.sha256(f"{self._plan_key}\ninput {input_sha256}".encode()).hexdigest()

    def get(self, article: Article, input_sha256: str | None = None) -> FinishedArticle | None:
        return self._lookup(self.key(article, input_sha256))

    def recall(self, item: CorpusInput) -> FinishedArticle | None:
        """An input's lines before it is read into an article: a warm rerun never parses what it already has.

        The input's bytes, how they are read and its source decide the article (with the code, which the
        plan's fingerprint holds), so they key it as the article would.
        """
        return self._lookup(self._input_key(item.sha256))

    def _lookup(self, key: str) -> FinishedArticle | None:
        entry = self._cache.get(key)
        if entry is None:
            return None
        try:
            lines = _unpack(entry["zst"]).split("\n")
            counts = [int(n) for n in json.loads(lines[0])]
            if len(counts) != len(RECORD_FILES) or len(lines) != 2 + sum(counts):
                return None
            result = ArticleResult.model_validate_json(lines[1])
        except (KeyError, TypeError, ValueError, zstandard.ZstdError):
            return None  # an entry of another shape: recompute (the cache's own damage handling logs rows)
        records: dict[str, list[str]] = {}
        start = 2
        for name, count in zip(RECORD_FILES, counts, strict=True):
            records[name], start = lines[start : start + count], start + count
        return FinishedArticle(self._as_cache_hit(result), records)

    def put(self, article: Article, finished: FinishedArticle, input_sha256: str | None = None) -> None:
        if finished.result.status is not ArticleStatus.ok:
            return  # failures are tried again next run
        # The lines as they go into the files (a JSON line has no raw newline), after their counts and the
        # result: read back by splitting, where JSON strings holding JSON lines took twice as long to decode.
        parts = [finished.records.get(name, []) for name in RECORD_FILES]
        counts = json.dumps([len(part) for part in parts])
        text = "\n".join([counts, finished.result.model_dump_json(), *(line for part in parts for line in part)])
        self._cache.put(self.key(article, input_sha256), {"zst": _pack(text)})

    def _as_cache_hit(self, result: ArticleResult) -> ArticleResult:
        """The result a per-call-cache rerun writes: every call answered from the cache, no tokens spent."""
        usage = Usage(cache_hits=result.usage.calls + result.usage.cache_hits)
        return result.model_copy(
            update={
                "usage": usage,
                "cache_hit": usage.cache_hits > 0,
                "cost_usd": target_cost(usage, self._plan.target, self._plan.prices),
            }
        )


# Compressed: record lines repeat themselves (keys, provenance), and a row this small (27 KB of lines → 3 KB)
# stays inside SQLite instead of becoming a file of its own. zstd, not zlib: a warm rerun reads every row back,
# and zstd decompressed them in 26 µs where zlib took 85 µs. Base64: the cache holds text only.
_codec = threading.local()  # zstandard's (de)compressor objects are not for sharing between threads


def _pack(text: str) -> str:
    if not hasattr(_codec, "compress"):
        _codec.compress = zstandard.ZstdCompressor(level=1).compress
    return base64.b64encode(_codec.compress(text.encode("utf-8"))).decode("ascii")


def _unpack(packed: str) -> str:
    if not hasattr(_codec, "decompress"):
        _codec.decompress = zstandard.ZstdDecompressor().decompress
    text: str = _codec.decompress(base64.b64decode(packed)).decode("utf-8")
    return text


def plan_fingerprint(plan: RunPlan, max_reasks: int) -> str:
    """Everything of a plan that can change an article's records, as one hash (with the code's)."""
    described = {
        "code": code_fingerprint(),
        "target": dataclasses.asdict(plan.target),
        "strategy": plan.strategy,
        "strict": plan.strict,
        "prompts": [_prompt(t, m) for t, m in plan.prompts],
        "paragraph_prompts": [_prompt(t, m) for t, m in plan.paragraph_prompts],
        "scope": plan.scope.fingerprint(),
        "actors": plan.actors.fingerprint(),
        "max_reasks": max_reasks,
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _prompt(template: Any, model: type) -> dict[str, Any]:
    return {"template": dataclasses.asdict(template), "model": f"{model.__module__}.{model.__qualname__}"}


# Libraries whose upgrade can change an article or its records: reading pages (trafilatura, lxml), dates,
# fuzzy matching, country codes, the JSON the records are written as, and the YAML of the packaged data.
# Python's own version is in the hash too: its Unicode tables decide name normalisation and case folding.
RECORD_LIBRARIES = (
    "trafilatura", "lxml", "dateparser", "rapidfuzz", "pycountry", "pydantic", "pydantic-core", "PyYAML",
)  # fmt: skip
# Code that reads a run's finished files and never makes an article's records (events, tables, the review page):
# changing it must not throw away every remembered article. Nothing outside it imports it but the CLI and the
# batch's events step, which runs after the records are written (tested).
AFTER_RECORDS = ("extractor/dataset",)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of every file of the installed `extractor` and `schemas` packages (code, data, prompts) but those
    under `AFTER_RECORDS`, and of the versions of `RECORD_LIBRARIES` and Python."""
    return _package_fingerprint(AFTER_RECORDS)


@lru_cache(maxsize=1)
def whole_code_fingerprint() -> str:
    """`code_fingerprint` with nothing left out: what decides a step that reads the finished files (events)."""
    return _package_fingerprint(())


def _package_fingerprint(left_out: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for root in (Path(__file__).resolve().parent, Path(schemas.__file__).resolve().parent):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and _is_source(p)):
            name = path.relative_to(root.parent).as_posix()
            if not name.startswith(tuple(f"{part}/" for part in left_out)):
                digest.update(name.encode("utf-8") + b"\0")
                digest.update(path.read_bytes())
    for name in RECORD_LIBRARIES:
        digest.update(f"{name}=={_version(name)}\0".encode())
    digest.update(f"python=={sys.version_info.major}.{sys.version_info.minor}\0".encode())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _is_source(path: Path) -> bool:
    return "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")


@dataclass(frozen=True)
class FromInput:
    """An article just read from a corpus input, and that input's digest: the memo key it is remembered by."""

    article: Article
    input_sha256: str


@dataclass(frozen=True)
class Recalled:
    """A corpus input the memo answered before it was read: its article's lines, ready to write."""

    finished: FinishedArticle


def recalled(item: FromInput | Recalled) -> FinishedArticle | None:
    return item.finished if isinstance(item, Recalled) else None


def finish_article(
    article: Article,
    client: LLMClient,
    plan: RunPlan,
    memo: ArticleMemo | None,
    *,
    recalled: bool = False,
    input_sha256: str | None = None,
) -> FinishedArticle:
    """The article's lines from the memo, or from the pipeline (then remembered, if it finished ok).

    `recalled`: the caller has already looked the article up in the memo (and missed). `input_sha256`: the
    corpus input it was just read from (see `ArticleMemo.key`).
    """
    if memo is not None and not recalled and (found := memo.get(article, input_sha256)) is not None:
        return found
    finished = FinishedArticle.of(process_article(article, client, plan))
    if memo is not None:
        memo.put(article, finished, input_sha256)
    return finished


def memo_for(client: LLMClient, plan: RunPlan) -> ArticleMemo | None:
    """The memo of a run: in the client's cache, so none when the run is uncached (--no-cache, --record, --replay)."""
    return ArticleMemo(client.cache, plan, client.max_reasks) if client.cache is not None else None
