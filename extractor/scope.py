"""Scopes: which actors and dyads a run is about.

By default (the ``all`` scope) a run extracts every English story with
diplomatic content (`extractor.stories.is_relevant`), whoever the parties are.
A scope narrows a run to actors or dyads of interest, in two places:

* `Scope.admits_story`, a cheap pre-filter before any model call: the story
  mentions both countries of some dyad, or (no dyads) any actor of interest;
* `Scope.filter_records`, after records are built: a meeting is kept when its
  participants' countries cover a dyad, or (no dyads) when a participant is an
  actor of interest; a statement when it belongs to a kept meeting or (not
  linked to a dropped one) its speaker is an actor of interest; a position when
  its holder is.

Scope file (YAML; presets in ``extractor/data/scopes/``, e.g. ``us-china``)::

    name: india-pakistan               # required
    description: Diplomacy between India and Pakistan.
    countries: [India, PAK]            # names or ISO 3166 alpha-2/alpha-3 codes
    dyads:                             # optional pairs of countries
      - [IND, PAK]
    people: [Jane Doe]                 # optional people of interest, as written
    institutions: [United Nations]     # optional institution keywords
    mentions:                          # optional extra story terms per country
      IND: [Delhi]

Countries named in ``dyads`` are actors of interest too. A country is
mentioned in a story by any term `extractor.countries` knows for it (names,
aliases, demonyms, seats of government), by a ``mentions`` term, or by the
name or an alias of a person or institution of that country in the actors
table (``extractor/data/actors.yaml``). A record's country is the matched
actor's, else the country the model wrote, else one its title or name
mentions ("Norwegian Foreign Ministry").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.countries import CountryTable, default_countries, term_pattern
from extractor.errors import InputError
from extractor.normalize.actors import default_index
from extractor.postprocess import RecordSet
from extractor.stories import Story
from schemas import ActorRef, MeetingRecord, PositionRecord, StatementRecord

SCOPES_DIR = Path(__file__).resolve().parent / "data" / "scopes"
DEFAULT_SCOPE = "all"

__all__ = ["DEFAULT_SCOPE", "SCOPES_DIR", "Scope", "available_scopes", "default_scope", "load_scope", "parse_scope"]


class _ScopeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    countries: list[str] = Field(default_factory=list)
    dyads: list[list[str]] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    institutions: list[str] = Field(default_factory=list)
    mentions: dict[str, list[str]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """Actors and dyads of interest; with none at all it admits everything (the ``all`` scope)."""

    name: str
    description: str = ""
    countries: tuple[str, ...] = ()
    """ISO 3166-1 alpha-3 codes of the countries of interest (dyad members included)."""
    dyads: tuple[frozenset[str], ...] = ()
    people: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    mentions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(country code, extra story terms) pairs."""
    source: str = field(default="<memory>", compare=False)

    @property
    def admits_everything(self) -> bool:
        return not (self.countries or self.dyads or self.people or self.institutions)

    def fingerprint(self) -> str:
        """What the scope admits, as a stable string (frozensets sorted: their order varies between processes)."""
        return json.dumps(
            [self.name, self.countries, sorted(sorted(d) for d in self.dyads), self.people, self.institutions,
             self.mentions],
        )  # fmt: skip

    # ------------------------------------------------------------ story pre-filter

    @cached_property
    def _country_patterns(self) -> dict[str, re.Pattern[str]]:
        table, actors = default_countries(), default_index()
        extra = dict(self.mentions)
        patterns = {}
        for code in self.countries:
            people = [term for a in actors.actors if a.country == code for term in (a.name, *a.aliases)]
            patterns[code] = term_pattern([*table.terms(code), *extra.get(code, ()), *people])
        return patterns

    @cached_property
    def _keyword_pattern(self) -> re.Pattern[str]:
        actors = default_index()
        terms = [*self.people, *self.institutions]
        for person in self.people:
            known = actors.get(person)
            if known is not None:
                terms += [known.name, *known.aliases]
        return term_pattern(terms)

    def mentioned_countries(self, text: str) -> set[str]:
        """The countries of interest that `text` mentions."""
        text = text.replace("\u2019", "'")
        return {code for code, pattern in self._country_patterns.items() if pattern.search(text)}

    def admits_story(self, story: Story) -> bool:
        """Cheap pre-filter, before any model call (see the module docstring)."""
        if self.admits_everything:
            return True
        blob = f"{story.title}\n{story.text}"
        mentioned = self.mentioned_countries(blob)
        if self.dyads:
            return any(dyad <= mentioned for dyad in self.dyads)
        return bool(mentioned) or bool(self._keyword_pattern.search(blob.replace("\u2019", "'")))

    # ------------------------------------------------------------ records

    def _is_keyword(self, *names: str | None) -> bool:
        return any(name and self._keyword_pattern.search(name.replace("\u2019", "'")) for name in names)

    def _of_interest(self, country: str | None, *names: str | None) -> bool:
        return (country is not None and country in self.countries) or self._is_keyword(*names)

    def admits_meeting(self, record: MeetingRecord) -> bool:
        if self.admits_everything:
            return True
        pairs = zip(record.participants, record.meeting.participants, strict=False)
        countries = {_record_country(ref, participant.country, participant.title) for ref, participant in pairs} - {
            None
        }
        if self.dyads:
            return any(dyad <= countries for dyad in self.dyads)
        if any(c in self.countries for c in countries):
            return True
        return any(self._is_keyword(ref.name_as_written, ref.canonical_name) for ref in record.participants)

    def admits_statement(self, record: StatementRecord) -> bool:
        if self.admits_everything:
            return True
        country = _record_country(record.speaker, None, record.statement.speaker_title)
        return self._of_interest(country, record.speaker.name_as_written, record.speaker.canonical_name)

    def admits_position(self, record: PositionRecord) -> bool:
        if self.admits_everything:
            return True
        country = _record_country(record.holder, None, None)
        return self._of_interest(country, record.holder.name_as_written, record.holder.canonical_name)

    def filter_records(self, records: RecordSet) -> RecordSet:
        """The records this scope keeps (see the module docstring); all of them for the ``all`` scope."""
        if self.admits_everything:
            return records
        meetings = [m for m in records.meetings if self.admits_meeting(m)]
        kept = {m.id for m in meetings}
        dropped = {m.id for m in records.meetings} - kept
        statements = [
            s
            for s in records.statements
            if s.meeting_id in kept or (s.meeting_id not in dropped and self.admits_statement(s))
        ]
        positions = [p for p in records.positions if self.admits_position(p)]
        return RecordSet(meetings, statements, positions)


def _record_country(ref: ActorRef, written_country: str | None, title: str | None) -> str | None:
    """The matched actor's country, else the country the model wrote, else one the title or name mentions."""
    if ref.country:
        return ref.country
    table = default_countries()
    if code := table.code(written_country):
        return code
    for text in (title, ref.name_as_written):
        found = table.find(text) if text else []
        if len(found) == 1:
            return found[0]
    return None


# --------------------------------------------------------------------------- loading


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _country(raw: str, where: str, table: CountryTable) -> str:
    code = table.code(raw)
    if code is None:
        raise InputError(f"{where}: {raw!r} is not a country name or ISO 3166 code; use e.g. 'China' or 'CHN'")
    return code


def _build(data: _ScopeFile, source: str, table: CountryTable) -> Scope:
    countries = [_country(c, f"{source}: countries[{i}]", table) for i, c in enumerate(data.countries)]
    dyads: list[frozenset[str]] = []
    for i, pair in enumerate(data.dyads):
        where = f"{source}: dyads[{i}]"
        if len(pair) != 2:
            raise InputError(f"{where}: a dyad is a pair of two countries, got {len(pair)}: {pair!r}")
        dyad = frozenset(_country(c, where, table) for c in pair)
        if len(dyad) != 2:
            raise InputError(f"{where}: a dyad needs two different countries, got {pair!r}")
        dyads.append(dyad)
        countries += sorted(dyad)
    mentions = []
    for key, terms in data.mentions.items():
        code = _country(key, f"{source}: mentions", table)
        if code not in countries:
            raise InputError(f"{source}: mentions: {key!r} is not one of the scope's countries; add it to countries")
        mentions.append((code, tuple(terms)))
    return Scope(
        name=data.name,
        description=data.description,
        countries=tuple(dict.fromkeys(countries)),
        dyads=tuple(dict.fromkeys(dyads)),
        people=tuple(data.people),
        institutions=tuple(data.institutions),
        mentions=tuple(mentions),
        source=source,
    )


def parse_scope(raw: Any, source: str = "<memory>", table: CountryTable | None = None) -> Scope:
    """Parsed YAML (a mapping) → `Scope`; `InputError` naming `source` and the problem."""
    if not isinstance(raw, dict):
        raise InputError(f"{source}: a scope file is a mapping with at least 'name:'; see extractor/scope.py")
    try:
        data = _ScopeFile.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "top level"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(
            f"{source}: {where}: {_one_line(error['msg'])}{more}; see the format in extractor/scope.py"
        ) from exc
    return _build(data, source, table or default_countries())


def available_scopes() -> list[str]:
    """Names of the packaged scope presets."""
    return sorted(path.stem for path in SCOPES_DIR.glob("*.yaml"))


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read scope file ({_one_line(exc.strerror or exc)})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"{where}: invalid YAML ({_one_line(getattr(exc, 'problem', None) or exc)})") from exc


def _looks_like_path(name_or_path: str | Path) -> bool:
    text = str(name_or_path)
    return isinstance(name_or_path, Path) or "/" in text or "\\" in text or text.endswith((".yaml", ".yml"))


def load_scope(name_or_path: str | Path | None = None) -> Scope:
    """A packaged preset by name (``all``, ``us-china``, ...; default ``all``) or a scope file by path."""
    if name_or_path is None or str(name_or_path) == "":
        name_or_path = DEFAULT_SCOPE
    if _looks_like_path(name_or_path) or Path(name_or_path).is_file():
        path = Path(name_or_path)
        if not path.is_file():
            raise InputError(
                f"{path}: no such scope file; pass a YAML file or a preset ({', '.join(available_scopes())})"
            )
    else:
        path = SCOPES_DIR / f"{name_or_path}.yaml"
        if not path.is_file():
            raise InputError(
                f"unknown scope {str(name_or_path)!r}: not a preset ({', '.join(available_scopes())}) "
                "nor a path to a .yaml file"
            )
    return parse_scope(_read(path), str(path))


@lru_cache(maxsize=1)
def default_scope() -> Scope:
    """The ``all`` scope: admits every story and record."""
    return load_scope(DEFAULT_SCOPE)
