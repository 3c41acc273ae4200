"""Countries: ISO 3166 codes for the ways news coverage writes a country.

`pycountry` supplies every ISO country (alpha-3 and alpha-2 codes, name, common
and official name); ``extractor/data/countries.yaml`` adds aliases ("U.S."),
demonyms ("Chinese") and seats of government used as metonyms ("Moscow said").
This module is the one loader of that file. Codes are ISO 3166-1 alpha-3.

* `CountryTable.code` reads a whole string that names one country ("China",
  "CN", "CHN", "Chinese", "the United States") → its code, or None.
* `CountryTable.find` lists the countries a text mentions, in order.
* `CountryTable.terms` gives the terms `find` looks for, per country.

Matching rule for terms found inside a text: a term with a capital letter
matches case-sensitively ("US" is not "us"), a lower-case one in any case; a
term never matches inside a longer word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path

import pycountry
from pydantic import BaseModel, ConfigDict, field_validator

from extractor.datafiles import load_yaml_model

DEFAULT_COUNTRIES_PATH = Path(__file__).resolve().parent / "data" / "countries.yaml"

__all__ = ["DEFAULT_COUNTRIES_PATH", "CountryTable", "default_countries", "load_countries", "term_pattern"]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()


class _CountriesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    not_countries: tuple[str, ...] = ()
    countries: dict[str, _Entry]

    @field_validator("countries")
    @classmethod
    def _iso_codes(cls, value: dict[str, _Entry]) -> dict[str, _Entry]:
        unknown = [code for code in value if pycountry.countries.get(alpha_3=code) is None]
        if unknown:
            raise ValueError(f"not ISO 3166-1 alpha-3 codes: {', '.join(unknown)}")
        return value


def _key(text: str) -> str:
    """Lookup key of a whole country string: case-, apostrophe- and article-insensitive."""
    text = text.replace("’", "'").strip().casefold()
    text = re.sub(r"^the\s+", "", text)
    return " ".join(text.split())


def _term(term: str) -> str:
    pattern = r"\s+".join(re.escape(part) for part in term.replace("’", "'").split())
    if term.islower():
        pattern = f"(?i:{pattern})"
    return rf"(?<!\w){pattern}(?!\w)"


def term_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """One regex for `terms` (longest first, see the module docstring for case); never matches if empty."""
    unique = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    return re.compile("|".join(_term(t) for t in unique) if unique else r"(?!)")


@lru_cache(maxsize=8192)
def _code(table: CountryTable, text: str) -> str | None:
    """`CountryTable.code`, memoised: the pre-annotator asks it about every capitalised run of every story."""
    return table._uncached_code(text)


class CountryTable:
    def __init__(self, data: _CountriesFile, source: str) -> None:
        self.source = source
        self._terms: dict[str, list[str]] = {}
        self._keys: dict[str, set[str]] = {}
        for country in pycountry.countries:
            code = country.alpha_3
            names = [country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)]
            for name in names:
                if name:
                    self._add(code, name, findable=", " not in name)
        for code, entry in data.countries.items():
            for term in (*entry.aliases, *entry.demonyms, *entry.seats):
                self._add(code, term, findable=True)
        self._not_countries = tuple(data.not_countries)
        self._demonyms = frozenset(d for entry in data.countries.values() for d in entry.demonyms)
        self._seats = frozenset(d for entry in data.countries.values() for d in entry.seats)

    def _add(self, code: str, term: str, *, findable: bool) -> None:
        self._keys.setdefault(_key(term), set()).add(code)
        if findable and term not in self._terms.setdefault(code, []):
            self._terms[code].append(term)

    def code(self, text: str | None) -> str | None:
        """The code of a string that names one country: an ISO code (upper case) or any known name."""
        if not text or not text.strip():
            return None
        return _code(self, text)

    def _uncached_code(self, text: str) -> str | None:
        raw = text.strip()
        if raw.isupper() and len(raw) in (2, 3):
            found = pycountry.countries.get(alpha_3=raw) if len(raw) == 3 else pycountry.countries.get(alpha_2=raw)
            if found is not None:
                return str(found.alpha_3)
        owners = self._keys.get(_key(raw), set())
        return next(iter(owners)) if len(owners) == 1 else None

    def is_demonym(self, text: str) -> bool:
        """True for a word for a country's people or government ("Chilean"), not for the country's name."""
        return text in self._demonyms

    def is_seat(self, text: str) -> bool:
        """True for a capital or seat used as a metonym ("Moscow"): also a city, and part of some people's names."""
        return text in self._seats

    def name(self, code: str) -> str:
        country = pycountry.countries.get(alpha_3=code)
        return str(country.name) if country is not None else code

    def terms(self, code: str) -> tuple[str, ...]:
        """What `find` looks for in a text for the country `code`."""
        return tuple(self._terms.get(code, ()))

    def all_terms(self) -> tuple[str, ...]:
        """Every term `find` looks for, of every country."""
        return tuple(term for terms in self._terms.values() for term in terms)

    @cached_property
    def _finder(self) -> tuple[re.Pattern[str], dict[str, str]]:
        owner: dict[str, str] = {}
        ambiguous: set[str] = set()
        for code, terms in self._terms.items():
            for term in terms:
                norm = term.replace("’", "'")
                if owner.get(norm, code) != code:
                    ambiguous.add(norm)
                owner[norm] = code
        for term in ambiguous:
            del owner[term]
        owners = {_key(term): code for term, code in owner.items()}
        for term in self._not_countries:
            owners.pop(_key(term), None)
        return term_pattern([*owner, *self._not_countries]), owners

    def find(self, text: str) -> list[str]:
        """Codes of the countries `text` mentions, in order of first mention."""
        pattern, owners = self._finder
        found: list[str] = []
        for match in pattern.finditer(text.replace("’", "'")):
            code = owners.get(_key(match.group(0)))
            if code is not None and code not in found:
                found.append(code)
        return found


def load_countries(path: Path | str | None = None) -> CountryTable:
    """Read a countries file (default: the packaged ``extractor/data/countries.yaml``)."""
    source = DEFAULT_COUNTRIES_PATH if path is None else Path(path)
    data = load_yaml_model(source, _CountriesFile, "the countries file", header="countries.yaml")
    return CountryTable(data, str(source))


@lru_cache(maxsize=1)
def default_countries() -> CountryTable:
    """The packaged countries, loaded once."""
    return load_countries()
