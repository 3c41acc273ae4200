"""Canonical actors: resolve names as written to people and institutions, and
check written titles against the offices they held.

Data: ``extractor/data/actors.yaml`` (format in its header), or any file passed
to `load_actors`. Everything here is pure and deterministic.

Matching (`ActorIndex.match`) tries, in order:

1. ``exact``: the normalised name (case, accents, punctuation, possessive "'s"
   ignored) equals a canonical name or alias. The name is tried as written, then
   without a leading country word ("French Foreign Ministry"), then without any
   leading titles ("Secretary", "Mr.", "Indian Foreign Minister") or trailing
   "Jr."/"III", then the part before a comma or parenthesis.
2. ``fuzzy``: `rapidfuzz.fuzz.ratio` of at least `FUZZY_THRESHOLD` against an
   alias with the same number of words, where every word pair is close too
   (`TOKEN_THRESHOLD`) and words of `SHORT_TOKEN` letters or fewer must be
   equal. This keeps "Li Ming" from matching "Li Mingyu" or "Li Min" while a
   one-letter slip ("Okonkwa" for "Okonkwo") or a clipped last word ("Ana
   Kowal" for "Ana Kowalska") still finds the closest actor. When two
   actors score within `AMBIGUITY_MARGIN` of each other, nothing matches.
3. ``context``: a bare word that is no alias ("Li") matches only when exactly
   one actor named in ``context`` (other names written in the same article) has
   it as a name word; reported as ``fuzzy``. Without context it matches nothing:
   a surname alone resolves only when the data makes it unambiguous.

An alias that the data gives to two actors is ambiguous: it matches neither.

`check_title` flags ``title_contradicts_office`` when a written title names an
office class (foreign minister / secretary of state, defence minister /
secretary, president, prime minister, ...: the classes and their patterns are
data, ``extractor/data/titles.yaml``) that the actor did not hold on that day,
or names another country.
Deputy, vice, assistant, spokesperson, envoy, ambassador, nominee and
"-designate"/"-elect" titles are never judged; "former" titles (and a bare
"President", an honorific former presidents keep) are judged against all
offices held up to that day. Bare honorifics like "Secretary" name no office.

`ActorIndex.office_years` turns the same titles into the years a meeting can
fall in (the terms all participants share), for dating pages without a date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz, process

from extractor.errors import InputError
from extractor.normalize.titles import default_title_rules
from schemas.records import ActorRef, Flag, FlagCode

__all__ = [
    "AMBIGUITY_MARGIN",
    "DEFAULT_ACTORS_PATH",
    "FUZZY_THRESHOLD",
    "SHORT_TOKEN",
    "TITLE_FLAG_CODE",
    "TOKEN_THRESHOLD",
    "Actor",
    "ActorIndex",
    "Office",
    "check_title",
    "default_index",
    "load_actors",
    "normalize_name",
    "office_roles",
]

DEFAULT_ACTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "actors.yaml"

FUZZY_THRESHOLD = 85.0
"""Minimum `fuzz.ratio` (0-100) of the whole name against an alias. 85 admits one
wrong letter in a 7-letter surname ("Okonkwa"/"Okonkwo" = 85.7) and rejects one
in a 5-letter one ("Sousa"/"Souza" = 80): short names must be spelt right."""

TOKEN_THRESHOLD = 75.0
"""Minimum `fuzz.ratio` of each word against the alias word in the same place."""

SHORT_TOKEN = 3
"""Words this short ("Yi", "Xi", "Jun") must match exactly: one letter is another name."""

AMBIGUITY_MARGIN = 5.0
"""Two actors whose best fuzzy scores are closer than this: no match."""

TITLE_FLAG_CODE = FlagCode.title_contradicts_office

MatchKind = Literal["exact", "fuzzy", "none"]


# ---------------------------------------------------------------- data model


class Office(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    start: dt.date
    end: dt.date | None = Field(default=None, description="Last day in office (inclusive); None: still in office.")

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Office:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def held_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, pattern=r"^Q[1-9][0-9]*$", description="Wikidata QID.")
    name: str = Field(min_length=1)
    kind: Literal["person", "institution"]
    country: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3.")
    aliases: tuple[str, ...] = ()
    offices: tuple[Office, ...] = ()


class _ActorsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actors: list[Actor]


# ---------------------------------------------------------------- normalisation

_POSSESSIVE = re.compile(r"['’‘`´]s\b")
_JOINERS = re.compile(r"['’‘`´.\u00ad\u2010-]")
_NON_WORD = re.compile(r"[\W_]+")



def normalize_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free, single-spaced: "Doe’s" → "doe", "U.S." → "us"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _JOINERS.sub("", _POSSESSIVE.sub("", plain))
    return " ".join(_NON_WORD.sub(" ", plain).split())


def _strip_leading(key: str, drop: frozenset[str]) -> str:
    tokens = key.split()
    while tokens and tokens[0] in drop:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in default_title_rules().suffix_tokens:
        tokens.pop()
    return " ".join(tokens)


@lru_cache(maxsize=8192)
def _candidates(name: str) -> tuple[str, ...]:
    """Lookup keys for a name as written, most literal first (memoised: every record resolves its names)."""
    full = normalize_name(name)
    rules = default_title_rules()
    keys = [full, _strip_leading(full, rules.country_tokens), _strip_leading(full, rules.title_tokens)]
    head = re.split(r"[,(;]", name, maxsplit=1)[0]
    if head != name:
        keys.append(_strip_leading(normalize_name(head), rules.title_tokens))
    return tuple(dict.fromkeys(key for key in keys if key))


def _token_close(left: str, right: str) -> bool:
    if left == right:
        return True
    if min(len(left), len(right)) <= SHORT_TOKEN:
        return False
    return fuzz.ratio(left, right) >= TOKEN_THRESHOLD


def _tokens_compatible(query: str, alias: str) -> bool:
    """Same number of words and each word close to its counterpart (guards "Li Ming" vs "Li Mingyu")."""
    left, right = query.split(), alias.split()
    return len(left) == len(right) and all(_token_close(a, b) for a, b in zip(left, right, strict=True))


# ---------------------------------------------------------------- titles and offices

def _title_text(title: str) -> str:
    return normalize_name(re.sub(r"[-‐–—]", " ", title))


def office_roles(title: str) -> frozenset[str]:
    """Office classes a title names ("UK Foreign Secretary" → {"foreign minister"}); empty when unsure."""
    text = _title_text(title)
    rules = default_title_rules()
    if not text or rules.qualifier.search(text):
        return frozenset()
    roles = {role for role, pattern in rules.roles.items() if pattern.search(text)}
    if rules.presidency.fullmatch(text):
        roles.add("head of state")
    return frozenset(roles)


def _title_country(text: str) -> str | None:
    found = {code for word, code in default_title_rules().country_words.items() if re.search(rf"\b{word}\b", text)}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class _TitleClaim:
    roles: frozenset[str]
    country: str | None
    former: bool


def _parse_title(title: str) -> _TitleClaim | None:
    roles = office_roles(title)
    if not roles:
        return None
    text = _title_text(title)
    # A bare "President" is also the honorific former presidents keep: judge it as "former".
    former = bool(default_title_rules().former.search(text)) or text == "president"
    return _TitleClaim(roles=roles, country=_title_country(text), former=former)


def _contradiction(actor: Actor, claim: _TitleClaim, on: dt.date) -> str | None:
    """Why the claimed title cannot be right for `actor` on `on`, or None."""
    if claim.country is not None and claim.country != actor.country:
        return f"it names a {claim.country} office but {actor.name} is listed under {actor.country}"
    if claim.former:
        relevant = [office for office in actor.offices if office.start <= on]
    else:
        relevant = [office for office in actor.offices if office.held_on(on)]
    held = frozenset().union(*(office_roles(office.title) for office in relevant))
    missing = sorted(claim.roles - held)
    if not missing:
        return None
    when = f"up to {on.isoformat()}" if claim.former else f"on {on.isoformat()}"
    listed = "; ".join(office.title for office in relevant) or "no listed office"
    return f"it names the office of {', '.join(missing)}, but {actor.name} held {listed} {when}"


# ---------------------------------------------------------------- the index


class ActorIndex:
    """Actors by name, alias and QID. Build with `load_actors`."""

    def __init__(self, actors: Sequence[Actor], source: str = "<memory>") -> None:
        self.actors: tuple[Actor, ...] = tuple(actors)
        self.source = source
        self._by_name: dict[str, Actor] = {}
        self._by_id: dict[str, Actor] = {}
        aliases: dict[str, set[str]] = {}
        for actor in self.actors:
            self._register(actor)
            for alias in (actor.name, *actor.aliases):
                key = normalize_name(alias)
                if key:
                    aliases.setdefault(key, set()).add(actor.name)
        self._aliases: dict[str, frozenset[str]] = {key: frozenset(names) for key, names in aliases.items()}
        self._alias_keys: list[str] = sorted(self._aliases)
        self._memoise()

    def fingerprint(self) -> str:
        """A hash of the actors this index was built from (not of its memo tables)."""
        rows = json.dumps([actor.model_dump(mode="json") for actor in self.actors], sort_keys=True)
        return hashlib.sha256(rows.encode("utf-8")).hexdigest()

    def _memoise(self) -> None:
        # Pure functions of the index, asked about the same names again and again: memoised per index.
        self._fuzzy_one = lru_cache(maxsize=8192)(self._fuzzy_one_uncached)
        self._match_alone = lru_cache(maxsize=8192)(self._match_uncached)

    def __getstate__(self) -> dict[str, object]:
        # The memo tables are bound methods wrapped per instance: not picklable (Ray ships the plan to its actors).
        return {k: v for k, v in self.__dict__.items() if k not in ("_fuzzy_one", "_match_alone")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._memoise()

    def _register(self, actor: Actor) -> None:
        if actor.name in self._by_name:
            raise InputError(f"{self.source}: actor {actor.name!r} is listed twice; merge the two entries")
        if actor.id is not None and actor.id in self._by_id:
            other = self._by_id[actor.id].name
            raise InputError(f"{self.source}: {actor.id} is used by {other!r} and {actor.name!r}; fix one of them")
        self._by_name[actor.name] = actor
        if actor.id is not None:
            self._by_id[actor.id] = actor

    def person_names(self) -> list[str]:
        """Canonical names of every person, e.g. for headline checks."""
        return [actor.name for actor in self.actors if actor.kind == "person"]

    def ambiguous_aliases(self) -> dict[str, frozenset[str]]:
        """Normalised aliases shared by several actors (these match none of them)."""
        return {key: names for key, names in self._aliases.items() if len(names) > 1}

    # ------------------------------------------------------------ matching

    def match(self, name_as_written: str, *, context: Iterable[str] = ()) -> ActorRef:
        """Resolve a name as written; ``match="none"`` when unknown or ambiguous."""
        context = tuple(context)
        if not context:
            return self._match_alone(name_as_written).model_copy()  # a copy: the caller owns its record
        return self._match_uncached(name_as_written, context)

    def _match_uncached(self, name_as_written: str, context: tuple[str, ...] = ()) -> ActorRef:
        keys = _candidates(name_as_written)
        owners = self._exact(keys)
        if owners is not None and len(owners) == 1:
            return self._ref(name_as_written, next(iter(owners)), "exact")
        if owners is None:
            fuzzy = self._fuzzy(keys)
            if fuzzy is not None:
                return self._ref(name_as_written, fuzzy, "fuzzy")
        from_context = self._from_context(keys[-1], context, owners) if keys else None
        if from_context is not None:
            return self._ref(name_as_written, from_context, "fuzzy")
        return ActorRef(name_as_written=name_as_written)

    def _ref(self, written: str, canonical: str, kind: MatchKind) -> ActorRef:
        actor = self._by_name[canonical]
        return ActorRef(
            name_as_written=written, canonical_name=actor.name, actor_id=actor.id, country=actor.country, match=kind
        )

    def _exact(self, keys: Sequence[str]) -> frozenset[str] | None:
        """Owners of the first key that is an alias (several owners: ambiguous); None when no key is."""
        for key in keys:
            if key in self._aliases:
                return self._aliases[key]
        return None

    def _fuzzy(self, keys: Sequence[str]) -> str | None:
        for key in keys:
            found = self._fuzzy_one(key)
            if found is not None:
                return found
        return None

    def _fuzzy_one_uncached(self, key: str) -> str | None:
        hits = process.extract(key, self._alias_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None)
        best: dict[str, float] = {}
        for alias, score, _ in hits:
            if not _tokens_compatible(key, alias):
                continue
            for owner in self._aliases[alias]:
                best[owner] = max(score, best.get(owner, 0.0))
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < AMBIGUITY_MARGIN):
            return None
        return ranked[0][0]

    def _from_context(self, key: str, context: Iterable[str], among: frozenset[str] | None) -> str | None:
        """The one person named in `context` of whose name `key` (a single word) is part."""
        if " " in key:
            return None
        found: set[str] = set()
        for written in context:
            ref = self.match(written)
            if ref.canonical_name is None:
                continue
            actor = self._by_name[ref.canonical_name]
            if actor.kind == "person" and key in normalize_name(actor.name).split():
                found.add(actor.name)
        if among is not None:
            found &= among
        return found.pop() if len(found) == 1 else None

    # ------------------------------------------------------------ offices

    def get(self, actor_id_or_name: str) -> Actor | None:
        """An actor by QID, canonical name, or any name `match` resolves."""
        if actor_id_or_name in self._by_id:
            return self._by_id[actor_id_or_name]
        if actor_id_or_name in self._by_name:
            return self._by_name[actor_id_or_name]
        ref = self.match(actor_id_or_name)
        return self._by_name[ref.canonical_name] if ref.canonical_name is not None else None

    def office_on(self, actor_id_or_name: str, on: dt.date) -> list[Office]:
        """Offices held on `on` (inclusive at both ends); [] for unknown actors."""
        actor = self.get(actor_id_or_name)
        return [] if actor is None else [office for office in actor.offices if office.held_on(on)]

    def office_years(self, refs: Iterable[ActorRef], titles: Iterable[str | None]) -> range | None:
        """Years in which every matched participant held the office their written title names.

        `refs` and `titles` are paired in order (participant i was written with title i, None when
        none); iterables of different lengths are a ``ValueError``. For each participant matched to an
        actor with listed offices:

        * a title naming an office class (`office_roles`, e.g. "UK Foreign Secretary") gives the
          years of that person's offices of that class, start year to end year, inclusive;
          a "former" title (or a bare "President", see `check_title`) gives the first such start
          year onwards;
        * a title naming no office class (None, "top diplomat", deputy or envoy titles) gives
          the years of all that person's offices;
        * a title naming another country's office, or an office class the person never held (both
          flagged by `check_title`), and unmatched people give no constraint.

        An open term (``end: null``) runs up to 2026, the data horizon: the year of the actors
        file's last review (see its header). It is a constant, not today's date, so the result does
        not depend on the clock; raise it when the data is reviewed again.

        Returns the range covering the years all constrained participants share (a gap between two
        terms of one person inside it is covered too: a range cannot skip years), e.g.
        ``range(2021, 2026)`` for a "Foreign Minister" in that office from 2021 to 2025. None when nobody constrains the
        years, or when the constraints share no year (they contradict each other; no constraint is
        safer than an impossible one).
        """
        horizon = 2026  # data horizon: year of the last review of the actors data, see the docstring
        common: set[int] | None = None
        for ref, title in zip(refs, titles, strict=True):
            actor = self._actor_for(ref)
            claim = _parse_title(title) if title else None
            if actor is None or (claim is not None and claim.country not in (None, actor.country)):
                continue
            offices = [o for o in actor.offices if claim is None or office_roles(o.title) & claim.roles]
            former = claim is not None and claim.former
            held: set[int] = set()
            for office in offices:
                last = horizon if former or office.end is None else office.end.year
                held.update(range(office.start.year, last + 1))
            if held:
                common = held if common is None else common & held
        if not common:
            return None
        return range(min(common), max(common) + 1)

    def _actor_for(self, ref: ActorRef) -> Actor | None:
        if ref.match == "none":
            return None
        if ref.actor_id is not None and ref.actor_id in self._by_id:
            return self._by_id[ref.actor_id]
        return self._by_name.get(ref.canonical_name or "")

    def check_title(self, ref: ActorRef, title_as_written: str | None, on: dt.date | None) -> Flag | None:
        """``title_contradicts_office`` when the title names an office `ref` did not hold on `on`; else None."""
        if not title_as_written or on is None:
            return None
        actor = self._actor_for(ref)
        claim = _parse_title(title_as_written)
        if actor is None or not actor.offices or claim is None:
            return None
        problem = _contradiction(actor, claim, on)
        if problem is None:
            return None
        return Flag(code=TITLE_FLAG_CODE, reason=f"Title {title_as_written!r} for {ref.name_as_written!r}: {problem}.")


# ---------------------------------------------------------------- loading


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        reason = _one_line(exc.strerror or type(exc).__name__)
        raise InputError(f"{path}: cannot read actors file ({reason}); pass the path of an existing YAML file") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = _one_line(str(getattr(exc, "problem", None) or exc))
        raise InputError(f"{where}: invalid YAML ({problem}); fix the indentation/quoting there") from exc


def _validation_message(path: Path, raw: Any, exc: ValidationError) -> str:
    error = exc.errors()[0]
    loc = error["loc"]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".") or "top level"
    if len(loc) > 1 and loc[0] == "actors" and isinstance(loc[1], int):
        entry = raw["actors"][loc[1]]
        if isinstance(entry, dict) and "name" in entry:
            where += f" ({entry['name']})"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{path}: {where}: {_one_line(error['msg'])}{more}; fix the entry (format: see the header of {path.name})"


def load_actors(path: Path | None = None) -> ActorIndex:
    """Load an actors file (default: the packaged ``extractor/data/actors.yaml``)."""
    source = DEFAULT_ACTORS_PATH if path is None else Path(path)
    raw = _read_yaml(source)
    if not isinstance(raw, dict):
        raise InputError(f"{source}: expected a mapping with an 'actors:' list at the top; see the packaged file")
    try:
        parsed = _ActorsFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_validation_message(source, raw, exc)) from exc
    return ActorIndex(parsed.actors, source=str(source))


@lru_cache(maxsize=1)
def default_index() -> ActorIndex:
    """The packaged actors, loaded once."""
    return load_actors()


def check_title(
    ref: ActorRef, title_as_written: str | None, on: dt.date | None, index: ActorIndex | None = None
) -> Flag | None:
    """`ActorIndex.check_title` on `index` (default: the packaged actors)."""
    return (index if index is not None else default_index()).check_title(ref, title_as_written, on)
