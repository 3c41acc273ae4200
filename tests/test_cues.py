"""The packaged vocabularies (cues, countries): well-formed, loaded by one loader each, errors in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from extractor.countries import DEFAULT_COUNTRIES_PATH, default_countries, load_countries
from extractor.cues import DEFAULT_CUES_PATH, cue_pattern, default_cues, load_cues
from extractor.errors import ConfigError


def _lists(node: Any, path: str = "") -> list[tuple[str, list[Any]]]:
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in _lists(value, f"{path}.{key}")]
    return [(path, node)] if isinstance(node, list) else []


@pytest.mark.parametrize("path", [DEFAULT_CUES_PATH, DEFAULT_COUNTRIES_PATH], ids=lambda p: p.name)
def test_every_list_entry_is_a_string(path: Path) -> None:
    # YAML reads a bare on/off/yes/no as a boolean: such words must be quoted in the data files.
    lists = _lists(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert lists
    bad = [(where, entry) for where, entries in lists for entry in entries if not isinstance(entry, str)]
    assert bad == []


def test_the_packaged_files_load_once() -> None:
    assert default_cues() is default_cues()
    assert default_countries() is default_countries()
    assert default_cues().data.version == 1


def test_cue_entries_match_whole_words_with_optional_endings_and_hyphens() -> None:
    import re

    pattern = re.compile(cue_pattern(["visit*", "face to face", "met"]), re.IGNORECASE)
    assert pattern.search("They VISITED the capital")
    assert pattern.search("a face-to-face meeting")
    assert pattern.search("they met.") and not pattern.search("metal prices")
    assert not re.search(cue_pattern([]), "anything")


def test_a_bad_cue_file_is_one_line_naming_the_file(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_CUES_PATH.read_text(encoding="utf-8"))
    del data["story"]["contact"]
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cues\.yaml: story\.contact: Field required") as caught:
        load_cues(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(ConfigError, match="cannot read the cue file"):
        load_cues(tmp_path / "missing.yaml")


def test_a_custom_cue_file_changes_the_signal(tmp_path: Path) -> None:
    from extractor.stories import Story, is_diplomatic

    data = yaml.safe_load(DEFAULT_CUES_PATH.read_text(encoding="utf-8"))
    data["story"]["contact"] = ["parleyed"]
    data["story"]["speech"] = []
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    story = Story(index=0, title="", text="Jane Doe parleyed with John Roe.", start=0)
    assert is_diplomatic(story, load_cues(path))
    assert not is_diplomatic(Story(index=0, title="", text="Jane Doe met John Roe.", start=0), load_cues(path))


@pytest.mark.parametrize(
    ("written", "code"),
    [("China", "CHN"), ("CN", "CHN"), ("CHN", "CHN"), ("Chinese", "CHN"), ("the United States", "USA"),
     ("U.S.", "USA"), ("Korea, Republic of", "KOR"), ("South Korea", "KOR"), ("Britain", "GBR"), ("Kyiv", "UKR"),
     ("Atlantis", None), ("", None), (None, None)],
)  # fmt: skip
def test_country_codes_of_whole_strings(written: str | None, code: str | None) -> None:
    assert default_countries().code(written) == code


def test_countries_found_in_a_text_in_order() -> None:
    text = "The Indian minister met US and Chinese envoys near the South China Sea and in South America."
    assert default_countries().find(text) == ["IND", "USA", "CHN"]
    assert default_countries().find("us and them") == []


def test_a_bad_countries_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "countries.yaml"
    path.write_text("version: 1\ncountries:\n  XXX: {aliases: [Nowhere]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"countries: Value error, not ISO 3166-1 alpha-3 codes: XXX"):
        load_countries(path)
