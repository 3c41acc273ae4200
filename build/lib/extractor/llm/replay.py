"""Record and replay a batch's HTTP with vcrpy.

One configuration serves `extractor run --record/--replay` and the test
suite: match on method, path and body (never headers: they carry keys and
vary by SDK version), readable decompressed bodies, and no secret on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import vcr

from extractor.errors import InputError

SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie")
SECRET_RESPONSE_HEADERS = ("set-cookie", "openai-organization", "openai-project")
REPLAY_BASE_URL = "http://replay.invalid/v1"  # never dialled: vcrpy answers before any connection


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_RESPONSE_HEADERS:
            del headers[name]
    return response


def vcr_config() -> dict[str, Any]:
    return {
        "match_on": ("method", "path", "body"),
        "decode_compressed_response": True,
        "filter_headers": [(name, None) for name in SECRET_HEADERS],
        "before_record_response": _scrub_response,
    }


@contextlib.contextmanager
def cassette(path: Path, *, record: bool) -> Iterator[Any]:
    """Record every interaction into `path` (overwriting it), or replay only from it."""
    if not record and not path.is_file():
        raise InputError(f"--replay {path}: no such cassette")
    if record:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    recorder = vcr.VCR(record_mode="all" if record else "none", **vcr_config())
    # Each recorded interaction answers once, in order: a retried request replays its retry, not its first failure.
    with recorder.use_cassette(str(path)) as tape:
        yield tape
