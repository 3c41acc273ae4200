"""Provider batch files as a backend: answers come from a results file, unanswered calls go into a batch file.

The OpenAI Batch API format, which vLLM's `run_batch` also reads and writes:

    request line:  {"custom_id": "<article id>:<call id>", "method": "POST", "url": "/v1/chat/completions",
                    "body": {...the exact body a realtime call sends...}}
    result line:   {"id": ..., "custom_id": ..., "response": {"status_code": 200, "body": {...}}, "error": null}

A call's id is the hash of its exact body, so an answer is only ever used for
the body it answers: a changed prompt, schema or model simply finds no answer.
`BatchAnswers.for_article` gives the source one article's calls see
(`LLMClient.answers`); a call without an answer is noted for the next batch
file and raises `AnswerPendingError`, which ends that article's round.

Result lines that failed on the provider's side with 429/5xx (or with no
response at all, e.g. an expired batch) are asked again in the next file;
any other HTTP status fails the call as a realtime 4xx would. A round with
more requests than the provider takes in one file is split into several.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openai.types.chat import ChatCompletion

from extractor.errors import AnswerPendingError, InputError, TransportError

BATCH_URL = "/v1/chat/completions"
MAX_LINES = 50_000  # the OpenAI Batch API's limits: requests per file …
MAX_BYTES = 190_000_000  # … and 200 MB per file (kept under it)


@dataclass(frozen=True)
class BatchResult:
    status_code: int | None  # None: the provider sent no response (an error object only)
    body: dict[str, Any] | None
    error: str | None

    @property
    def answered(self) -> bool:
        return self.status_code == 200 and self.body is not None

    @property
    def retryable(self) -> bool:
        return self.status_code is None or self.status_code == 429 or self.status_code >= 500


def call_id(body: dict[str, Any]) -> str:
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


def request_line(article_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"custom_id": f"{article_id}:{call_id(body)}", "method": "POST", "url": BATCH_URL, "body": body}


def parse_result_line(line: dict[str, Any]) -> tuple[str, BatchResult]:
    """(call id, result) of one result line."""
    custom_id = line.get("custom_id")
    if not isinstance(custom_id, str) or ":" not in custom_id:
        raise ValueError(f"custom_id {custom_id!r} is not '<article id>:<call id>'")
    response = line.get("response") or {}
    error = line.get("error")
    body = response.get("body") if isinstance(response.get("body"), dict) else None
    message = (body or {}).get("error") or error
    return custom_id.rsplit(":", 1)[1], BatchResult(
        status_code=response.get("status_code"),
        body=body,
        error=json.dumps(message, ensure_ascii=False) if message else None,
    )


def load_results(paths: Iterable[Path]) -> dict[str, BatchResult]:
    """Every result of every file, by call id; an answer beats an error, a later file beats an earlier one."""
    results: dict[str, BatchResult] = {}
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"{path}: cannot read the batch results ({exc.strerror})") from exc
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                key, result = parse_result_line(json.loads(text))
            except ValueError as exc:
                raise InputError(f"{path}:{number}: not a batch result line ({exc})") from exc
            if result.answered or key not in results or not results[key].answered:
                results[key] = result
    return results


@dataclass
class BatchAnswers:
    """The results known so far, and the request lines still to send (in the order they were met)."""

    results: dict[str, BatchResult] = field(default_factory=dict)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def for_article(self, article_id: str) -> ArticleAnswers:
        return ArticleAnswers(self, article_id)


@dataclass
class ArticleAnswers:
    """What one article's calls see (`LLMClient.answers`)."""

    batch: BatchAnswers
    article_id: str
    pending: int = 0

    def answer(self, body: dict[str, Any]) -> ChatCompletion:
        key = call_id(body)
        result = self.batch.results.get(key)
        if result is None or (not result.answered and result.retryable):
            line = request_line(self.article_id, body)
            self.batch.pending.setdefault(line["custom_id"], line)
            self.pending += 1
            why = "no answer yet" if result is None else f"the provider failed it ({result.error}); asked again"
            raise AnswerPendingError(f"call {line['custom_id']}: {why}")
        self.batch.used.add(key)
        if result.status_code != 200 or result.body is None:
            raise TransportError(f"the batch answered HTTP {result.status_code} for call {key}: {result.error}")
        return ChatCompletion.model_construct(**result.body)  # the SDK's own lenient, nested construction


def split_lines(lines: Iterable[str], max_lines: int, max_bytes: int) -> list[list[str]]:
    """JSONL lines in files of at most `max_lines` lines and `max_bytes` bytes (a longer line gets a file alone)."""
    files: list[list[str]] = []
    size = 0
    for line in lines:
        length = len(line.encode("utf-8"))
        if not files or len(files[-1]) >= max_lines or (files[-1] and size + length > max_bytes):
            files.append([])
            size = 0
        files[-1].append(line)
        size += length
    return files


def part_path(path: Path, index: int) -> Path:
    """`batch.jsonl`, then `batch-2.jsonl`, `batch-3.jsonl`, … for a round too big for one file."""
    return path if index == 0 else path.with_name(f"{path.stem}-{index + 1}{path.suffix}")


def write_requests(
    path: Path, lines: Iterable[dict[str, Any]], max_lines: int = MAX_LINES, max_bytes: int = MAX_BYTES
) -> list[Path]:
    """Write request lines as JSONL, split into files the provider accepts; the files written."""
    encoded = (json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    written = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for index, part in enumerate(split_lines(encoded, max_lines, max_bytes)):
            target = part_path(path, index)
            target.write_text("".join(part), encoding="utf-8", newline="\n")
            written.append(target)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the batch file ({exc.strerror})") from exc
    return written
