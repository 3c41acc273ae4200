"""`extractor` command line: parse arguments, call the library, print. Nothing else."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from extractor.config import Settings, settings_from_env
from extractor.errors import ExtractorError

if TYPE_CHECKING:  # the library is imported by the commands that use it: `extractor --help` stays fast
    from extractor.batch import BatchReport
    from extractor.llm.cache import ResponseCache
    from extractor.pipeline import ArticleOutcome

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
cache_app = typer.Typer(no_args_is_help=True, help="Inspect or clear the response cache.")
local_app = typer.Typer(no_args_is_help=True, help="Keep the embedded llama.cpp server up across runs.")
app.add_typer(cache_app, name="cache")
app.add_typer(local_app, name="local")
console = Console(stderr=True, soft_wrap=True)
out = Console()

Opt = typer.Option


def _settings(**overrides: object) -> Settings:
    return settings_from_env().with_overrides(**overrides)


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="Directories, globs or .txt/.jsonl files.")],
    out_dir: Annotated[Path, Opt("--out", help="Directory for the four JSONL files.")] = Path("out"),
    base_url: Annotated[str | None, Opt(help="Any OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")] = None,
    model: Annotated[str | None, Opt(help="Model name (remote) or local model key.")] = None,
    backend: Annotated[str | None, Opt(help="openai | vllm | ollama | compatible | llama_cpp")] = None,
    local_model: Annotated[Path | None, Opt(help="Any GGUF file for the embedded server.")] = None,
    strategy: Annotated[
        str | None, Opt(help="annotate (default: short id-valued questions) | single | per_type | focused.")
    ] = None,
    prompt_version: Annotated[str | None, Opt(help="Prompt version (default: newest).")] = None,
    concurrency: Annotated[int | None, Opt(min=1, help="Articles in flight at once.")] = None,
    max_tokens: Annotated[int | None, Opt(min=64)] = None,
    no_cache: Annotated[bool, Opt("--no-cache", help="Neither read nor write the cache.")] = False,
    strict: Annotated[bool, Opt("--strict", help="Drop records whose evidence is not in the article.")] = False,
    scope: Annotated[str | None, Opt(metavar="NAME|PATH", help="Scope preset (all, us-china) or YAML file.")] = None,
    record: Annotated[Path | None, Opt(help="Record all HTTP of this run into a cassette.")] = None,
    replay: Annotated[Path | None, Opt(help="Answer all HTTP from a cassette: no network, no model.")] = None,
) -> None:
    """Extract meetings, statements and positions from every article."""
    settings = _settings(
        base_url=base_url, model=model, backend=backend, local_model=local_model, strategy=strategy,
        prompt_version=prompt_version, concurrency=concurrency, max_tokens=max_tokens,
        use_cache=False if no_cache else None, strict=strict or None, scope=scope,
    )  # fmt: skip
    from extractor.report import articles_table, problems, summary_table

    report = _run_with_progress(paths, out_dir, settings, record, replay)
    out.print(articles_table(report))
    out.print(summary_table(report))
    for line in problems(report):
        console.print(line, style="yellow", highlight=False, markup=False)
    console.print(f"wrote {', '.join(str(p) for p in report.files)}", highlight=False)
    raise typer.Exit(0 if report.all_ok else 1)


def _run_with_progress(
    paths: list[Path], out_dir: Path, settings: Settings, record: Path | None, replay: Path | None
) -> BatchReport:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from extractor.batch import run_corpus

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("extracting", total=None)

        def on_done(outcome: ArticleOutcome) -> None:
            progress.advance(task)
            progress.console.print(f"{outcome.result.status.value:7} {outcome.result.source}", highlight=False)

        return run_corpus(
            paths, out_dir, settings, record=record, replay=replay,
            on_start=lambda n: progress.update(task, total=n), on_done=on_done,
        )  # fmt: skip


def _response_cache() -> ResponseCache:
    from extractor.llm.cache import ResponseCache

    return ResponseCache(_settings().cache_dir / "responses")


@cache_app.command("stats")
def cache_stats() -> None:
    cache = _response_cache()
    for key, value in cache.stats().items():
        out.print(f"{key}: {value}")
    cache.close()


@cache_app.command("clear")
def cache_clear() -> None:
    cache = _response_cache()
    out.print(f"removed {cache.clear()} entries")
    cache.close()


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


@app.command("schemas")
def export_schemas(directory: Annotated[Path, Opt()] = Path("schemas/json")) -> None:
    """Write each model's JSON Schema (checked in; a test fails when stale)."""
    from schemas.export import write_schemas

    for path in write_schemas(directory):
        out.print(f"wrote {path}")


def main() -> None:
    # instructor logs every exhausted re-ask at ERROR; the run reports those articles itself (flags, summary).
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except ExtractorError as exc:
        console.print(f"error: {exc}", style="red", highlight=False, markup=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        console.print("interrupted: finished articles are cached; rerun the same command to resume", style="yellow")
        sys.exit(130)
    except Exception as exc:  # click usage errors and friends
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
