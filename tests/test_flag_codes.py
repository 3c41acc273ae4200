"""Flag codes: one StrEnum, every member documented in docs/codebook.md and written somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from schemas import FlagCode

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "docs" / "codebook.md"
SOURCES = sorted((ROOT / "extractor").rglob("*.py"))


def _flag_table() -> set[str]:
    text = CODEBOOK.read_text(encoding="utf-8")
    section = text[text.index("## 10. Flag codes") :]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE))


def test_every_flag_code_is_documented_in_the_codebook() -> None:
    assert _flag_table() == {code.value for code in FlagCode}


def test_flags_are_created_with_enum_members_only() -> None:
    literal = re.compile(r"Flag\(\s*code\s*=\s*[\"']")
    offenders = [p.relative_to(ROOT).as_posix() for p in SOURCES if literal.search(p.read_text(encoding="utf-8"))]
    assert offenders == [], "create flags with Flag(code=FlagCode.<member>, ...)"


def test_every_member_is_used_by_extractor() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    unused = [member.name for member in FlagCode if f"FlagCode.{member.name}" not in code]
    assert unused == []


def test_an_unknown_code_is_rejected() -> None:
    import pydantic
    import pytest

    from schemas import Flag

    with pytest.raises(pydantic.ValidationError):
        Flag(code="no_such_code", reason="x")  # type: ignore[arg-type]
