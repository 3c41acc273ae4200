"""The title rules are data (extractor/data/titles.yaml): loading, and a broken file's one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor.errors import ConfigError
from extractor.normalize.actors import office_roles
from extractor.normalize.titles import DEFAULT_TITLES_PATH, load_title_rules


def test_the_packaged_rules_classify_titles_of_any_country() -> None:
    assert office_roles("UK Foreign Secretary") == {"foreign minister"}
    assert office_roles("Minister for Foreign Affairs of Ruritania") == {"foreign minister"}
    assert office_roles("Deputy Foreign Minister") == frozenset()  # qualified: never judged
    assert office_roles("Secretary") == frozenset()  # an honorific names no office


def test_a_user_file_with_a_new_office_class_is_used(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_TITLES_PATH.read_text(encoding="utf-8"))
    data["roles"]["chief justice"] = r"\bchief justice\b"
    path = tmp_path / "titles.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rules = load_title_rules(path)
    assert rules.roles["chief justice"].search("chief justice of the supreme court")
    assert "japan" in rules.country_tokens and "secretary" in rules.title_tokens


def test_a_pattern_that_is_not_a_regular_expression_is_one_line_naming_the_file(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_TITLES_PATH.read_text(encoding="utf-8"))
    data["roles"]["broken"] = "(unclosed"
    path = tmp_path / "titles.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_title_rules(path)
    message = str(caught.value)
    assert str(path) in message and "roles" in message and "not a regular expression" in message
    assert "\n" not in message
