"""Run a batch file against a (fake) OpenAI-compatible server, as the Batch API or vLLM's `run_batch` would.

Each request line's body is POSTed to `base_url + /chat/completions` and the answer is written in the OpenAI
batch output format, so results files in tests come from a server, never from a hand-written answer:

    python -m tests.fakes.batch_results batch.jsonl results.jsonl --base-url http://127.0.0.1:8765/v1
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import httpx2


def result_line(number: int, custom_id: str, response: httpx2.Response) -> dict[str, Any]:
    body = response.json()
    return {
        "id": f"batch_req_{number}",
        "custom_id": custom_id,
        "response": {"status_code": response.status_code, "request_id": f"req_{number}", "body": body},
        "error": None,
    }


def run_batch_file(batch: Path, results: Path, base_url: str) -> int:
    """Answer every line of `batch` into `results`; returns the number of lines."""
    lines = [json.loads(text) for text in batch.read_text(encoding="utf-8").splitlines() if text.strip()]
    with httpx2.Client(base_url=base_url, timeout=30.0) as http, results.open("w", encoding="utf-8") as out:
        for number, line in enumerate(lines):
            if line["method"] != "POST" or line["url"] != "/v1/chat/completions":
                raise ValueError(f"{batch}: line {number + 1} is not a chat completion request")
            response = http.post("/chat/completions", json=line["body"])
            out.write(json.dumps(result_line(number, line["custom_id"], response)) + "\n")
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("batch", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--base-url", required=True)
    args = parser.parse_args()
    print(run_batch_file(args.batch, args.results, args.base_url))


if __name__ == "__main__":
    main()
