from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import PromptError
from extractor.prompts import available_versions, load_prompt, messages_hash, parse_prompt, render

SOURCE = "name: demo\nversion: 3\ncodebook: true\nsystem: 'Rules: {{ codebook }}'\nuser: 'Title: {{ title }}'\n"


def test_parse_and_render_are_pure() -> None:
    template = parse_prompt(SOURCE, codebook="be exact")
    messages = render(template, title="Talks")
    assert template.label == "demo@v3"
    assert messages == [{"role": "system", "content": "Rules: be exact"}, {"role": "user", "content": "Title: Talks"}]


def test_codebook_only_when_asked() -> None:
    template = parse_prompt(SOURCE.replace("codebook: true", "codebook: false"), codebook="be exact")
    assert render(template, title="x")[0]["content"] == "Rules:"


def test_missing_variable_is_an_error() -> None:
    with pytest.raises(PromptError, match="title"):
        render(parse_prompt(SOURCE), other="x")


def test_hash_changes_with_content() -> None:
    template = parse_prompt(SOURCE)
    assert messages_hash(render(template, title="a")) != messages_hash(render(template, title="b"))


def test_shipped_prompts_have_versions_and_newest_is_default() -> None:
    assert available_versions("meetings") == [1, 2]
    assert load_prompt("meetings").version == 2
    assert load_prompt("meetings", 1).codebook == ""
    assert "Codebook" in load_prompt("meetings", 2).codebook


def test_unknown_prompt_or_version(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="no prompt named"):
        load_prompt("nope")
    with pytest.raises(PromptError, match="no version 9"):
        load_prompt("meetings", 9)
    (tmp_path / "bad.v1.yaml").write_text("name: bad\n")
    with pytest.raises(PromptError, match="not a valid prompt file"):
        load_prompt("bad", prompts_dir=tmp_path)
