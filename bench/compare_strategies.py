"""Model × strategy × prompt version on the seed corpus, with the embedded model.

    python bench/compare_strategies.py --out bench/results   # ~1 h on 2 cores

Each configuration is a real `extractor run` over corpus/ with a fresh
cache, then `extractor eval` against corpus/gold. Prints one table row per
configuration: records found, false positives (records that match no gold
record), meeting F1, date accuracy, fabricated quotes, seconds per article.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (model, strategy, prompt version): both models × both strategies with the codebook prompt (v2),
# and the 1.5B model without it (v1), to isolate the codebook's effect.
CONFIGS = [
    ("qwen2.5-coder-1.5b", "per_type", "2"),
    ("qwen2.5-coder-1.5b", "single", "2"),
    ("qwen2.5-coder-1.5b", "single", "1"),
    ("qwen2.5-coder-0.5b", "single", "2"),
    ("qwen2.5-coder-0.5b", "per_type", "2"),
]


def run_one(model: str, strategy: str, version: str, out: Path) -> dict[str, object]:
    cache = out / "cache"  # kept: re-scoring after a post-processing change costs no model time
    command = [
        sys.executable, "-m", "extractor.cli", "run", str(ROOT / "corpus"), "--out", str(out),
        "--model", model, "--strategy", strategy, "--prompt-version", version,
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, env=_env(str(cache)), capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    (out / "run.log").write_text(done.stdout + done.stderr)
    scores = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "eval", "--gold", str(ROOT / "corpus/gold"), "--pred", str(out),
         "--corpus", str(ROOT / "corpus"), "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return {"model": model, "strategy": strategy, "prompt": f"v{version}", "exit": done.returncode,
            "seconds_per_article": round(seconds / 5, 1), "eval": _json(scores.stdout)}  # fmt: skip


def _env(cache: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "EXTRACTOR_BASE_URL", "OPENAI_BASE_URL")}
    env["EXTRACTOR_CACHE_DIR"] = cache
    env["EXTRACTOR_MODELS_DIR"] = str(Path.home() / ".cache/extractor/models")
    return env


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return {"error": text[-500:]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    parser.add_argument("--skip", nargs="*", default=[], help="configs to skip, e.g. qwen2.5-coder-1.5b_per_type_v2")
    args = parser.parse_args()
    rows = []
    for model, strategy, version in CONFIGS:
        name = f"{model}_{strategy}_v{version}"
        if name in args.skip:
            continue
        out = args.out / name
        out.mkdir(parents=True, exist_ok=True)
        rows.append(run_one(model, strategy, version, out))
        print(json.dumps(rows[-1]), flush=True)
    (args.out / "comparison.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
