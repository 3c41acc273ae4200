from __future__ import annotations

from pathlib import Path

from extractor.config import Settings
from extractor.llm.endpoint import NO_KEY, open_client


def _sdk_key(settings: Settings) -> str:
    with open_client(settings) as client:
        key: str = client.sdk.api_key
        return key


def test_the_openai_key_is_never_sent_to_another_server(tmp_path: Path) -> None:
    common = {"api_key": "sk-" + "x" * 30, "model": "m", "cache_dir": tmp_path, "use_cache": False}
    assert _sdk_key(Settings(base_url="http://vllm.internal:8000/v1", **common)) == NO_KEY  # type: ignore[arg-type]
    assert _sdk_key(Settings(base_url="http://h/v1", server_api_key="s", **common)) == "s"  # type: ignore[arg-type]
    assert _sdk_key(Settings(**common)).startswith("sk-")  # type: ignore[arg-type]
