"""extractor's overhead over llama.cpp itself, measured side by side in one run.

    .venv/bin/python bench/local_overhead.py [--articles 004_f280014935800b08.txt 000_bf9e0f4ef3c2686e.txt]

A: the meetings prompt of each article through `extractor` (request building, instructor, the OpenAI SDK, HTTP to
   the embedded llama-cpp-python server, parsing, validation), cache off.
B: the *same* request bodies (captured from A) straight through `llama_cpp.Llama.create_chat_completion`
   in-process: same weights, context size, threads, sampling and schema constraint.
Prints tokens/s for both and the ratio. Target: A takes at most 10% longer than B.
Run it on an otherwise idle machine: both sides share the same 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx2
import openai

from extractor.config import settings_from_env
from extractor.corpus import load_corpus
from extractor.llm.backends import get_backend
from extractor.llm.endpoint import local_identity, local_weights_path
from extractor.llm.local_server import N_CTX, ephemeral_server
from extractor.llm.seam import LLMClient, complete
from extractor.prompts import load_prompt
from extractor.requests import Target, build_request
from schemas import MeetingList

ROOT = Path(__file__).resolve().parents[1]
THREADS = os.cpu_count() or 2
SERVER_REPEAT_PENALTY = 1.1


def through_extractor(
    base_url: str, identity: str, articles: list[Any]
) -> tuple[float, int, int, list[dict[str, Any]]]:
    bodies: list[dict[str, Any]] = []
    http = httpx2.Client(timeout=900, event_hooks={"request": [lambda r: bodies.append(json.loads(r.read()))]})
    sdk = openai.OpenAI(base_url=base_url, api_key="x", max_retries=0, http_client=http)
    client = LLMClient(
        connect=lambda: sdk, backend=get_backend("llama_cpp"), model=identity, endpoint="bench", max_reasks=0
    )
    target = Target(model=identity, endpoint="bench", mode="llama_cpp")
    prompt, completion, started = 0, 0, time.perf_counter()
    for article in articles:
        request = build_request(
            load_prompt("meetings"), MeetingList, title=article.title, text=article.text,
            published=article.published, target=target,
        )  # fmt: skip
        result = complete(request, client)
        prompt, completion = prompt + result.usage.prompt_tokens, completion + result.usage.completion_tokens
    return time.perf_counter() - started, prompt, completion, bodies


def load_llama(model_path: Path) -> Any:
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_path), n_ctx=N_CTX, n_threads=THREADS, verbose=False)
    llm.create_chat_completion(messages=[{"role": "user", "content": "hi"}], max_tokens=1)  # warm-up, like the server's
    return llm


def through_llama(llm: Any, bodies: list[dict[str, Any]]) -> tuple[float, int, int]:
    prompt, completion, started = 0, 0, time.perf_counter()
    for body in bodies:
        out = llm.create_chat_completion(
            messages=body["messages"], response_format=body["response_format"], temperature=body["temperature"],
            seed=body.get("seed"), max_tokens=body["max_tokens"],
            repeat_penalty=SERVER_REPEAT_PENALTY,  # the server's default for requests that do not set it
        )  # fmt: skip
        prompt += out["usage"]["prompt_tokens"]
        completion += out["usage"]["completion_tokens"]
    return time.perf_counter() - started, prompt, completion


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", nargs="+", default=["004_f280014935800b08.txt", "000_bf9e0f4ef3c2686e.txt"])
    parser.add_argument("--rounds", type=int, default=2, help="A and B alternate this many times")
    args = parser.parse_args()
    settings = settings_from_env()
    articles, _ = load_corpus([ROOT / "corpus" / name for name in args.articles])
    model_path, identity = local_weights_path(settings), local_identity(settings)
    a_s = a_p = a_c = b_s = b_p = b_c = 0.0
    with ephemeral_server(model_path, identity, settings.cache_dir / "logs") as info:
        sdk = openai.OpenAI(base_url=info.base_url, api_key="x", max_retries=0)
        sdk.chat.completions.create(model=identity, messages=[{"role": "user", "content": "hi"}], max_tokens=1)
        llm = load_llama(model_path)  # both loaded; only one computes at a time
        for _ in range(args.rounds):
            s, p, c, bodies = through_extractor(info.base_url, identity, articles)
            a_s, a_p, a_c = a_s + s, a_p + p, a_c + c
            s, p, c = through_llama(llm, bodies)
            b_s, b_p, b_c = b_s + s, b_p + p, b_c + c
    print(f"{'path':<34}{'seconds':>9}{'prompt tok':>12}{'compl tok':>11}{'tok/s (all)':>13}{'compl tok/s':>13}")
    for name, s, p, c in (
        ("A extractor -> HTTP server", a_s, a_p, a_c),
        ("B llama_cpp.Llama in-process", b_s, b_p, b_c),
    ):
        print(f"{name:<34}{s:>9.1f}{p:>12.0f}{c:>11.0f}{(p + c) / s:>13.1f}{c / s:>13.2f}")
    ratio = ((a_p + a_c) / a_s) / ((b_p + b_c) / b_s)
    print(f"throughput ratio A/B = {ratio:.3f}  (overhead {100 * (1 - ratio):.1f}%; target <= 10%)")
    if (a_p, a_c) != (b_p, b_c):
        print("note: token counts differ between A and B; compare tok/s, not seconds")


if __name__ == "__main__":
    main()
