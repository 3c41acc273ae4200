"""LangExtract's side of bench/vs_langextract.py; runs under LangExtract's own venv, not the project's.

    /work/lxvenv/bin/python bench/_langextract_worker.py --input corpus/dev/voa_dev.jsonl --output lx.json \\
        --base-url http://127.0.0.1:PORT/v1 --model MODEL

Imports nothing of `extractor` (it is not installed there): only the standard library, `langextract` and
`openai`. Reads the JSONL articles, calls `langextract.extract` once per article with the OpenAI provider
pointed at an OpenAI-compatible server, and writes every extraction (class, text, char interval, alignment,
attributes) plus per-article seconds, token usage and LangExtract's warnings as one JSON file.

The prompt and its examples are generic and invented: they name nothing of any corpus.

`--dry-run` answers every request from an in-process fake (httpx2.MockTransport behind the real OpenAI SDK)
that quotes the first words of each chunk: no server, no model. It tests the plumbing only.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from unittest import mock

import httpx2
import langextract as lx
import openai
from langextract.factory import ModelConfig
from langextract.providers.schemas.openai import OpenAISchema

PROMPT_NAME = "vs_langextract@1"

PROMPT = """\
Extract diplomatic meetings and verbatim quotes from a news article, in order of appearance.

meeting: a meeting, talks, phone call, video call or visit between named officials that the article reports \
(held, planned or expected). The extraction text is the article's own words that report it: a clause or a \
sentence, copied exactly. Attributes:
- participants: every named person who took part, as the article writes the name, separated by "; ".
- date: the meeting's date as YYYY-MM-DD when the text (with the publication date given in this prompt) \
makes it certain, else YYYY-MM or YYYY; else the date words as written; "" if the article gives none.
- format: in_person, phone, video or unknown.

quote: words of a named speaker that stand inside quotation marks in the article. The extraction text is \
exactly the words between the quotation marks, copied character for character, without the marks. Attribute:
- speaker: the person or institution who said it, as named in the article.

Use exact text from the article for every extraction; never paraphrase. Do not extract the same words twice.\
"""

EXAMPLES: list[lx.data.ExampleData] = [
    lx.data.ExampleData(
        text=(
            "HARWICK — Foreign Minister Aldo Varen of Norland met his Esterian counterpart Mira Castell in Harwick "
            'on March 3, 2021, to discuss fishing rights in the northern strait. "We agreed to keep talking until '
            'every boat can sail safely," Varen told reporters after the talks. On March 4, Castell also spoke by '
            "phone with Lorin Abbe, the prime minister of Valmark."
        ),
        extractions=[
            lx.data.Extraction(
                extraction_class="meeting",
                extraction_text=(
                    "Foreign Minister Aldo Varen of Norland met his Esterian counterpart Mira Castell in Harwick "
                    "on March 3, 2021"
                ),
                attributes={"participants": "Aldo Varen; Mira Castell", "date": "2021-03-03", "format": "in_person"},
            ),
            lx.data.Extraction(
                extraction_class="quote",
                extraction_text="We agreed to keep talking until every boat can sail safely",
                attributes={"speaker": "Aldo Varen"},
            ),
            lx.data.Extraction(
                extraction_class="meeting",
                extraction_text="Castell also spoke by phone with Lorin Abbe",
                attributes={"participants": "Mira Castell; Lorin Abbe", "date": "2021-03-04", "format": "phone"},
            ),
        ],
    ),
    lx.data.ExampleData(
        text=(
            "Trade Minister Pell Oduya said she would hold a video call with her Karvian counterpart, Ivo Strand, "
            'later this month. "There is no time to lose," Oduya said. A spokesman for Strand declined to comment.'
        ),
        extractions=[
            lx.data.Extraction(
                extraction_class="meeting",
                extraction_text="hold a video call with her Karvian counterpart, Ivo Strand, later this month",
                attributes={"participants": "Pell Oduya; Ivo Strand", "date": "later this month", "format": "video"},
            ),
            lx.data.Extraction(
                extraction_class="quote",
                extraction_text="There is no time to lose",
                attributes={"speaker": "Pell Oduya"},
            ),
        ],
    ),
]


def prompt_hash() -> str:
    """sha256 prefix of the prompt and its examples, as the converted records' provenance."""
    examples = [
        {
            "text": e.text,
            "extractions": [[x.extraction_class, x.extraction_text, x.attributes] for x in e.extractions],
        }
        for e in EXAMPLES
    ]
    blob = json.dumps({"prompt": PROMPT, "examples": examples}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def response_format(constraint: str) -> dict[str, Any]:
    """The response_format for llama.cpp's OpenAI-compatible server.

    LangExtract's own OpenAI structured output sends ``{"type": "json_schema", "json_schema": {...}}``, which
    llama-cpp-python's server rejects (its response_format accepts only "text" and "json_object", the latter
    with an optional "schema"). So the same example-derived schema is sent in the server's own dialect.
    """
    if constraint == "schema":
        return {"type": "json_object", "schema": OpenAISchema.from_examples(EXAMPLES).schema_dict}
    return {"type": "json_object"}  # what the provider sends itself for JSON output without a schema


# ---------------------------------------------------------------- the OpenAI client LangExtract builds


@dataclass
class Meter:
    """Token usage and request count of the current article (requests may run on worker threads)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, usage: Any) -> None:
        with self.lock:
            self.calls += 1
            if usage is not None:
                self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
                self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)

    def take(self) -> dict[str, int]:
        with self.lock:
            out = {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "calls": self.calls,
            }
            self.prompt_tokens = self.completion_tokens = self.calls = 0
        return out


def client_class(meter: Meter, timeout_s: float, transport: httpx2.BaseTransport | None) -> type[openai.OpenAI]:
    """`openai.OpenAI` as LangExtract's provider constructs it, plus a long timeout, no SDK retries and a meter.

    The provider gives the SDK only api_key/base_url/organization, so the SDK's defaults would apply: 600 s
    and 2 retries. A retried request on a one-request-at-a-time server queues a second full generation
    behind the first, which would falsify the timing; a retry-free, long-timeout client keeps it honest.
    """

    class BenchOpenAI(openai.OpenAI):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.update(timeout=timeout_s, max_retries=0)
            if transport is not None:
                kwargs["http_client"] = httpx2.Client(transport=transport, timeout=timeout_s)
            super().__init__(**kwargs)
            completions = self.chat.completions
            create = completions.create

            def metered(*args: Any, **kw: Any) -> Any:
                response = create(*args, **kw)
                meter.add(getattr(response, "usage", None))
                return response

            completions.create = metered  # type: ignore[method-assign]

    return BenchOpenAI


# ---------------------------------------------------------------- dry run: a fake server in-process


def fake_transport(requests: list[dict[str, Any]]) -> httpx2.MockTransport:
    """Answers each chat completion with one 'quote' of the chunk's first words; keeps the request bodies."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        requests.append(body)
        chunk = body["messages"][-1]["content"].rpartition("\nQ: ")[2].rpartition("\nA: ")[0]
        words = chunk.split()[:6]
        extractions = [{"quote": " ".join(words), "quote_attributes": {"speaker": "dry run"}}] if words else []
        content = json.dumps({"extractions": extractions})
        return httpx2.Response(
            200,
            json={
                "id": "chatcmpl-dry-run",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            },
        )

    return httpx2.MockTransport(handle)


# ---------------------------------------------------------------- warnings LangExtract logs


class WarningLog(logging.Handler):
    """LangExtract logs (and then drops) chunks whose output it cannot parse: keep those messages."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "langextract" in record.pathname:
            self.messages.append(" ".join(record.getMessage().split())[:300])

    def take(self) -> list[str]:
        out, self.messages = self.messages, []
        return out


@contextlib.contextmanager
def captured_warnings() -> Iterator[WarningLog]:
    handler = WarningLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


# ---------------------------------------------------------------- articles and extraction


@dataclass(frozen=True)
class Row:
    row: int
    title: str
    published: str | None
    text: str


def read_rows(path: Path) -> Iterator[Row | tuple[int, str]]:
    """JSONL rows numbered from 1 as `extractor.corpus` numbers them (blank lines count, are skipped)."""
    for lineno, line in enumerate(path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            text = raw["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            yield lineno, f"bad JSONL row ({exc.__class__.__name__})"
            continue
        if not isinstance(text, str) or not text.strip():
            yield lineno, "empty 'text'"
            continue
        published = raw.get("published")
        yield Row(lineno, str(raw.get("title") or ""), str(published) if published else None, text)


def context_for(row: Row) -> str:
    lines = [f"Article title: {row.title}"] if row.title else []
    if row.published:
        lines.append(f"Publication date: {row.published[:10]}")
    return "\n".join(lines)


def extraction_json(x: lx.data.Extraction) -> dict[str, Any]:
    interval = x.char_interval
    return {
        "class": x.extraction_class,
        "text": x.extraction_text,
        "start": interval.start_pos if interval is not None else None,
        "end": interval.end_pos if interval is not None else None,
        "alignment": x.alignment_status.value if x.alignment_status is not None else None,
        "attributes": dict(x.attributes or {}),
        "index": x.extraction_index,
        "group": x.group_index,
    }


def build_config(args: argparse.Namespace) -> ModelConfig:
    """LangExtract's documented path for an OpenAI-compatible server: ModelConfig with provider="openai".

    With `config=`, `extract()`'s own temperature/max_workers/language_model_params are not forwarded to the
    provider, so everything the provider needs goes into provider_kwargs; seed, max_output_tokens and
    response_format are passed through to each chat completion by the provider's `infer`.
    """
    kwargs: dict[str, Any] = {
        "api_key": args.api_key,
        "base_url": args.base_url,
        "temperature": args.temperature,
        "max_workers": args.max_workers,
        "seed": args.seed,
        "max_output_tokens": args.max_tokens,
    }
    kwargs["response_format"] = response_format(args.constraint)
    return ModelConfig(model_id=args.model, provider="openai", provider_kwargs=kwargs)


def extract_row(row: Row, args: argparse.Namespace, config: ModelConfig) -> list[dict[str, Any]]:
    result = lx.extract(
        text_or_documents=row.text,
        prompt_description=PROMPT,
        examples=EXAMPLES,
        config=config,
        # Raw JSON, no ``` fences: the server's json_object grammar cannot emit fences. LangExtract's own
        # schema constraint for OpenAI (json_schema) is off because the server rejects it; the same schema
        # goes in response_format instead (see `response_format`).
        fence_output=False,
        use_schema_constraints=False,
        max_char_buffer=args.max_char_buffer,
        batch_length=max(10, args.max_workers),
        max_workers=args.max_workers,
        additional_context=context_for(row) or None,
        show_progress=False,
    )
    annotated = result[0] if isinstance(result, list) else result
    return [extraction_json(x) for x in annotated.extractions or []]


def run(args: argparse.Namespace, transport: httpx2.BaseTransport | None) -> dict[str, Any]:
    meter = Meter()
    config = build_config(args)
    articles: list[dict[str, Any]] = []
    started = time.perf_counter()
    with captured_warnings() as log, mock.patch.object(openai, "OpenAI", client_class(meter, args.timeout, transport)):
        for item in read_rows(args.input):
            if not isinstance(item, Row):
                articles.append({"row": item[0], "error": item[1], "extractions": [], "seconds": 0.0})
                continue
            t0 = time.perf_counter()
            entry: dict[str, Any] = {"row": item.row, "sha256": hashlib.sha256(item.text.encode("utf-8")).hexdigest()}
            try:
                entry["extractions"] = extract_row(item, args, config)
                entry["error"] = None
            except Exception as exc:  # one article's failure is recorded, the others still run
                entry["extractions"] = []
                entry["error"] = f"{exc.__class__.__name__}: {' '.join(str(exc).split())[:300]}"
            entry["seconds"] = round(time.perf_counter() - t0, 3)
            entry["usage"] = meter.take()
            entry["warnings"] = log.take()
            articles.append(entry)
            print(f"langextract: row {item.row}: {len(entry['extractions'])} extractions, {entry['seconds']:.1f} s"
                  + (f", {entry['error']}" if entry["error"] else ""), file=sys.stderr, flush=True)  # fmt: skip
    return {
        "tool": "langextract",
        "version": metadata.version("langextract"),
        "model": args.model,
        "base_url": args.base_url,
        "prompt": PROMPT_NAME,
        "prompt_hash": prompt_hash(),
        "settings": {
            "constraint": args.constraint,
            "max_char_buffer": args.max_char_buffer,
            "max_workers": args.max_workers,
            "temperature": args.temperature,
            "seed": args.seed,
            "max_tokens": args.max_tokens,
            "dry_run": transport is not None,
        },
        "seconds": round(time.perf_counter() - started, 3),
        "articles": articles,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, required=True, help="JSONL articles (id/title/published/text).")
    parser.add_argument("--output", type=Path, required=True, help="Where to write the extractions as JSON.")
    parser.add_argument("--base-url", required=True, help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    parser.add_argument("--model", required=True, help="Model name the server expects.")
    parser.add_argument("--api-key", default="not-needed", help="Dummy: local servers ignore it.")
    parser.add_argument("--constraint", choices=("schema", "json"), default="schema",
                        help="schema: LangExtract's example-derived schema as llama.cpp json_object+schema; "
                             "json: plain JSON mode (the provider's own fallback).")  # fmt: skip
    parser.add_argument("--max-char-buffer", type=int, default=1000, help="LangExtract's chunk size (its default).")
    parser.add_argument("--max-workers", type=int, default=1, help="Requests in flight at once.")
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=1536, help="max_tokens of each request.")
    parser.add_argument("--timeout", type=float, default=1800.0, help="Seconds per request.")
    parser.add_argument("--dry-run", action="store_true", help="Fake server in-process: tests the plumbing only.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    requests: list[dict[str, Any]] = []
    transport = fake_transport(requests) if args.dry_run else None
    output = run(args, transport)
    if args.dry_run:
        output["requests"] = requests
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
