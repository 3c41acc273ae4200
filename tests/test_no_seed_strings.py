"""Nothing in production code, prompts, data or schemas is fitted to the five seed articles (issue 9).

The lists below are distinctive strings of the seed articles (corpus/*.txt): names, date
expressions, venues, occasions and phrases. None may appear in any text file under extractor/ or
schemas/ (schema JSON, prompt templates, the prompt codebook, cue and scope data included):
examples the model reads are invented or general, and vocabularies are general English.

One exemption, for one list: extractor/data/actors.yaml is a world-knowledge table of real office
holders, so it may name the real public figures the seeds mention (SEED_PUBLIC_FIGURES). It is
still checked against SEED_STRINGS (no seed misspellings, venues, dates or phrases there either).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))
SCANNED_DIRS = (ROOT / "extractor", ROOT / "schemas")
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".md", ".json", ".txt", ".toml", ".cfg", ".ini", ".j2", ".jinja"}
ACTORS_TABLE = ROOT / "extractor" / "data" / "actors.yaml"

SEED_STRINGS = [
    # people named only in the seeds, and the seeds' own misspellings and garbles
    "Wei Feng", "Brinken", "Sun Yun", "Ge Laiyi", "Daniel Russel", "Ryan Woo", "Ed Davies", "Schmollinger",
    "Robert Birsel", "Stimson Center", "German Marshall Fund", "Lianhe Zaobao", "between Biden and Biden",
    # venues, places and occasions
    "Diaoyutai", "Nusa Dua", "Kuala Lumpur", "Jakarta", "Fukushima", "Shangri La Dialogue", "East Asia Summit",
    "APEC", "G20 summit", "San Francisco", "Indonesia pact", "Reuters Next",
    # date expressions
    "on the 13th", "13th local time", "On the 20th local time", "Friday (Oct 27)", "Oct 27", "September 10th",
    "less than a month later", "June 18 to 19", "July 9 (Reuters)", "Apr 14, 2024", "05:26",
    "in the middle of last month", "early this month", "The day before Rubio", "June 4th to 5th", "July 6th",
    # phrases
    "two giant ships", "great ship", "three needs", "gray rhinoceroses", "black swans", "overtime meeting",
    "leadership diplomacy", "Four Nos and One Intentions", "frozen three feet", "deceleration belt",
    "no substitute for personal", "frank exchanges", "candid and in-depth", "spy balloon", "surveillance balloon",
    "talking past each other", "Trump-Xi meeting", "Indo-Pacific region", "heavyweight officials",
]  # fmt: skip

SEED_PUBLIC_FIGURES = [
    "Wang Yi", "Blinken", "Rubio", "Hegseth", "Kritenbrink", "Pigott", "Xie Feng", "Wang Xiaohong", "Yellen",
    "Raimondo", "Jake Sullivan", "Kerry", "Xi Jinping", "Biden", "Trump", "Putin", "Obama", "Kishida", "Pelosi",
    "Zuckerberg", "Austin", "Singh",
]  # fmt: skip


def _pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive, never inside a longer word ("Wei Feng" does not match "Wei Fenghe")."""
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _seed_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SEEDS).replace("\u2019", "'")


def _scanned_files() -> list[Path]:
    files = [
        path
        for root in SCANNED_DIRS
        for path in root.rglob("*")
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
    ]
    return sorted(files)


def test_there_are_five_seeds_and_files_to_scan() -> None:
    assert len(SEEDS) == 5
    scanned = {p.relative_to(ROOT).as_posix() for p in _scanned_files()}
    for expected in (
        "schemas/extraction.py",
        "schemas/json/meeting.schema.json",
        "extractor/data/prompts/_codebook.md",
        "extractor/data/cues.yaml",
        "extractor/data/scopes/us-china.yaml",
        "extractor/data/actors.yaml",
        "extractor/stories.py",
    ):
        assert expected in scanned


@pytest.mark.parametrize("phrase", SEED_STRINGS + SEED_PUBLIC_FIGURES)
def test_every_listed_string_comes_from_a_seed(phrase: str) -> None:
    assert _pattern(phrase).search(_seed_text()), f"{phrase!r} is not in the seed articles: keep the list honest"


@pytest.mark.parametrize("path", _scanned_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_seed_string_in_production_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace").replace("\u2019", "'")
    banned = SEED_STRINGS if path == ACTORS_TABLE else SEED_STRINGS + SEED_PUBLIC_FIGURES
    found = sorted({phrase for phrase in banned if _pattern(phrase).search(text)})
    assert not found, f"{path.relative_to(ROOT)} contains seed strings {found}: use invented or general examples"
