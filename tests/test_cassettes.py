"""Cassettes hold no secrets, and recording scrubs them before anything reaches disk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import vcr
from vcr.request import Request

from extractor.llm.replay import SECRET_HEADERS, vcr_config

ROOT = Path(__file__).resolve().parents[1]
KEY_LIKE = re.compile(r"sk-[A-Za-z0-9_-]{16,}|Bearer [A-Za-z0-9._-]{16,}")
CASSETTES = sorted((ROOT / "cassettes").rglob("*.yaml"))


def test_there_are_cassettes() -> None:
    assert len(CASSETTES) >= 9


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: p.name)
def test_no_key_like_strings_or_secret_headers(path: Path) -> None:
    text = path.read_text()
    assert not KEY_LIKE.search(text)
    for header in SECRET_HEADERS:
        assert not re.search(rf"^\s+{header}:", text, re.IGNORECASE | re.MULTILINE), header


def test_recording_scrubs_secret_headers() -> None:
    """vcrpy's own filter chain, built from our config, applied to a request as it would be recorded."""
    recorder = vcr.VCR(**vcr_config())
    before_record = recorder._build_before_record_request({})
    headers = {"Authorization": "Bearer " + "A" * 40, "api-key": "k", "OpenAI-Organization": "org", "Accept": "json"}
    request = Request("POST", "http://x/v1/chat/completions", b"{}", headers)
    kept = before_record(request).headers
    assert {name.lower() for name in kept} == {"accept"}


def test_recording_drops_cookies_from_responses() -> None:
    response = {"headers": {"Set-Cookie": ["s=1"], "content-type": ["application/json"]}, "body": {"string": ""}}
    assert list(vcr_config()["before_record_response"](response)["headers"]) == ["content-type"]
