"""Actor matching and title checks, on names and titles as the corpus writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.normalize.actors import (
    DEFAULT_ACTORS_PATH,
    TITLE_FLAG_CODE,
    ActorIndex,
    check_title,
    load_actors,
    normalize_name,
    office_roles,
)

CORPUS = Path(__file__).parents[2] / "corpus"


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return load_actors()


def corpus_text(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the packaged data


def test_packaged_data_covers_the_required_actors(index: ActorIndex) -> None:
    names = {actor.name for actor in index.actors}
    required = {
        "Mike Pompeo", "Antony Blinken", "Marco Rubio", "Jim Mattis", "Mark Esper", "Lloyd Austin", "Pete Hegseth",
        "Wang Yi", "Qin Gang", "Wei Fenghe", "Li Shangfu", "Dong Jun", "Donald Trump", "Joe Biden", "Xi Jinping",
        "Jake Sullivan", "Janet Yellen", "Gina Raimondo", "John Kerry", "Xie Feng", "Wang Xiaohong",
        "Daniel Kritenbrink", "Tommy Pigott", "Vladimir Putin", "Fumio Kishida", "Rajnath Singh",
        "United States Department of State", "Ministry of Foreign Affairs of the People's Republic of China",
        "White House", "United States Department of Defense",
    }  # fmt: skip
    assert required <= names


def test_packaged_aliases_are_unambiguous(index: ActorIndex) -> None:
    assert index.ambiguous_aliases() == {}


# ---------------------------------------------------------------- matching


def test_misspelling_brinken_is_antony_blinken(index: ActorIndex) -> None:
    # corpus/001: "Previously, Brinken met with Wang Yi during his visit to China". The misspelling is no
    # alias (nothing in the data is fitted to a seed article): the fuzzy matcher finds it and says so.
    assert "Brinken met with Wang Yi" in corpus_text("001")
    ref = index.match("Brinken")
    assert ref.name_as_written == "Brinken"
    assert (ref.canonical_name, ref.country, ref.match) == ("Antony Blinken", "USA", "fuzzy")


@pytest.mark.parametrize(
    "written",
    ["Blinken", "Antony Blinken", "Secretary Blinken", "U.S. Secretary of State Antony Blinken", "Mr. Blinken",
     "Blinken’s", "ANTONY  BLINKEN", "Antony Blinken, US Secretary of State"],
)  # fmt: skip
def test_forms_of_blinken_match_exactly(index: ActorIndex, written: str) -> None:
    ref = index.match(written)
    assert (ref.canonical_name, ref.match) == ("Antony Blinken", "exact")
    assert ref.name_as_written == written


def test_unlisted_misspellings_match_fuzzily(index: ActorIndex) -> None:
    assert (index.match("Blinkin").canonical_name, index.match("Blinkin").match) == ("Antony Blinken", "fuzzy")
    assert index.match("Antony Blenken").canonical_name == "Antony Blinken"
    assert index.match("Wang Xiaohon").canonical_name == "Wang Xiaohong"


@pytest.mark.parametrize(
    ("written", "canonical", "qid"),
    [("Hegseth", "Pete Hegseth", "Q7172014"), ("US Defense Secretary Hegseth", "Pete Hegseth", "Q7172014"),
     ("Rubio", "Marco Rubio", "Q324546"), ("Rubio’s", "Marco Rubio", "Q324546"),
     ("President Xi Jinping", "Xi Jinping", "Q15031"), ("Trump", "Donald Trump", "Q22686")],
)  # fmt: skip
def test_surnames_and_titled_names_carry_the_qid(index: ActorIndex, written: str, canonical: str, qid: str) -> None:
    ref = index.match(written)
    assert (ref.canonical_name, ref.actor_id, ref.match) == (canonical, qid, "exact")


def test_wang_xiaohong_is_not_wang_yi(index: ActorIndex) -> None:
    # corpus/004: "He is also meeting China's minister of public security, Wang Xiaohong."
    xiaohong, yi = index.match("Wang Xiaohong"), index.match("Wang Yi")
    assert (xiaohong.canonical_name, xiaohong.match) == ("Wang Xiaohong", "exact")
    assert (yi.canonical_name, yi.match) == ("Wang Yi", "exact")
    # one letter off in a two-letter given name is another person, not a typo
    assert index.match("Wang Yu").match == "none"


def test_bare_wang_is_ambiguous_without_context(index: ActorIndex) -> None:
    ref = index.match("Wang")
    assert (ref.canonical_name, ref.actor_id, ref.match) == (None, None, "none")


def test_bare_wang_resolves_from_article_context(index: ActorIndex) -> None:
    # corpus/003 names only Wang Yi, then writes "Wang told reporters"
    ref = index.match("Wang", context=["Antony Blinken", "Wang Yi", "Joe Biden"])
    assert (ref.canonical_name, ref.match) == ("Wang Yi", "fuzzy")
    # corpus/004 names both Wang Yi and Wang Xiaohong: the bare surname stays unresolved
    assert index.match("Wang", context=["Wang Yi", "Wang Xiaohong"]).match == "none"


def test_ambiguous_surnames_are_not_guessed(index: ActorIndex) -> None:
    # corpus/001 (a page of several stories): "Austin met with Indian Defense Minister Singh";
    # and "Sullivan" could be Jake or John J. Sullivan
    assert index.match("Defense Minister Singh").match == "none"
    assert index.match("Sullivan").match == "none"
    assert index.match("Rajnath Singh").canonical_name == "Rajnath Singh"


@pytest.mark.parametrize("written", ["Mark Zuckerberg", "Sun Yun", "Ge Laiyi", "Daniel Russel", "Secretary of State"])
def test_unknown_names_match_none(index: ActorIndex, written: str) -> None:
    ref = index.match(written)
    assert ref.model_dump() == {
        "name_as_written": written, "canonical_name": None, "actor_id": None, "country": None, "match": "none"
    }  # fmt: skip


def test_garbled_wei_feng_is_a_fuzzy_wei_fenghe_not_xie_feng(index: ActorIndex) -> None:
    # corpus/000 (September 2025): "Chinese Minister of National Defense Wei Feng"
    assert "Minister of National Defense Wei Feng " in corpus_text("000")
    ref = index.match("Wei Feng")
    assert (ref.canonical_name, ref.match) == ("Wei Fenghe", "fuzzy")
    assert index.match("Xie Feng").canonical_name == "Xie Feng"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("US State Department", "United States Department of State"),
     ("Chinese Foreign Ministry’s", "Ministry of Foreign Affairs of the People's Republic of China"),
     ("the Pentagon", "United States Department of Defense"), ("White House", "White House")],
)  # fmt: skip
def test_institutions(index: ActorIndex, written: str, canonical: str) -> None:
    ref = index.match(written)
    assert (ref.canonical_name, ref.match) == (canonical, "exact")


def test_normalize_name() -> None:
    assert normalize_name("  Blinken’s ") == "blinken"
    assert normalize_name("U.S. Secretary") == "us secretary"
    assert normalize_name("Wang Xiao-hong") == "wang xiaohong"


# ---------------------------------------------------------------- offices


def test_wang_yi_offices_follow_the_2022_2023_reshuffle(index: ActorIndex) -> None:
    def titles(day: dt.date) -> set[str]:
        return {office.title for office in index.office_on("Wang Yi", day)}

    assert "Minister of Foreign Affairs" in titles(dt.date(2022, 7, 9))
    between = titles(dt.date(2023, 7, 13))
    assert "Minister of Foreign Affairs" not in between
    assert "Director of the Office of the Central Foreign Affairs Commission" in between
    assert "Minister of Foreign Affairs" in titles(dt.date(2023, 10, 27))
    assert "Minister of Foreign Affairs" in {o.title for o in index.office_on("Qin Gang", dt.date(2023, 3, 1))}


def test_office_on_accepts_qid_and_unknown(index: ActorIndex) -> None:
    assert "Secretary of State" in {office.title for office in index.office_on("Q324546", dt.date(2025, 9, 10))}
    assert index.office_on("Mark Zuckerberg", dt.date(2023, 7, 10)) == []


def test_office_roles_classify_equivalent_titles() -> None:
    assert office_roles("U.S. Secretary of State") == office_roles("Chinese Foreign Minister") == {"foreign minister"}
    assert office_roles("Minister of National Defense") == office_roles("Secretary of War") == {"defence minister"}
    assert office_roles("Assistant Secretary of State for East Asian and Pacific Affairs") == frozenset()


# ---------------------------------------------------------------- office years (dating pages without a date)


def test_office_years_of_blinken_as_secretary_of_state(index: ActorIndex) -> None:
    years = index.office_years([index.match("Blinken")], ["Secretary of State"])
    assert years == range(2021, 2026)  # 2021-01-26 .. 2025-01-20, inclusive


def test_office_years_intersect_rubio_and_wang_yi(index: ActorIndex) -> None:
    refs = [index.match("Marco Rubio"), index.match("Wang Yi")]
    assert index.office_years([refs[1]], ["Foreign Minister"]) == range(2013, 2027)
    # corpus/000: Rubio's open term ends at the data horizon, 2026.
    assert index.office_years(refs, ["US Secretary of State", "Chinese Foreign Minister"]) == range(2025, 2027)


def test_office_years_of_003_blinken_and_wang_yi(index: ActorIndex) -> None:
    refs = [index.match("Antony Blinken"), index.match("Wang Yi"), index.match("Daniel Russel")]
    titles = ["US Secretary of State", "Chinese Foreign Minister", "top US diplomat"]
    assert index.office_years(refs, titles) == range(2021, 2026)  # the unmatched Russel adds nothing


def test_office_years_without_an_office_title_use_all_offices(index: ActorIndex) -> None:
    blinken = index.match("Blinken")
    assert index.office_years([blinken], ["top US diplomat"]) == range(2013, 2026)
    assert index.office_years([blinken], [None]) == range(2013, 2026)


def test_office_years_former_title_runs_to_the_horizon(index: ActorIndex) -> None:
    assert index.office_years([index.match("John Kerry")], ["former Secretary of State"]) == range(2013, 2027)


def test_office_years_without_constraint_is_none(index: ActorIndex) -> None:
    assert index.office_years([], []) is None
    assert index.office_years([index.match("Mark Zuckerberg")], ["Secretary of State"]) is None
    assert index.office_years([index.match("Blinken")], ["Secretary of Defense"]) is None  # never held
    assert index.office_years([index.match("Blinken")], ["Chinese Foreign Minister"]) is None  # other country
    kerry_and_rubio = [index.match("John Kerry"), index.match("Marco Rubio")]
    assert index.office_years(kerry_and_rubio, ["Secretary of State"] * 2) is None  # terms share no year


def test_office_years_needs_one_title_per_participant(index: ActorIndex) -> None:
    with pytest.raises(ValueError):
        index.office_years([index.match("Blinken")], [])


# ---------------------------------------------------------------- title checks


@pytest.mark.parametrize(
    ("written", "title", "day"),
    [("Antony Blinken", "Secretary of Defense", dt.date(2023, 7, 13)),
     ("Wei Fenghe", "defence minister", dt.date(2025, 9, 9)),
     ("Wei Feng", "Chinese Minister of National Defense", dt.date(2025, 9, 9)),  # corpus/000
     ("Wang Yi", "Chinese Foreign Minister", dt.date(2023, 7, 13)),  # Qin Gang held it until 25 July
     ("Antony Blinken", "Chinese Foreign Minister", dt.date(2023, 10, 27)),
     ("John Kerry", "Secretary of State", dt.date(2023, 7, 16)),
     ("Dong Jun", "Defense Minister", dt.date(2023, 11, 20))],
)  # fmt: skip
def test_title_contradicting_office_is_flagged(index: ActorIndex, written: str, title: str, day: dt.date) -> None:
    ref = index.match(written)
    flag = index.check_title(ref, title, day)
    assert flag is not None
    assert flag.code == TITLE_FLAG_CODE == "title_contradicts_office"
    assert ref.canonical_name is not None
    assert title in flag.reason and ref.canonical_name in flag.reason and "\n" not in flag.reason


@pytest.mark.parametrize(
    ("written", "title", "day"),
    [("Antony Blinken", "Secretary of State", dt.date(2023, 7, 13)),
     ("Wang Yi", "Director of the Central Foreign Affairs Office", dt.date(2023, 7, 13)),  # corpus/001
     ("Wang Yi", "Chinese Foreign Minister", dt.date(2023, 10, 27)),  # corpus/002
     ("Marco Rubio", "US Secretary of State", dt.date(2025, 9, 10)),  # corpus/000
     ("Pete Hegseth", "US Secretary of Defense", dt.date(2025, 9, 9)),
     ("Austin", "US Defense Minister", dt.date(2023, 6, 5)),  # corpus "US Defense Minister Visits India"
     ("John Kerry", "former Secretary of State", dt.date(2023, 7, 16)),
     ("Daniel Kritenbrink", "Assistant Secretary of State", dt.date(2022, 7, 5)),
     ("Donald Trump", "President", dt.date(2023, 11, 15)),  # honorific
     ("Antony Blinken", "top US diplomat", dt.date(2022, 7, 9))],  # names no office class
)  # fmt: skip
def test_consistent_or_unjudged_titles_are_not_flagged(
    index: ActorIndex, written: str, title: str, day: dt.date
) -> None:
    ref = index.match(written)
    assert ref.match != "none"
    assert index.check_title(ref, title, day) is None


def test_check_title_without_date_title_or_actor_is_none(index: ActorIndex) -> None:
    blinken = index.match("Blinken")
    assert index.check_title(blinken, "Secretary of Defense", None) is None
    assert index.check_title(blinken, None, dt.date(2023, 7, 13)) is None
    unknown = index.match("Mark Zuckerberg")
    assert index.check_title(unknown, "Secretary of Defense", dt.date(2023, 7, 13)) is None


def test_module_level_check_title_uses_packaged_data() -> None:
    flag = check_title(load_actors().match("Blinken"), "Secretary of Defense", dt.date(2023, 7, 13))
    assert flag is not None and flag.code == TITLE_FLAG_CODE


# ---------------------------------------------------------------- loading


def test_default_path_is_packaged_yaml() -> None:
    assert DEFAULT_ACTORS_PATH.name == "actors.yaml" and DEFAULT_ACTORS_PATH.is_file()


def test_user_file_extends_actors(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(
        "actors:\n"
        "  - {id: null, name: Kurt Campbell, kind: person, country: USA, aliases: [Campbell],\n"
        "     offices: [{title: Deputy Secretary of State, start: 2024-02-12, end: 2025-01-20}]}\n",
        encoding="utf-8",
    )
    index = load_actors(path)
    assert index.match("Deputy Secretary Campbell").canonical_name == "Kurt Campbell"
    assert index.match("Blinken").match == "none"


def test_bad_yaml_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("actors:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_actors(path)
    message = str(caught.value)
    assert str(path) in message and "invalid YAML" in message and "\n" not in message


def test_invalid_entry_names_the_field_and_actor(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  - {name: Somebody, kind: person, country: usa}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_actors(path)
    message = str(caught.value)
    assert "actors[0].country (Somebody)" in message and "\n" not in message


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read actors file"):
        load_actors(tmp_path / "nope.yaml")
