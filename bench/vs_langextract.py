"""extractor vs LangExtract 1.7.1 on the dev set, same llama.cpp server and model, side by side in one run.

    .venv/bin/extractor local start                                  # once: the embedded llama.cpp server
    python3 -m venv /work/lxvenv && /work/lxvenv/bin/pip install langextract==1.7.1 openai
    .venv/bin/python bench/vs_langextract.py [--base-url URL] [--model NAME] [--lx-python PATH] [--out DIR]

Both tools talk to the SAME OpenAI-compatible server (default: the one `extractor local status --url` names)
with the SAME model name (default: the id the server lists at GET /v1/models), one request at a time
(`--concurrency`), temperature 0, seed 7, max_tokens 1536:

* extractor: `extractor run corpus/dev/voa_dev.jsonl --out DIR --base-url URL --backend llama_cpp
  --model NAME --no-cache`, as a subprocess, timed.
* LangExtract: `bench/_langextract_worker.py` under LangExtract's own venv (`--lx-python`), timed; it calls
  `langextract.extract` per article with a generic few-shot prompt (invented examples: classes `meeting` and
  `quote`), and its extractions are converted here into extractor's four JSONL files (`convert`), with
  LangExtract's char_interval as evidence offsets.

Both output directories are scored by the same `extractor.evaluate.evaluate_run` against corpus/dev/gold.
Prints one table: meeting F1, verbatim-quote recall, wall seconds and tokens per tool, then the
extractor/LangExtract ratios. Outputs, logs and summary.json stay in --out (default out/vs_langextract).
Run it on an otherwise idle machine: both tools share the server's cores.

`--dry-run` needs no server and no model: LangExtract answers from an in-process fake (see the worker) and
extractor is not run. It tests the plumbing (worker, conversion, scoring, table), never a tool's quality.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from extractor.corpus import load_corpus
from extractor.errors import GoldError, InputError
from extractor.evaluate import Scores, evaluate_run
from extractor.output import OUTPUT_FILES, write_outputs
from schemas.extraction import (
    DatePrecision,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Participant,
    Statement,
    StatementKind,
)
from schemas.records import (
    ActorRef,
    Alignment,
    Article,
    ArticleResult,
    ArticleStatus,
    EvidenceSpan,
    Flag,
    FlagCode,
    MeetingRecord,
    Provenance,
    ResolvedDate,
    StatementRecord,
    Usage,
)

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = Path("corpus/dev/voa_dev.jsonl")
GOLD_DIR = Path("corpus/dev/gold")
CORPUS_DIR = Path("corpus/dev")
WORKER = ROOT / "bench" / "_langextract_worker.py"
DEFAULT_LX_PYTHON = Path("/work/lxvenv/bin/python")
LX_BACKEND = "langextract/openai"
CONNECT_TIMEOUT_S = 3.0
console = Console(width=None if sys.stdout.isatty() else 150)  # a log file gets the whole table


class BenchError(Exception):
    """A one-line reason the bench cannot go on."""


# ---------------------------------------------------------------- LangExtract output → extractor's records

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_FORMATS: dict[str, MeetingFormat] = {
    "in_person": MeetingFormat.in_person, "in person": MeetingFormat.in_person,
    "in-person": MeetingFormat.in_person, "face-to-face": MeetingFormat.in_person,
    "face to face": MeetingFormat.in_person, "phone": MeetingFormat.phone, "phone call": MeetingFormat.phone,
    "telephone": MeetingFormat.phone, "call": MeetingFormat.phone, "video": MeetingFormat.video,
    "video call": MeetingFormat.video, "videoconference": MeetingFormat.video, "virtual": MeetingFormat.video,
}  # fmt: skip


def _text(value: object) -> str:
    """An attribute value as one string (LangExtract allows str or list of str)."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v is not None)
    return "" if value is None else str(value).strip()


def split_participants(value: object) -> list[str]:
    """'A; B' (the prompt's form), else 'A, B and C' as a fallback; order kept, duplicates dropped."""
    raw = value if isinstance(value, list) else [_text(value)]
    names: list[str] = []
    for item in raw:
        text = _text(item)
        parts = text.split(";") if ";" in text else re.split(r",\s*|\s+and\s+|\s*&\s*", text)
        names.extend(p.strip() for p in parts if p.strip())
    return list(dict.fromkeys(names))


def iso_date(value: str) -> tuple[str | None, DatePrecision]:
    """An ISO date (YYYY-MM-DD, YYYY-MM or YYYY) that exists, with its precision; else (None, unknown)."""
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return None, DatePrecision.unknown
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None, DatePrecision.unknown
    precision = DatePrecision.day if day else DatePrecision.month if month else DatePrecision.year
    return match.group(0), precision


def meeting_format(value: object) -> MeetingFormat:
    key = _text(value).casefold().strip()
    return _FORMATS.get(key) or _FORMATS.get(key.replace("_", " "), MeetingFormat.unknown)


def evidence_span(extraction: Mapping[str, Any], text: str) -> EvidenceSpan:
    """LangExtract's char_interval as offsets into the article body; its alignment status as ours."""
    given = str(extraction.get("text") or "")
    start, end = extraction.get("start"), extraction.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        return EvidenceSpan(text=given, alignment=Alignment.not_found)
    found = text[start:end]
    if found == given and extraction.get("alignment") == "match_exact":
        alignment = Alignment.exact
    elif found.casefold() == given.casefold() or " ".join(found.split()) == " ".join(given.split()):
        alignment = Alignment.normalised
    else:
        alignment = Alignment.fuzzy
    return EvidenceSpan(text=given, start=start, end=end, alignment=alignment)


def _evidence_flags(span: EvidenceSpan) -> list[Flag]:
    if span.alignment != Alignment.not_found:
        return []
    return [Flag(code=FlagCode.evidence_not_found, reason="LangExtract could not align this text with the article")]


def _meeting(extraction: Mapping[str, Any], span: EvidenceSpan) -> tuple[Meeting, list[str], ResolvedDate]:
    attributes = extraction.get("attributes") or {}
    names = split_participants(attributes.get("participants"))
    date_text = _text(attributes.get("date")) or None
    iso, precision = iso_date(date_text or "")
    meeting = Meeting(
        participants=[Participant(name=name) for name in names],
        date_text=date_text,
        date=iso,
        date_precision=precision,
        format=meeting_format(attributes.get("format")),
        status=MeetingStatus.held,  # the prompt asks for no status; held is the common case
        evidence=[span.text],
    )
    resolved = ResolvedDate(
        expression=date_text, iso=iso, precision=precision, method="as_given_by_model" if iso else "none"
    )
    return meeting, names, resolved


def _article_row(source: str) -> int | None:
    name, _, row = source.rpartition(":")
    return int(row) if name.endswith(".jsonl") and row.isdigit() else None


def _meeting_record(index: int, article: Article, extraction: Mapping[str, Any], prov: Provenance) -> MeetingRecord:
    span = evidence_span(extraction, article.text)
    meeting, names, resolved = _meeting(extraction, span)
    return MeetingRecord(
        id=f"{article.id}:meeting:{index}",
        article_id=article.id,
        evidence=[span],
        flags=_evidence_flags(span),
        provenance=prov,
        meeting=meeting,
        participants=[ActorRef(name_as_written=name) for name in names],
        date=resolved,
    )


def _quote_record(index: int, article: Article, extraction: Mapping[str, Any], prov: Provenance) -> StatementRecord:
    span = evidence_span(extraction, article.text)
    speaker = _text((extraction.get("attributes") or {}).get("speaker")) or "(unknown)"
    return StatementRecord(
        id=f"{article.id}:statement:{index}",
        article_id=article.id,
        evidence=[span],
        flags=_evidence_flags(span),
        provenance=prov,
        statement=Statement(speaker=speaker, text=span.text, kind=StatementKind.quote, evidence=[span.text]),
        speaker=ActorRef(name_as_written=speaker),
    )


def _article_result(
    article: Article, entry: Mapping[str, Any] | None, prov: Provenance, counts: dict[str, int]
) -> ArticleResult:
    error = "no LangExtract output for this article" if entry is None else entry.get("error")
    usage = (entry or {}).get("usage") or {}
    return ArticleResult(
        id=article.id,
        title=article.title,
        source=article.source,
        status=ArticleStatus.failed if error else ArticleStatus.ok,
        error=error,
        published=article.published,
        model=prov.model,
        prompt=prov.prompt,
        prompt_hash=prov.prompt_hash,
        usage=Usage(
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            calls=int(usage.get("calls", 0)),
        ),
        counts=counts,
    )


def convert(raw: Mapping[str, Any], articles: Sequence[Article]) -> dict[str, Sequence[BaseModel]]:
    """The worker's JSON → extractor's four tables, keyed by file name as `extractor.output.write_outputs` wants.

    Articles (from `extractor.corpus.load_corpus`, so ids and sources are extractor's own) are paired with the
    worker's rows by their 1-based JSONL row (the `:N` of `Article.source`), and the text is checked by
    sha256, so offsets index the very text `extractor` and the scorer use. `meeting` extractions become
    MeetingRecords, `quote` extractions StatementRecords of kind quote; other classes are ignored and
    LangExtract makes no positions. An article the worker has no row for, or failed on, is `failed`.
    """
    prov = Provenance(
        model=str(raw.get("model") or ""),
        backend=LX_BACKEND,
        prompt=str(raw.get("prompt") or ""),
        prompt_hash=str(raw.get("prompt_hash") or ""),
        strategy="langextract",
    )
    rows = {int(entry["row"]): entry for entry in raw.get("articles", [])}
    tables: dict[str, list[BaseModel]] = {name: [] for name in OUTPUT_FILES}
    for article in articles:
        row = _article_row(article.source)
        entry = rows.get(row) if row is not None else None
        if entry is not None and entry.get("sha256") not in (None, article.sha256):
            raise BenchError(f"{article.source}: LangExtract's row {row} is not the same text (sha256 differs)")
        meetings: list[MeetingRecord] = []
        quotes: list[StatementRecord] = []
        for extraction in (entry or {}).get("extractions", []):
            if not str(extraction.get("text") or "").strip():
                continue
            if extraction.get("class") == "meeting":
                meetings.append(_meeting_record(len(meetings), article, extraction, prov))
            elif extraction.get("class") == "quote":
                quotes.append(_quote_record(len(quotes), article, extraction, prov))
        counts = {"meetings": len(meetings), "statements": len(quotes), "positions": 0}
        tables["articles.jsonl"].append(_article_result(article, entry, prov, counts))
        tables["meetings.jsonl"].extend(meetings)
        tables["statements.jsonl"].extend(quotes)
    return dict(tables.items())


# ---------------------------------------------------------------- the server


def local_server_url() -> str:
    """What `extractor local status --url` prints: the running embedded server's base URL."""
    done = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "local", "status", "--url"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    url = done.stdout.strip()
    if done.returncode != 0 or not url:
        raise BenchError("no local llama.cpp server is running: `extractor local start` it, or pass --base-url URL")
    return url


def check_reachable(base_url: str) -> None:
    """A TCP connect only: the server answers HTTP one request at a time, so a busy one is slow, not dead."""
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise BenchError(f"--base-url {base_url!r}: not an http(s) URL, e.g. http://127.0.0.1:8000/v1")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise BenchError(f"server unreachable at {base_url} ({reason}); start it or pass --base-url") from exc


def server_model(base_url: str, timeout_s: float) -> str:
    """The first model id the server lists at GET /v1/models (waits for a request in flight to finish)."""
    url = base_url.rstrip("/") + "/models"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            listing = json.load(response)
        return str(listing["data"][0]["id"])
    except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise BenchError(f"GET {url} gave no model id ({exc}); pass --model NAME") from exc


# ---------------------------------------------------------------- running the tools


@dataclass
class ToolRun:
    tool: str
    out_dir: Path
    seconds: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    calls: int | None = None
    error: str | None = None
    scores: Scores | None = None
    score_error: str | None = None
    notes: list[str] = field(default_factory=list)


def _fresh(directory: Path) -> Path:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return directory


def _last_line(text: str) -> str:
    """The last line that reports an error or failure, else the last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    telling = [line for line in lines if line.lower().startswith(("error", "failed", "traceback"))] or lines
    return telling[-1][:300] if telling else "(no output)"


def _usage_totals(run: ToolRun) -> None:
    try:
        lines = (run.out_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        results = [ArticleResult.model_validate_json(line) for line in lines if line.strip()]
    except (OSError, ValidationError):
        return
    run.prompt_tokens = sum(r.usage.prompt_tokens for r in results)
    run.completion_tokens = sum(r.usage.completion_tokens for r in results)
    run.calls = sum(r.usage.calls for r in results)
    failed = [r for r in results if r.status != ArticleStatus.ok]
    if failed:
        run.notes.append(f"{len(failed)} of {len(results)} articles not ok: {_last_line(failed[0].error or '')}")


def run_extractor(args: argparse.Namespace, base_url: str, model: str) -> ToolRun:
    run = ToolRun("extractor", _fresh(args.out / "extractor"))
    command = [
        sys.executable, "-m", "extractor.cli", "run", str(args.input), "--out", str(run.out_dir),
        "--base-url", base_url, "--backend", "llama_cpp", "--model", model, "--no-cache",
        "--concurrency", str(args.concurrency), "--max-tokens", str(args.max_tokens),
    ]  # fmt: skip
    console.print(f"[bold]extractor[/]: {' '.join(command[1:])}", highlight=False)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    run.seconds = time.perf_counter() - started
    (args.out / "extractor.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        run.error = f"exit {done.returncode}: {_last_line(done.stderr or done.stdout)}"
    _usage_totals(run)
    return run


def run_langextract(args: argparse.Namespace, base_url: str, model: str) -> ToolRun:
    run = ToolRun("LangExtract", _fresh(args.out / "langextract"))
    raw_path = args.out / "langextract_raw.json"
    raw_path.unlink(missing_ok=True)
    command = [
        str(args.lx_python), str(WORKER), "--input", str(args.input), "--output", str(raw_path),
        "--base-url", base_url, "--model", model, "--max-workers", str(args.concurrency),
        "--max-tokens", str(args.max_tokens), "--constraint", args.lx_constraint,
        "--max-char-buffer", str(args.lx_max_char_buffer),
    ]  # fmt: skip
    if args.dry_run:
        command.append("--dry-run")
    console.print(f"[bold]LangExtract[/]: {' '.join(command)}", highlight=False)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    run.seconds = time.perf_counter() - started
    (args.out / "langextract.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0 or not raw_path.is_file():
        run.error = f"worker exit {done.returncode}: {_last_line(done.stderr or done.stdout)}"
        return run
    raw = json.loads(raw_path.read_text(encoding="utf-8"))
    articles, _ = load_corpus([args.input])
    write_outputs(run.out_dir, convert(raw, articles))
    run.notes.append(f"in-process extract time {raw.get('seconds', 0):.1f} s of the {run.seconds:.1f} s wall")
    dropped = sum(
        1 for entry in raw.get("articles", []) for message in entry.get("warnings", []) if "Chunk omitted" in message
    )
    if dropped:
        run.notes.append(f"{dropped} chunk outputs LangExtract could not parse (dropped): see {raw_path}")
    _usage_totals(run)
    return run


def score(run: ToolRun, gold: Path, corpus: Path) -> None:
    if run.error is not None and not (run.out_dir / "articles.jsonl").is_file():
        return
    try:
        run.scores = evaluate_run(gold_dir=gold, pred_dir=run.out_dir, corpus_dir=corpus)
    except (GoldError, InputError) as exc:
        run.score_error = str(exc)


def check_lx_python(path: Path) -> None:
    if not path.is_file():
        raise BenchError(
            f"--lx-python {path}: no such interpreter; "
            "python3 -m venv /work/lxvenv && /work/lxvenv/bin/pip install langextract==1.7.1 openai"
        )


def gold_problem(gold: Path) -> str | None:
    if not any(gold.glob("*.json")):
        return f"no gold *.json in {gold} yet: the tools still run and are timed, but nothing is scored"
    return None


# ---------------------------------------------------------------- the table


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _num(value: float | None, fmt: str = "{:,.0f}") -> str:
    return "–" if value is None else fmt.format(value)


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def summary_row(run: ToolRun) -> dict[str, Any]:
    meetings = run.scores.totals["meetings"] if run.scores is not None else None
    quotes = run.scores.quote_recall if run.scores is not None else None
    return {
        "tool": run.tool,
        "meeting_f1": meetings.f1 if meetings else None,
        "meetings": meetings.model_dump() if meetings else None,
        "quote_recall": quotes.recall if quotes else None,
        "quotes": quotes.model_dump() if quotes else None,
        "seconds": None if run.seconds is None else round(run.seconds, 2),
        "prompt_tokens": run.prompt_tokens,
        "completion_tokens": run.completion_tokens,
        "calls": run.calls,
        "error": run.error,
        "score_error": run.score_error,
        "notes": run.notes,
        "out_dir": str(run.out_dir),
    }


def results_table(runs: Sequence[ToolRun], title: str) -> Table:
    table = Table(title=title)
    columns = ("tool", "meeting F1 (m/g/p)", "quote recall (found/gold)", "seconds", "tokens prompt/completion",
               "requests", "status")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in ("tool", "status") else "right")
    for run in runs:
        row = summary_row(run)
        m, q = row["meetings"], row["quotes"]
        status = run.error or ("not scored" if run.score_error else "ok")
        table.add_row(
            run.tool,
            f"{_rate(row['meeting_f1'])} ({m['matched']}/{m['gold']}/{m['predicted']})" if m else "–",
            f"{_rate(row['quote_recall'])} ({q['matched']}/{q['gold']})" if q else "–",
            _num(run.seconds, "{:.1f}"),
            f"{_num(run.prompt_tokens)} / {_num(run.completion_tokens)}",
            _num(run.calls),
            status,
            style=None if status == "ok" else "yellow",
        )
    return table


def ratio_line(runs: Sequence[ToolRun]) -> str | None:
    by_tool = {run.tool: run for run in runs}
    ours, theirs = by_tool.get("extractor"), by_tool.get("LangExtract")
    if ours is None or theirs is None:
        return None
    return (
        f"extractor / LangExtract: seconds {_ratio(ours.seconds, theirs.seconds)}, "
        f"prompt tokens {_ratio(ours.prompt_tokens, theirs.prompt_tokens)}, "
        f"completion tokens {_ratio(ours.completion_tokens, theirs.completion_tokens)}"
    )


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="OpenAI-compatible server (default: `extractor local status --url`).")
    parser.add_argument("--model", help="Model name for both tools (default: the first id of GET /v1/models).")
    parser.add_argument("--lx-python", type=Path, default=DEFAULT_LX_PYTHON, help="Python of LangExtract's venv.")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "out" / "vs_langextract",
        help="Outputs and logs; its extractor/ and langextract/ are replaced.",
    )
    parser.add_argument("--input", type=Path, default=DEV_SET, help="JSONL articles (relative to the repo root).")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="Gold directory for extractor.evaluate.")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="Directory the gold files refer to.")
    parser.add_argument("--only", choices=("extractor", "langextract"), help="Run one tool only.")
    parser.add_argument("--concurrency", type=int, default=1, help="Requests in flight, both tools (default 1).")
    parser.add_argument("--max-tokens", type=int, default=1536, help="max_tokens per request, both tools.")
    # Measured on the pinned server: under its own example-derived schema LangExtract's answers were all
    # {"extractions": []} (0 records on the 8 dev articles); plain JSON mode lets it extract, so it is the default.
    parser.add_argument("--lx-constraint", choices=("schema", "json"), default="json",
                        help="LangExtract's response_format: plain JSON mode (default), or its example-derived "
                             "schema in llama.cpp's json_object dialect.")  # fmt: skip
    parser.add_argument("--lx-max-char-buffer", type=int, default=1000, help="LangExtract's chunk size (default).")
    parser.add_argument("--models-timeout", type=float, default=900.0, help="Seconds to wait for GET /v1/models.")
    parser.add_argument("--dry-run", action="store_true",
                        help="No server, no model: a fake answers LangExtract, extractor is skipped.")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.out, args.lx_python = args.out.resolve(), args.lx_python.absolute()
    os.chdir(ROOT)  # --input, --gold and --corpus are relative to the repo root, as extractor's sources are
    try:
        if args.only in (None, "langextract"):
            check_lx_python(args.lx_python)
        if args.dry_run:
            base_url, model = "http://127.0.0.1:9/v1", args.model or "dry-run"
        else:
            base_url = args.base_url or local_server_url()
            check_reachable(base_url)
            model = args.model or server_model(base_url, args.models_timeout)
        args.out.mkdir(parents=True, exist_ok=True)
        if problem := gold_problem(args.gold):
            console.print(problem, style="yellow")
        console.print(f"server {base_url}, model {model}, {args.input}, concurrency {args.concurrency}")
        runs: list[ToolRun] = []
        if args.only in (None, "extractor") and not args.dry_run:
            runs.append(run_extractor(args, base_url, model))
        if args.only in (None, "langextract"):
            runs.append(run_langextract(args, base_url, model))
    except BenchError as exc:
        print(f"vs_langextract: error: {exc}", file=sys.stderr)
        return 2
    for run in runs:
        score(run, args.gold, args.corpus)
    title = f"{args.input.name}: extractor vs LangExtract, same server and model ({model})"
    console.print(results_table(runs, title + (" — DRY RUN, fake answers" if args.dry_run else "")))
    if line := ratio_line(runs):
        console.print(line)
    for run in runs:
        for note in [*run.notes, *([run.score_error] if run.score_error else [])]:
            console.print(f"{run.tool}: {note}", style="dim", highlight=False)
    summary = {"base_url": base_url, "model": model, "input": str(args.input), "dry_run": args.dry_run,
               "concurrency": args.concurrency, "tools": [summary_row(run) for run in runs]}  # fmt: skip
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    console.print(f"outputs: {args.out}", style="dim")
    return 1 if any(run.error for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
