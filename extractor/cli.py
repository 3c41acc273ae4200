"""`extractor` command line: parse arguments, call the library, print. Nothing else."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from extractor.config import Settings, settings_from_env
from extractor.errors import ExtractorError, InputError

if TYPE_CHECKING:  # the library is imported by the commands that use it: `extractor --help` stays fast
    from extractor.batch import BatchReport
    from extractor.llm.cache import ResponseCache
    from extractor.pipeline import FinishedArticle
    from extractor.runner import StopFlag

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
cache_app = typer.Typer(no_args_is_help=True, help="Inspect or clear the response cache.")
local_app = typer.Typer(no_args_is_help=True, help="Keep the embedded llama.cpp server up across runs.")
batch_app = typer.Typer(
    no_args_is_help=True, help="Provider batch files (OpenAI Batch API, vLLM run_batch): prepare, then collect."
)
app.add_typer(cache_app, name="cache")
app.add_typer(local_app, name="local")
app.add_typer(batch_app, name="batch")
console = Console(stderr=True, soft_wrap=True)
out = Console()

Opt = typer.Option
SHOWN_ARTICLE_LINES = 200  # above this many articles, only the ones that did not succeed get a line


class _ConsoleWarnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        console.print(f"warning: {record.getMessage()}", style="yellow", highlight=False, markup=False)


# Options shared by `run` and `batch`: what decides the requests and their post-processing.
Paths = Annotated[list[Path], typer.Argument(help="Directories, globs or .txt/.jsonl files.")]
BaseUrl = Annotated[str | None, Opt(help="Any OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")]
Model = Annotated[str | None, Opt(help="Model name (remote) or local model key.")]
Backend = Annotated[str | None, Opt(help="openai | vllm | ollama | compatible | llama_cpp")]
Strategy = Annotated[
    str | None, Opt(help="annotate (default: short id-valued questions) | single | per_type | focused.")
]
PromptVersion = Annotated[int | None, Opt(min=1, help="Prompt version (default: newest).")]
MaxTokens = Annotated[int | None, Opt(min=64, help="Most tokens one answer may take.")]
Strict = Annotated[bool, Opt("--strict", help="Drop records whose evidence is not in the article.")]
Scope = Annotated[str | None, Opt(metavar="NAME|PATH", help="Scope preset (all, us-china) or YAML file.")]
Prices = Annotated[Path | None, Opt(help="A price table (YAML) over the packaged one; see extractor/data/prices.yaml.")]


def _settings(**overrides: object) -> Settings:
    return settings_from_env().with_overrides(**overrides)


@app.command()
def run(
    paths: Paths,
    out_dir: Annotated[Path, Opt("--out", help="Directory for the four JSONL files.")] = Path("out"),
    base_url: BaseUrl = None,
    model: Model = None,
    backend: Backend = None,
    local_model: Annotated[Path | None, Opt(help="Any GGUF file for the embedded server.")] = None,
    strategy: Strategy = None,
    prompt_version: PromptVersion = None,
    concurrency: Annotated[
        int | None, Opt(min=1, help="Requests in flight at once (in all; per Ray actor with --engine ray).")
    ] = None,
    max_tokens: MaxTokens = None,
    timeout: Annotated[
        float | None, Opt(min=1, help="Seconds to wait for one answer (default 120 remote, 600 embedded).")
    ] = None,
    rps: Annotated[float | None, Opt(min=0.01, help="At most this many requests per second.")] = None,
    tpm: Annotated[float | None, Opt(min=1, help="At most this many tokens per minute (prompt + answer).")] = None,
    max_total_tokens: Annotated[int | None, Opt(min=1, help="Stop starting articles after this many tokens.")] = None,
    max_cost: Annotated[float | None, Opt(min=0, help="Stop starting articles after this many USD.")] = None,
    no_cache: Annotated[bool, Opt("--no-cache", help="Neither read nor write the cache.")] = False,
    events: Annotated[
        bool, Opt("--events/--no-events", help="Also write events.jsonl (events across articles).")
    ] = True,
    strict: Strict = False,
    scope: Scope = None,
    prices: Prices = None,
    engine: Annotated[
        str | None,
        Opt(help="local (threads here) | processes (--workers processes; remote endpoints) | ray (Ray actors; "
                 "RAY_ADDRESS picks a cluster)."),
    ] = None,
    workers: Annotated[int | None, Opt(min=1, help="Worker processes of --engine processes (default: CPUs).")] = None,
    record: Annotated[Path | None, Opt(help="Record all HTTP of this run into a cassette.")] = None,
    replay: Annotated[Path | None, Opt(help="Answer all HTTP from a cassette: no network, no model.")] = None,
) -> None:
    """Extract meetings, statements and positions from every article."""
    settings = _settings(
        base_url=base_url, model=model, backend=backend, local_model=local_model, strategy=strategy,
        prompt_version=None if prompt_version is None else str(prompt_version), concurrency=concurrency,
        max_tokens=max_tokens, timeout_s=timeout,
        rps=rps, tpm=tpm, max_total_tokens=max_total_tokens, max_cost_usd=max_cost,
        use_cache=False if no_cache else None, strict=strict or None, scope=scope, prices=prices, engine=engine,
        workers=workers,
    )  # fmt: skip
    from extractor.report import articles_table, problems, summary_table
    from extractor.runner import StopFlag

    stop = StopFlag()
    with _stop_on_signals(stop), _run_log(out_dir):
        report = _run_with_progress(paths, out_dir, settings, record, replay, stop, events)
    out.print(articles_table(report))
    out.print(summary_table(report))
    for line in problems(report):
        console.print(line, style="yellow", highlight=False, markup=False)
    console.print(f"wrote {', '.join(str(p) for p in report.files)}", highlight=False)
    raise typer.Exit(130 if report.stopped.startswith("interrupted") else 0 if report.all_ok else 1)


@contextmanager
def _stop_on_signals(stop: StopFlag) -> Iterator[None]:
    """First Ctrl-C (or SIGTERM): stop at once, keep what is finished; a second Ctrl-C: leave now."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set and stop.abandon_in_flight:
            raise KeyboardInterrupt
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        stop.request(f"interrupted ({name})", abandon_in_flight=True)
        console.print(f"{name}: stopping; finished articles are being written (Ctrl-C again to quit now)",
                      style="yellow", highlight=False)  # fmt: skip

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _run_log(out_dir: Path) -> Iterator[None]:
    """Progress also goes to OUT/run.log, for runs watched from elsewhere (or read after the fact)."""
    logger = logging.getLogger("extractor.run")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(out_dir / "run.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # --out itself is checked (and reported) by the run
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()


def _run_with_progress(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    record: Path | None,
    replay: Path | None,
    stop: StopFlag,
    events: bool,
) -> BatchReport:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from extractor.batch import run_corpus
    from schemas import ArticleStatus

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("extracting", total=None)

        def on_done(outcome: FinishedArticle) -> None:
            progress.advance(task)
            small = (progress.tasks[0].total or 0) <= SHOWN_ARTICLE_LINES
            if small or outcome.result.status is not ArticleStatus.ok:
                progress.console.print(f"{outcome.result.status.value:7} {outcome.result.source}", highlight=False)

        return run_corpus(
            paths, out_dir, settings, record=record, replay=replay, stop=stop, events=events,
            on_start=lambda n: progress.update(task, total=n), on_done=on_done,
            on_phase=lambda name: progress.update(task, description=name),
        )  # fmt: skip


@batch_app.command("prepare")
def batch_prepare(
    paths: Paths,
    out_file: Annotated[Path, Opt("--out", help="The batch file to write (JSONL).")] = Path("batch.jsonl"),
    base_url: BaseUrl = None,
    model: Model = None,
    backend: Backend = None,
    strategy: Strategy = None,
    prompt_version: PromptVersion = None,
    max_tokens: MaxTokens = None,
    scope: Scope = None,
) -> None:
    """Write the first round of request bodies, exactly as a realtime run would send them."""
    from extractor.batchfiles import prepare
    from extractor.report import round_lines

    settings = _settings(
        base_url=base_url, model=model, backend=backend, strategy=strategy, prompt_version=prompt_version,
        max_tokens=max_tokens, scope=scope,
    )  # fmt: skip
    for line in round_lines(prepare(paths, out_file, settings)):
        console.print(line, highlight=False, markup=False)


@batch_app.command("collect")
def batch_collect(
    results: Annotated[list[Path], typer.Argument(help="The results files of every round so far.")],
    corpus: Annotated[list[Path], Opt("--corpus", help="The PATHS given to `batch prepare` (repeatable).")],
    out_dir: Annotated[Path, Opt("--out", help="Directory for the four JSONL files.")] = Path("out"),
    next_file: Annotated[Path, Opt("--next", help="Where calls still to ask go.")] = Path("next-batch.jsonl"),
    base_url: BaseUrl = None,
    model: Model = None,
    backend: Backend = None,
    strategy: Strategy = None,
    prompt_version: PromptVersion = None,
    max_tokens: MaxTokens = None,
    strict: Strict = False,
    scope: Scope = None,
    prices: Prices = None,
) -> None:
    """Validate and post-process the answers; write finished articles and the next batch file.

    Exit code 0: every article is complete; 1: some failed; 3: some are pending (send --next, collect again).
    """
    from extractor.batchfiles import collect
    from extractor.report import problems, round_lines, summary_table

    settings = _settings(
        base_url=base_url, model=model, backend=backend, strategy=strategy, prompt_version=prompt_version,
        max_tokens=max_tokens, strict=strict or None, scope=scope, prices=prices,
    )  # fmt: skip
    done = collect(results, corpus, out_dir, next_file, settings)
    out.print(summary_table(done.report))
    for line in [*problems(done.report), *round_lines(done)]:
        console.print(line, highlight=False, markup=False)
    raise typer.Exit(3 if done.pending else 0 if done.report.all_ok else 1)


def _response_cache() -> ResponseCache:
    from extractor.llm.cache import ResponseCache

    settings = _settings()
    return ResponseCache(settings.cache_dir / "responses", settings.cache_max_bytes)


def _events_memo_dir() -> Path:
    from extractor.dataset.remember import EVENTS_MEMO_DIR

    return _settings().cache_dir / EVENTS_MEMO_DIR


@cache_app.command("stats")
def cache_stats() -> None:
    from extractor.dataset.remember import remembered_files

    cache = _response_cache()
    for key, value in cache.stats().items():
        out.print(f"{key}: {value}")
    cache.close()
    out.print(f"remembered events files: {len(remembered_files(_events_memo_dir()))}")


@cache_app.command("clear")
def cache_clear() -> None:
    from extractor.dataset.remember import forget_all
    from extractor.llm.cache import clear_directory

    removed = clear_directory(_settings().cache_dir / "responses")
    out.print(f"removed {removed} entries" if removed >= 0 else "removed the damaged cache")
    out.print(f"removed {forget_all(_events_memo_dir())} remembered events files")


@local_app.command("start")
def local_start(model: Annotated[str | None, Opt()] = None, local_model: Annotated[Path | None, Opt()] = None) -> None:
    from extractor.llm.endpoint import start_persistent

    info = start_persistent(_settings(model=model, local_model=local_model))
    out.print(f"running: {info.base_url} (pid {info.pid}, {info.identity})")


@local_app.command("status")
def local_status(url: Annotated[bool, Opt("--url", help="Print only the base URL (for scripts).")] = False) -> None:
    from extractor.llm.endpoint import persistent_status

    info = persistent_status(_settings())
    if url:
        if info is None:
            raise typer.Exit(1)
        out.print(info.base_url)
    else:
        out.print(f"running: {info.base_url} (pid {info.pid}, {info.identity})" if info else "not running")


@local_app.command("stop")
def local_stop() -> None:
    from extractor.llm.endpoint import stop_persistent

    out.print("stopped" if stop_persistent(_settings()) else "not running")


@app.command("eval")
def evaluate(
    gold: Annotated[Path, Opt(help="Directory of gold JSON files.")] = Path("corpus/gold"),
    pred: Annotated[Path, Opt(help="Output directory of a run.")] = Path("out"),
    corpus: Annotated[Path, Opt(help="The articles the gold files refer to.")] = Path("corpus"),
    as_json: Annotated[bool, Opt("--json", help="Machine-readable output.")] = False,
) -> None:
    """Score a run's output against gold annotations."""
    from extractor.evaluate import evaluate_run, format_scores, scores_json

    scores = evaluate_run(gold, pred, corpus)
    if as_json:
        out.print_json(scores_json(scores))
    else:
        for renderable in format_scores(scores):
            out.print(renderable)


@app.command("events")
def events(out_dir: Annotated[Path, typer.Argument(help="Output directory of a run.")]) -> None:
    """Group the run's meetings into events across articles; (re)write OUT_DIR/events.jsonl."""
    from extractor.dataset.load import EVENTS_FILE, iter_jsonl
    from extractor.dataset.summary import events_summary
    from extractor.dataset.write import write_events_from_files
    from schemas import Event

    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: no such directory; pass the --out directory of a run")
    with console.status("grouping meetings into events ..."):
        written = write_events_from_files(out_dir)  # streamed: memory holds mentions, not records
    out.print(events_summary(iter_jsonl(out_dir / EVENTS_FILE, Event)), highlight=False)
    console.print(f"wrote {written}", highlight=False)


@app.command("export")
def export(
    out_dir: Annotated[Path, typer.Argument(help="Output directory of a run.")],
    to: Annotated[str, Opt("--to", help="csv | parquet | sqlite | duckdb")] = "csv",
    dest: Annotated[Path | None, Opt(help="Directory (csv, parquet) or database file (sqlite, duckdb).")] = None,
) -> None:
    """Write tidy tables (articles, meetings, participants, statements, positions, events, event_mentions, flags)."""
    from extractor.dataset.export import default_destination, export_tables
    from extractor.dataset.load import load_output
    from extractor.dataset.summary import export_summary
    from extractor.dataset.tables import build_tables
    from extractor.dataset.write import events_of

    output = load_output(out_dir)
    if not output.events:
        output.events = events_of(output)
    tables = build_tables(output)
    paths = export_tables(tables, to, dest or default_destination(out_dir, to))
    out.print(export_summary(tables, paths), highlight=False)


@app.command("review")
def review(
    out_dir: Annotated[Path, typer.Argument(help="Output directory of a run.")],
    html: Annotated[Path, Opt("--html", help="The HTML file to write.")] = Path("review.html"),
    base: Annotated[Path, Opt(help="Directory the articles' source paths are relative to.")] = Path(),
) -> None:
    """Write one self-contained HTML page to check every record against its article."""
    from extractor.dataset.load import load_output
    from extractor.dataset.review import render_review, review_data
    from extractor.dataset.texts import load_texts
    from extractor.dataset.write import events_of
    from extractor.output import write_atomic

    output = load_output(out_dir)
    if not output.events:
        output.events = events_of(output)
    texts = load_texts(output.articles, base)
    write_atomic(html, render_review(review_data(output, texts), title=f"extractor review: {out_dir}"))
    out.print(f"{len(output.articles)} articles ({len(texts)} with text), {len(output.events)} events", highlight=False)
    console.print(f"wrote {html}", highlight=False)


@app.command("schemas")
def export_schemas(directory: Annotated[Path, Opt()] = Path("schemas/json")) -> None:
    """Write each model's JSON Schema (checked in; a test fails when stale)."""
    from schemas.export import write_schemas

    for path in write_schemas(directory):
        out.print(f"wrote {path}")


def main() -> None:
    # instructor logs every exhausted re-ask at ERROR; the run reports those articles itself (flags, summary).
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    warnings = _ConsoleWarnings(logging.WARNING)
    logging.getLogger("extractor").addHandler(warnings)
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except ExtractorError as exc:
        console.print(f"error: {exc}", style="red", highlight=False, markup=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        console.print("interrupted: finished calls are cached; rerun the same command to resume", style="yellow")
        sys.exit(130)
    except typer.Abort:
        console.print("interrupted", style="yellow")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value (Typer's own click)
        console.print(f"error: {_usage_message(exc)} (see --help)", style="red", highlight=False, markup=False)
        sys.exit(getattr(exc, "exit_code", 2))


def _usage_message(exc: Exception) -> str:
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    return " ".join(str(message).split())


if __name__ == "__main__":
    main()
