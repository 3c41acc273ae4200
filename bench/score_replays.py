"""Rebuild the seed batch from the replay tests' cassettes (no model, no network) and write its output.

    .venv/bin/python bench/score_replays.py --out /tmp/replayed && .venv/bin/extractor eval --pred /tmp/replayed

This is how the scores of the recorded default configuration are obtained without re-running the model:
each article's cassette answers its own requests, then post-processing runs with the current code.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from extractor.batch import extract_articles, tables
from extractor.config import Settings
from extractor.corpus import load_corpus
from extractor.llm.replay import cassette
from extractor.llm.weights import DEFAULT_LOCAL_MODEL, get_spec
from extractor.output import write_outputs

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = ROOT / "cassettes" / "test_seed_articles"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    settings = Settings(
        base_url="http://127.0.0.1:9/v1", model=get_spec(DEFAULT_LOCAL_MODEL).identity(), backend="llama_cpp",
        use_cache=False, max_transport_retries=0,
    )  # fmt: skip
    articles, skipped = load_corpus([ROOT / "corpus"])
    outcomes = []
    for article in articles:
        name = Path(article.source).name
        with cassette(CASSETTES / f"test_seed_article[{name}].yaml", record=False):
            outcomes.extend(extract_articles([article], settings)[0])
    for path in write_outputs(args.out, tables(outcomes, skipped)):
        print(path)


if __name__ == "__main__":
    main()
