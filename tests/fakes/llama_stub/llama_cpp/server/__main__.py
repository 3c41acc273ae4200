"""A stand-in for `python -m llama_cpp.server`: the fake OpenAI server on the port it is given.

Put `tests/fakes/llama_stub` first on PYTHONPATH and extractor starts this instead of llama.cpp, so the
embedded-model path (start, self-test, Ctrl-C, stop) is tested without weights or a compiler.
Environment: FAKE_LLAMA_LATENCY (seconds per answer), FAKE_LLAMA_IGNORE_TERM=1 (act like uvicorn
finishing a generation: SIGTERM does nothing, only SIGKILL stops it), FAKE_LLAMA_PIDFILE (append our pid).
"""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAIServer, FaultPlan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args, _ = parser.parse_known_args()
    if pidfile := os.environ.get("FAKE_LLAMA_PIDFILE"):
        with Path(pidfile).open("a") as handle:
            handle.write(f"{os.getpid()}\n")
    if os.environ.get("FAKE_LLAMA_IGNORE_TERM") == "1":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    latency = float(os.environ.get("FAKE_LLAMA_LATENCY", "0"))
    # The first request is extractor's schema self-test: answer it at once, then take `latency` per answer.
    plan = FaultPlan(script=["ok"], default="slow", slow_s=latency) if latency else FaultPlan()
    server = FakeOpenAIServer(plan, args.port)
    server._httpd.serve_forever()


if __name__ == "__main__":
    main()
