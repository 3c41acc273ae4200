"""The batch at scale against a fake server, side by side in one run (issue 12).

    .venv/bin/python bench/scale.py                                   # the whole table (about half an hour)
    .venv/bin/python bench/scale.py --grid 200x32 --sizes 200,2000    # a quick look
    .venv/bin/python bench/scale.py --sizes 200,2000,10000,100000     # with the 100,000-article corpus

What it measures, all on invented articles (bench/synthetic.py, ~3,000 characters each) and the loopback fake
OpenAI-compatible server of tests/fakes (fixed latency L, answers are the schema's minimal instance):

* tool vs ideal: `run_corpus` (what `extractor run` calls) on N articles at concurrency C, cache empty. The
  ideal counts calls: an article's calls are sequential (the annotate strategy asks one question after
  another), so with K = the requests the server received during the run,
      ideal = max(K · L / C, k_max · L)
  (C calls in flight all the time; no article faster than its own k_max calls in a row; k_max is the most
  calls one article makes, from articles.jsonl). Printed with the ratio wall / ideal (goal ≤ 1.15).
* tool vs bare client: the same request bodies (captured by the fake server during the tool's run) sent by
  the OpenAI SDK alone (same httpx2 client, no instructor, cache or pipeline) from C threads.
* warm cache: the N = max(grid) corpus again with the cache the cold run filled (every call a hit), C = 1:
  articles/s, and what one cache lookup costs (diskcache/sqlite), which bounds articles/s at
  1 / (calls per article · lookup time) whatever the rest costs. With events.jsonl twice: remembered from the
  earlier run of the same records (what a warm rerun does), and rebuilt (what a run whose records changed pays).
* `extractor --help`: median wall of 5 runs of the installed entry point.
* peak RSS of warm runs at each corpus size (`--sizes`): each run is its own process, which reports its own
  peak (VmHWM; `ru_maxrss` would include this process's size, which Linux carries into a child across fork
  and exec); the cache is filled first by a cold run at latency 0.

Each measured run is a subprocess (the tool's, or the bare client's), and the fake server runs in this
process, so client and server never share a GIL. Results go to bench/results/ (JSON and the table).
The machine's load average is recorded with them: on shared cores, timings are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from synthetic import write_corpus  # noqa: E402

from tests.fakes.openai_server import FakeOpenAIServer, FaultPlan  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MODEL = "fake"
BACKEND = "compatible"


# --------------------------------------------------------------------------- subprocess workers


def tool_worker(args: argparse.Namespace) -> None:
    """One run of the library batch; prints a JSON line with its wall time, counts and peak RSS."""
    import extractor.batch
    from extractor.batch import run_corpus
    from extractor.config import settings_from_env

    if args.no_memo:  # what a warm rerun costs without the article memo: every article re-derived from cached answers
        extractor.batch.memo_for = lambda client, plan: None  # type: ignore[attr-defined]
    if args.no_events_memo:  # what the events step costs when it has to build events.jsonl (records changed)
        extractor.batch._events_memo = lambda settings, client: None  # type: ignore[attr-defined]

    engine, _, workers = args.engine.partition(":")  # "processes:3": three worker processes
    settings = settings_from_env().with_overrides(
        base_url=args.base_url, model=MODEL, backend=BACKEND, concurrency=args.concurrency, cache_dir=args.cache,
        engine=engine, workers=int(workers) if workers else None,
    )
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run_corpus([args.corpus], Path(out), settings, events=not args.no_events)
        wall = time.perf_counter() - started
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes (--engine processes), joined
        peak = _peak_rss_mb(cpu)  # before reading the output back, which is not part of the run
        counts = _article_counts(Path(out) / "articles.jsonl")
    print(json.dumps({
        "wall_s": wall,
        "cpu_s": cpu.ru_utime + cpu.ru_stime + children.ru_utime + children.ru_stime,
        "max_rss_mb": peak, "events": not args.no_events, "events_memo": not args.no_events_memo,
        "worker_max_rss_mb": children.ru_maxrss / 1024,  # the largest worker process (--engine processes)
        **counts, "cache_get_us": _cache_get_us(args.cache) if args.time_cache else None,
    }))  # fmt: skip


def _article_counts(path: Path) -> dict[str, int]:
    counts = {"articles": 0, "ok": 0, "calls": 0, "cache_hits": 0, "max_calls_per_article": 0}
    with path.open(encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            counts["articles"] += 1
            counts["ok"] += row["status"] == "ok"
            counts["calls"] += row["usage"]["calls"]
            counts["cache_hits"] += row["usage"]["cache_hits"]
            counts["max_calls_per_article"] = max(counts["max_calls_per_article"], row["usage"]["calls"])
    return counts


def _peak_rss_mb(usage: resource.struct_rusage) -> float:
    """This process's peak RSS. Linux keeps `ru_maxrss` across fork and exec, so a worker started by a big
    parent would report the parent's size: VmHWM (reset by exec) is read instead where there is one."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return usage.ru_maxrss / 1024


def _cache_get_us(cache_dir: Path, limit: int = 2_000) -> float:
    """Microseconds per `ResponseCache.get` of a stored key (the lookup a cache hit makes)."""
    from extractor.llm.cache import ResponseCache

    cache = ResponseCache(cache_dir / "responses")
    keys = [k for _, k in zip(range(limit), cache._cache.iterkeys(), strict=False)]  # bench only: list the keys
    started = time.perf_counter()
    for key in keys:
        cache.get(key)
    elapsed = time.perf_counter() - started
    cache.close()
    return 1e6 * elapsed / max(1, len(keys))


def bare_worker(args: argparse.Namespace) -> None:
    """The captured bodies through the OpenAI SDK alone, `--concurrency` at a time."""
    from extractor.llm.endpoint import sdk_client

    bodies = [json.loads(line) for line in args.bodies.open(encoding="utf-8")]
    sdk = sdk_client(args.base_url, None, 600.0, args.concurrency)  # the tool's client at the same concurrency
    sdk.models.list()  # the SDK's first call builds its own types: not part of sending the bodies
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(lambda body: sdk.chat.completions.create(**body), bodies))
    wall = time.perf_counter() - started
    sdk.close()
    print(json.dumps({"wall_s": wall, "calls": len(bodies)}))


def _run_worker(*argv: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"worker {argv[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- measurements


@dataclass
class GridRow:
    engine: str
    n: int
    concurrency: int
    latency_s: float
    calls: int
    max_calls_per_article: int
    ideal_s: float
    tool_s: float
    bare_s: float
    tool_cpu_s: float = 0.0  # user + system CPU of the tool's processes (workers included)
    server_cpu_s: float = 0.0  # the fake server's CPU meanwhile: on 2 cores, tool + server can saturate the machine

    @property
    def tool_over_ideal(self) -> float:
        return self.tool_s / self.ideal_s

    @property
    def tool_over_bare(self) -> float:
        return self.tool_s / self.bare_s

    @property
    def bare_over_ideal(self) -> float:
        return self.bare_s / self.ideal_s


def ideal_seconds(calls: int, max_calls: int, latency: float, concurrency: int) -> float:
    """C calls always in flight, but no article faster than its own calls one after another."""
    return max(calls * latency / concurrency, max_calls * latency)


def grid_row(
    server: FakeOpenAIServer, corpus: Path, n: int, c: int, latency: float, work: Path, engine: str
) -> GridRow:
    server.plan.latency_s = latency
    first = len(server.bodies)
    cache = work / f"cache-cold-{n}x{c}-{engine}"
    server_cpu = time.process_time()  # this process runs only the fake server meanwhile
    tool = _run_worker("_tool", "--base-url", server.base_url, "--corpus", str(corpus), "--cache", str(cache),
                       "--concurrency", str(c), "--engine", engine)  # fmt: skip
    server_cpu = time.process_time() - server_cpu
    bodies = server.bodies[first:]
    bodies_file = work / f"bodies-{n}x{c}.jsonl"
    bodies_file.write_text("".join(json.dumps(b) + "\n" for b in bodies), encoding="utf-8")
    bare = _run_worker("_bare", "--base-url", server.base_url, "--bodies", str(bodies_file), "--concurrency", str(c))
    ideal = ideal_seconds(len(bodies), tool["max_calls_per_article"], latency, c)
    return GridRow(
        engine, n, c, latency, len(bodies), tool["max_calls_per_article"], ideal, tool["wall_s"], bare["wall_s"],
        tool["cpu_s"], server_cpu,
    )


def help_seconds(runs: int = 5) -> float:
    entry = Path(sys.executable).parent / "extractor"
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(entry), "--help"], capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


def warm_run(
    server: FakeOpenAIServer, corpus: Path, cache: Path, concurrency: int, time_cache: bool, events: bool = True,
    memo: bool = True, engine: str = "local", events_memo: bool = True,
) -> dict[str, Any]:  # fmt: skip
    argv = ["_tool", "--base-url", server.base_url, "--corpus", str(corpus), "--cache", str(cache),
            "--concurrency", str(concurrency), "--engine", engine]  # fmt: skip
    flags = [*(["--time-cache"] if time_cache else []), *([] if events else ["--no-events"])]
    return _run_worker(*argv, *flags, *([] if memo else ["--no-memo"]), *([] if events_memo else ["--no-events-memo"]))


# --------------------------------------------------------------------------- report


def format_table(results: dict[str, Any]) -> str:
    lines = [f"load average at start {results['load_start']}, at end {results['load_end']}; "
             f"{results['cpus']} CPUs; total {results['total_s']:.0f} s; CPU probe (a fixed Python loop, "
             f"lower is faster) {results['cpu_probe_ms_start']:.0f} ms at start, "
             f"{results['cpu_probe_ms_end']:.0f} ms at end", "",
             "| engine | N | C | L (s) | calls | max calls/article | ideal (s) | tool (s) | tool/ideal "
             "| bare client (s) | bare/ideal | tool/bare | tool CPU (s) | server CPU (s) |",
             "|---" * 14 + "|"]  # fmt: skip
    for row in results["grid"]:
        r = GridRow(**row)
        lines.append(
            f"| {r.engine} | {r.n} | {r.concurrency} | {r.latency_s} | {r.calls} | {r.max_calls_per_article} "
            f"| {r.ideal_s:.1f} "
            f"| {r.tool_s:.1f} | {r.tool_over_ideal:.2f} | {r.bare_s:.1f} | {r.bare_over_ideal:.2f} "
            f"| {r.tool_over_bare:.2f} | {r.tool_cpu_s:.1f} | {r.server_cpu_s:.1f} |"
        )
    warm = results.get("warm")
    if warm:
        per_article = warm["calls_per_article"]
        lines += [
            "",
            f"warm cache (N = {warm['articles']}, C = 1, every call a hit: {warm['cache_hits']} hits, "
            f"{warm['calls']} calls): {warm['articles_per_s']:.0f} articles/s ({1000 / warm['articles_per_s']:.1f} ms "
            f"per article); one cache lookup {warm['cache_get_us']:.0f} µs, so lookups alone allow at most "
            f"{1e6 / (warm['cache_get_us'] * per_article):.0f} articles/s at {per_article:.1f} lookups per article",
        ]
        lines += [
            "",
            f"| warm rerun, N = {warm['articles']}, C = 1 | wall (s) | articles/s |",
            "|---|---|---|",
            f"| article memo, --no-events | {warm['wall_s']:.2f} | {warm['articles'] / warm['wall_s']:.0f} |",
        ]
        for key, label in (("warm_events", "article memo, with events.jsonl (remembered)"),
                           ("warm_events_rebuilt", "article memo, with events.jsonl rebuilt (no events memo)"),
                           ("warm_no_memo", "per-call cache only (no memo), --no-events")):  # fmt: skip
            if row := results.get(key):
                lines.append(f"| {label} | {row['wall_s']:.2f} | {row['articles'] / row['wall_s']:.0f} |")
    lines += ["", f"`extractor --help`: {results['help_s']:.2f} s (median of 5)"]
    if results.get("rss"):
        lines += ["", "| N (warm) | events.jsonl | peak RSS (MB) | wall (s) | articles/s |", "|---|---|---|---|---|"]
        for row in results["rss"]:
            events = ("yes, remembered" if row.get("events_memo", True) else "yes, rebuilt") if row["events"] else "no"
            lines.append(
                f"| {row['articles']} | {events} | {row['max_rss_mb']:.0f} "
                f"| {row['wall_s']:.1f} | {row['articles'] / row['wall_s']:.0f} |"
            )
    if fill := results.get("fill"):
        lines.append(
            f"cold run filling the cache (N = {fill['articles']}, engine {fill.get('engine', 'local')}, "
            f"C = {fill.get('concurrency', '?')}, "
            f"latency 0, --no-events): {fill['wall_s']:.0f} s, {fill['articles'] / fill['wall_s']:.0f} articles/s, "
            f"peak RSS {fill['max_rss_mb']:.0f} MB (largest worker process: "
            f"{fill.get('worker_max_rss_mb', float('nan')):.0f} MB), {fill['ok']} ok"
        )
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_probe_ms(repeats: int = 5) -> float:
    """Milliseconds for a fixed pure-Python loop (best of `repeats`): how fast this machine's cores are right now.
    On shared cores it drifts by tens of percent within an hour, and the tool's ratios drift with it."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return 1000 * best


def measure(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    grid = [tuple(int(x) for x in cell.split("x")) for cell in args.grid.split(",") if cell]
    sizes = [int(x) for x in args.sizes.split(",") if x]
    largest = max([n for n, _ in grid] + sizes)
    corpora = RESULTS / "corpora"
    print(f"writing synthetic corpora up to {largest} articles ...", file=sys.stderr, flush=True)
    corpus = {n: write_corpus(corpora / f"synthetic-{n}.jsonl", n) for n in sorted({n for n, _ in grid} | set(sizes))}
    results: dict[str, Any] = {"load_start": _load(), "cpus": os.cpu_count(), "grid": [], "rss": []}
    results["cpu_probe_ms_start"] = cpu_probe_ms()
    results["fill_concurrency"] = args.fill_concurrency
    # A fixed port keeps the endpoint, hence every cache key, the same across invocations (--rss-cache).
    with FakeOpenAIServer(FaultPlan(), port=args.port) as server, tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        engines = args.engines.split(",")
        for n, c in grid:
            for engine in engines:
                print(f"grid {engine} N={n} C={c} L={args.latency} ...", file=sys.stderr, flush=True)
                results["grid"].append(asdict(grid_row(server, corpus[n], n, c, args.latency, work, engine)))
                server.bodies.clear()
        server.plan.latency_s = 0.0
        if grid:
            n_warm, c_warm = max(grid)
            print(f"warm N={n_warm} ...", file=sys.stderr, flush=True)
            warm_cache = work / f"cache-cold-{n_warm}x{c_warm}-{engines[0]}"
            warm = warm_run(server, corpus[n_warm], warm_cache, 1, time_cache=True, events=False)
            results["warm_events"] = warm_run(server, corpus[n_warm], warm_cache, 1, time_cache=False)
            results["warm_events_rebuilt"] = warm_run(server, corpus[n_warm], warm_cache, 1, time_cache=False,
                                                      events_memo=False)  # fmt: skip
            results["warm_no_memo"] = warm_run(server, corpus[n_warm], warm_cache, 1, time_cache=False, events=False,
                                               memo=False)  # fmt: skip
            warm["articles_per_s"] = warm["articles"] / warm["wall_s"]
            warm["calls_per_article"] = warm["cache_hits"] / max(1, warm["articles"])
            results["warm"] = warm
        results["help_s"] = help_seconds()
        if sizes:
            server.keep_bodies = False
            shared = args.rss_cache or work / "cache-rss"
            marker = shared / f"filled-{max(sizes)}"
            if not marker.exists():  # the cold run over the largest corpus: itself an end-to-end run at that size
                print(f"filling the cache for N={max(sizes)} (latency 0) ...", file=sys.stderr, flush=True)
                fill = warm_run(server, corpus[max(sizes)], shared, args.fill_concurrency, time_cache=False,
                                events=False, engine=args.fill_engine)  # fmt: skip
                fill["engine"], fill["concurrency"] = args.fill_engine, args.fill_concurrency
                results["fill"] = fill
                marker.write_text(json.dumps(fill), encoding="utf-8")
            else:
                results["fill"] = json.loads(marker.read_text(encoding="utf-8"))
            server.bodies.clear()
            for n in [] if args.fill_only else sizes:  # the streamed run itself, then with the events step
                # A warm rerun follows a run of the same corpus: this one fills the article memo (when the fill
                # has not just done it) and remembers the corpus's events.jsonl.
                print(f"warm-up N={n} (fills the article and events memos) ...", file=sys.stderr, flush=True)
                warm_run(server, corpus[n], shared, args.fill_concurrency, time_cache=False, engine=args.fill_engine)
                for events, events_memo in ((False, True), (True, True), (True, False)):
                    print(f"warm RSS N={n} events={events} events memo={events_memo} ...", file=sys.stderr, flush=True)
                    row = warm_run(server, corpus[n], shared, args.fill_concurrency, time_cache=False, events=events,
                                   events_memo=events_memo)  # fmt: skip
                    results["rss"].append(row)
    results["load_end"] = _load()
    results["cpu_probe_ms_end"] = cpu_probe_ms()
    results["total_s"] = time.perf_counter() - started
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("_tool", "_bare"):
        worker = argparse.ArgumentParser()
        worker.add_argument("mode")
        worker.add_argument("--base-url", required=True)
        worker.add_argument("--concurrency", type=int, default=1)
        worker.add_argument("--corpus", type=Path)
        worker.add_argument("--cache", type=Path)
        worker.add_argument("--bodies", type=Path)
        worker.add_argument("--time-cache", action="store_true")
        worker.add_argument("--no-events", action="store_true")
        worker.add_argument("--engine", default="local")
        worker.add_argument("--no-memo", action="store_true", help="per-call cache only (bench-only switch)")
        worker.add_argument("--no-events-memo", action="store_true", help="events.jsonl always built (bench-only)")
        args = worker.parse_args()
        (tool_worker if args.mode == "_tool" else bare_worker)(args)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grid", default="200x32,200x8,2000x32,2000x8", help="NxC cells, comma-separated")
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--engines", default="local,processes",
                        help="engines of the grid, comma-separated; processes:K for K worker processes")
    parser.add_argument("--sizes", default="200,2000,10000", help="corpus sizes for peak RSS (warm runs)")
    parser.add_argument("--fill-concurrency", type=int, default=8, help="concurrency of the RSS runs")
    parser.add_argument("--work", type=Path, default=None, help="where caches go (default: the temp dir)")
    parser.add_argument("--rss-cache", type=Path, default=None,
                        help="keep the RSS runs' cache here and reuse it when it was filled for max(--sizes)")
    parser.add_argument("--port", type=int, default=18_765, help="the fake server's port (0: any)")
    parser.add_argument("--fill-only", action="store_true", help="fill --rss-cache, measure nothing else")
    parser.add_argument("--fill-engine", default="processes", help="engine of the cold run that fills the cache")
    args = parser.parse_args()
    results = measure(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    table = format_table(results)
    (RESULTS / f"scale-{stamp}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (RESULTS / f"scale-{stamp}.md").write_text(table + "\n", encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
