"""A small OpenAI-compatible HTTP server on loopback, with switchable faults.

Used by the fault suite (real sockets: hangs, resets, 429s) and by the
scale benchmarks (a fixed latency, so the model's speed is out of the
picture). Answers are the smallest instance of the request's JSON Schema
(arrays get one item), so every response is schema-valid unless a fault
says otherwise. These answers exercise the transport and the pipeline; they
are never presented as model output.

    python -m tests.fakes.openai_server --port 8765 --latency 0.5
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A fault is one of: ok, 429, 500, reset, hang, slow, malformed, truncated, invalid, empty_choices.
FAULTS = ("ok", "429", "500", "reset", "hang", "slow", "malformed", "truncated", "invalid", "empty_choices")


@dataclass
class FaultPlan:
    """What the server does: `script` is consumed one fault per request, then `default` applies."""

    script: list[str] = field(default_factory=list)
    default: str = "ok"
    latency_s: float = 0.0
    slow_s: float = 5.0
    retry_after: str | None = "1"
    die_after: int | None = None  # stop listening after this many requests

    def next_fault(self) -> str:
        return self.script.pop(0) if self.script else self.default


def minimal_instance(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """The smallest value a JSON Schema admits (one item per array, first enum value)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return minimal_instance(defs[schema["$ref"].split("/")[-1]], defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return minimal_instance(options[0], defs)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: minimal_instance(props[name], defs) for name in schema.get("required", props)}
    if kind == "array":
        return [minimal_instance(schema.get("items", {}), defs)] if schema.get("maxItems", 1) else []
    return {"string": "x", "integer": 0, "number": 0.0, "boolean": False, "null": None}[kind]


def request_schema(body: dict[str, Any]) -> dict[str, Any]:
    fmt = body.get("response_format") or {}
    if "json_schema" in fmt:
        schema: dict[str, Any] = fmt["json_schema"].get("schema", {})
        return schema
    if "schema" in fmt:
        return dict(fmt["schema"])
    tools = body.get("tools") or []
    if tools:
        return dict(tools[0]["function"].get("parameters", {}))
    return {"type": "object", "properties": {}}


def completion_body(body: dict[str, Any], content: str, finish: str = "stop") -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        call = {"id": "call_0", "type": "function", "function": {"name": name, "arguments": content}}
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
    prompt_tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body.get("model", "fake"),
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(content) // 4,
                  "total_tokens": prompt_tokens + len(content) // 4},
    }  # fmt: skip


class FakeOpenAIServer:
    """`with FakeOpenAIServer(FaultPlan(...)) as server:` → `server.base_url`, `server.bodies`."""

    def __init__(self, plan: FaultPlan | None = None, port: int = 0) -> None:
        self.plan = plan or FaultPlan()
        self.bodies: list[dict[str, Any]] = []
        self.keep_bodies = True  # off for long benchmark runs: the bodies would fill this process's memory
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests it was answering at once
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _take(self, body: dict[str, Any]) -> tuple[str, bool]:
        with self._lock:
            self.requests += 1
            if self.keep_bodies:
                self.bodies.append(body)
            fault = self.plan.next_fault()
            dying = self.plan.die_after is not None and self.requests >= self.plan.die_after
        return fault, dying

    def _count_in_flight(self, step: int) -> None:
        with self._lock:
            self.in_flight += step
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; with Nagle on, the body waits for the client's delayed
            # ACK (~40 ms a call on Linux). Real servers (uvicorn, vLLM) set TCP_NODELAY too.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # quiet: no access log
                pass

            def do_GET(self) -> None:  # /v1/models, for health probes
                self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                fault, dying = server._take(body)
                if dying:
                    threading.Thread(target=server.close, daemon=True).start()
                server._count_in_flight(+1)
                try:
                    if server.plan.latency_s:
                        time.sleep(server.plan.latency_s)
                    self._answer(fault, body)
                finally:
                    server._count_in_flight(-1)

            def _answer(self, fault: str, body: dict[str, Any]) -> None:
                if fault == "hang":
                    server._stopping.wait()
                    return
                if fault == "reset":
                    self.connection.shutdown(2)
                    self.close_connection = True
                    return
                if fault == "429":
                    headers = {"retry-after": server.plan.retry_after} if server.plan.retry_after else {}
                    return self._json(429, {"error": {"message": "rate limited", "type": "rate_limit"}}, headers)
                if fault == "500":
                    return self._json(500, {"error": {"message": "boom", "type": "server_error"}})
                if fault == "slow":
                    time.sleep(server.plan.slow_s)
                if fault == "empty_choices":
                    return self._json(200, {**completion_body(body, "{}"), "choices": []})
                answer = json.dumps(minimal_instance(request_schema(body)))
                finish = "stop"
                if fault == "malformed":
                    answer = "this is not JSON"
                elif fault == "truncated":
                    answer, finish = answer[: max(1, len(answer) // 2)], "length"
                elif fault == "invalid":
                    answer = json.dumps({"unexpected": True})
                self._json(200, completion_body(body, answer, finish))

            def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def serve(plan: FaultPlan, port: int) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(plan, port) as server:
        yield server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--fault", choices=FAULTS, default="ok", help="what every request gets")
    parser.add_argument("--script", default="", help="comma-separated faults for the first requests")
    parser.add_argument("--die-after", type=int, default=None)
    args = parser.parse_args()
    plan = FaultPlan(
        script=[f for f in args.script.split(",") if f], default=args.fault, latency_s=args.latency,
        die_after=args.die_after,
    )  # fmt: skip
    server = FakeOpenAIServer(plan, args.port)
    print(server.base_url, flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
