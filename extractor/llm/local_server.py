"""The embedded llama-cpp-python server: start, find, stop.

Two lifetimes: `ephemeral_server` lives for one `extractor run` and is
stopped on exit, Ctrl-C or error; `extractor local start` leaves one up
(recorded in a state file) that runs and the notebook reuse.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.metadata
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from extractor.errors import ConfigError, LocalServerError

N_CTX = 8192
STARTUP_TIMEOUT_S = 180.0
STOP_GRACE_S = 3.0
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    port: int
    model_path: str
    identity: str  # which weights: part of every cache key instead of the (changing) port
    log_path: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def require_llama_cpp() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(
            "the embedded model needs the local extra: pip install -e '.[local]' "
            "(or set OPENAI_API_KEY, or pass --base-url URL --model NAME)"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    # Linux: the kernel kills the server if we die, even by SIGKILL: no orphans. SIGKILL, not SIGTERM:
    # uvicorn answers SIGTERM by finishing the generation in flight, minutes of CPU for nobody.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def launch(model_path: Path, identity: str, log_dir: Path, *, detached: bool, threads: int | None = None) -> ServerInfo:
    require_llama_cpp()
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    log_path = log_dir / f"llama-server-{port}.log"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", str(N_CTX), "--n_threads", str(threads or os.cpu_count() or 2),
        "--verbose", "False",
        # The server defaults to logits_all=True: logits for every prompt token, which extraction never reads
        # and which cost ~15% of throughput (bench/local_overhead.py).
        "--logits_all", "False",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = _spawn(command, log, detached)
    info = ServerInfo(process.pid, port, str(model_path), identity, str(log_path))
    try:
        wait_until_ready(info, process)
    except BaseException:  # Ctrl-C or a failed start: never leave a detached server behind
        stop(info)
        raise
    return info


def _spawn(command: list[str], log: IO[bytes], detached: bool) -> subprocess.Popen[bytes]:
    """Start the server in its own session, so a Ctrl-C in the terminal reaches extractor only (which stops it).

    Linux sends PR_SET_PDEATHSIG when the *thread* that forked the child exits, not the process: a server
    started from a worker thread would die with that worker. So an ephemeral server is forked by an owner
    thread that waits on it, and lives exactly as long as the server (or until extractor itself dies).
    """
    if detached:
        return subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    started: list[subprocess.Popen[bytes] | BaseException] = []
    ready = threading.Event()

    def own() -> None:
        try:
            started.append(subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=_die_with_parent,
            ))  # fmt: skip
        except BaseException as exc:
            started.append(exc)
        finally:
            ready.set()
        if isinstance(started[0], subprocess.Popen):
            started[0].wait()

    threading.Thread(target=own, name="llama-server-owner", daemon=True).start()
    ready.wait()
    if isinstance(started[0], BaseException):
        raise started[0]
    return started[0]


def wait_until_ready(info: ServerInfo, process: subprocess.Popen[bytes], timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = Path(info.log_path).read_text(errors="replace")[-600:]
            raise LocalServerError(f"llama.cpp server exited with code {process.returncode}: {tail.strip()}")
        if answers(info):
            return
        time.sleep(0.5)
    stop(info)
    raise LocalServerError(f"llama.cpp server did not answer within {timeout_s:.0f}s; see {info.log_path}")


def answers(info: ServerInfo) -> bool:
    try:
        with urllib.request.urlopen(f"{info.base_url}/models", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def stop(info: ServerInfo, grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM, then SIGKILL: uvicorn answers SIGTERM by finishing the generation in flight (minutes on a CPU)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and _alive(info.pid):
            time.sleep(0.2)
        if _alive(info.pid):
            os.kill(info.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(info.pid, os.WNOHANG)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    return True


# A build of llama.cpp for the common x86-64 instructions only (AVX2, FMA, F16C), not for everything the CPU says it
# has: some virtual machines advertise AMX and then refuse it ("invalid opcode" in the kernel log).
PORTABLE_CMAKE_ARGS = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"


def portable_rebuild() -> str:
    """The command that rebuilds the installed llama-cpp-python for those instructions only."""
    try:
        pin = f"=={importlib.metadata.version('llama-cpp-python')}"
    except importlib.metadata.PackageNotFoundError:
        pin = ""
    return (
        f'CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" pip install --force-reinstall --no-cache-dir --no-deps '
        f"'llama-cpp-python[server]{pin}'"
    )


def died_while_answering(info: ServerInfo) -> LocalServerError | None:
    """Why a server that came up no longer answers, if the reason is that it is gone."""
    if _alive(info.pid):
        return None
    return LocalServerError(
        f"the embedded llama.cpp server died on its first request (log: {info.log_path}); if `dmesg` shows "
        f"'invalid opcode', llama.cpp was built for instructions this CPU refuses: rebuild it with {portable_rebuild()}"
    )


@contextlib.contextmanager
def ephemeral_server(model_path: Path, identity: str, log_dir: Path) -> Iterator[ServerInfo]:
    info = launch(model_path, identity, log_dir, detached=False)
    try:
        yield info
    finally:
        stop(info)


# --- the persistent server (`extractor local start|status|stop`) -------------


def read_state(state_file: Path) -> ServerInfo | None:
    """The recorded server if its process is still alive; a stale record is removed.

    Liveness is the process, not an HTTP probe: the server answers one request at a time, so a busy
    server would look dead to a short probe.
    """
    try:
        info = ServerInfo(**json.loads(state_file.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if _alive(info.pid) and _is_our_server(info):
        return info
    state_file.unlink(missing_ok=True)
    return None


def _is_our_server(info: ServerInfo) -> bool:
    """After a reboot the PID may belong to another program: never adopt (or signal) that one."""
    try:
        argv = Path(f"/proc/{info.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc (not Linux): the PID check is all there is
    return b"llama_cpp.server" in argv and str(info.port).encode() in argv


def write_state(state_file: Path, info: ServerInfo) -> None:
    state_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(info)))
    os.replace(tmp, state_file)
