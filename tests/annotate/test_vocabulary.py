from __future__ import annotations

from pathlib import Path

import pytest

from extractor.annotate.vocabulary import DEFAULT_VOCABULARY, load_vocabulary
from extractor.errors import ConfigError


def test_packaged_vocabulary_loads_and_matches_whole_words() -> None:
    vocab = load_vocabulary(DEFAULT_VOCABULARY)
    assert vocab.contact.search("The ministers met on Friday")
    assert not vocab.contact.search("The metal was grey")  # "met" only as a whole word
    assert vocab.speech.search("she said")


def test_a_broken_vocabulary_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "annotate.yaml"
    path.write_text("version: 1\ncontact_cues: [met]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a vocabulary file"):
        load_vocabulary(path)


def test_unreadable_vocabulary_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_vocabulary(tmp_path / "missing.yaml")
