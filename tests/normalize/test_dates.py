from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractor.normalize.actors import load_actors
from extractor.normalize.dates import parse_publication_date, resolve_meeting_date
from schemas.extraction import DatePrecision
from schemas.records import Flag

CORPUS = Path(__file__).parents[2] / "corpus"


def body(prefix: str) -> str:
    """Body (title line dropped) of the corpus file starting with `prefix`."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").partition("\n")[2]


def codes(flags: list[Flag]) -> list[str]:
    return [flag.code for flag in flags]


# --------------------------------------------------------------------------- 001: page date contradicted by the text


@pytest.mark.parametrize("model_iso", [None, "2024-04-14", "2024-04-13"])
def test_001_on_the_13th_is_not_stamped_with_the_page_month(model_iso: str | None) -> None:
    resolved, flags = resolve_meeting_date("On the 13th local time", model_iso, dt.date(2024, 4, 14), body("001"))
    assert resolved.iso != "2024-04-13"
    assert resolved.iso == "2023-07-13"
    assert resolved.method == "context_anchor"
    assert resolved.confidence == "low"
    assert "date_contradicts_page_date" in codes(flags)
    assert ("date_model_disagrees" in codes(flags)) == (model_iso is not None)


def test_001_contradiction_reason_names_the_anchor() -> None:
    _, flags = resolve_meeting_date("on the 13th", None, dt.date(2024, 4, 14), body("001"))
    (flag,) = [f for f in flags if f.code == "date_contradicts_page_date"]
    assert "June 18 to 19" in flag.reason
    assert "2024-04-13" in flag.reason


def test_001_without_page_date_a_consistent_model_guess_is_kept() -> None:
    resolved, flags = resolve_meeting_date("on the 13th", "2023-07-13", None, body("001"))
    assert resolved.iso == "2023-07-13"
    assert resolved.method == "model_only"
    assert flags == []


def test_001_without_page_date_a_copied_page_date_is_rejected() -> None:
    resolved, flags = resolve_meeting_date("on the 13th", "2024-04-13", None, body("001"))
    assert resolved.iso is None
    assert {"date_contradicts_page_date", "date_unresolved"} <= set(codes(flags))


def test_anchor_without_inferable_year_leaves_date_unresolved() -> None:
    context = "Release time:Apr 14, 2024\n\nThey met on June 18. Less than a month later they met again."
    resolved, flags = resolve_meeting_date("on the 13th", "2024-04-13", None, context)
    assert resolved.iso is None
    assert resolved.precision is DatePrecision.unknown
    assert resolved.confidence == "low"
    assert "date_contradicts_page_date" in codes(flags)
    assert "date_unresolved" in codes(flags)


def test_anchor_with_written_year_is_used() -> None:
    context = "They met on June 18, 2022. Less than a month later they met again."
    resolved, flags = resolve_meeting_date("the 13th", None, dt.date(2024, 4, 14), context)
    assert resolved.iso == "2022-07-13"
    assert "date_contradicts_page_date" in codes(flags)


def test_weekday_only_contradicted_by_anchor_is_left_unresolved() -> None:
    context = "They met on June 18. Less than a month later they met again."
    resolved, flags = resolve_meeting_date("on Saturday", None, dt.date(2024, 4, 14), context)
    assert resolved.iso is None
    assert resolved.method == "unresolved_contradiction"
    assert "date_contradicts_page_date" in codes(flags)


def test_consistent_clue_raises_no_flag() -> None:
    context = "They met on June 18. Less than a month later they met again."
    resolved, flags = resolve_meeting_date("on the 13th", None, dt.date(2024, 7, 20), context)
    assert resolved.iso == "2024-07-13"
    assert resolved.method == "day_of_month_relative_to_published"
    assert flags == []


# --------------------------------------------------------------------------- the other seed cases


@pytest.mark.parametrize(("published", "confidence"), [(None, "low"), (dt.date(2023, 10, 28), "high")])
def test_002_friday_oct_27_by_weekday_consistency(published: dt.date | None, confidence: str) -> None:
    resolved, flags = resolve_meeting_date("Friday (Oct 27)", None, published, body("002"))
    assert resolved.iso == "2023-10-27"
    assert resolved.precision is DatePrecision.day
    assert resolved.method == "weekday_consistency"
    assert resolved.confidence == confidence
    assert flags == []


def test_weekday_consistency_ignores_a_page_date_years_off() -> None:
    resolved, _ = resolve_meeting_date("Friday (Oct 27)", None, dt.date(2024, 4, 14), "")
    assert resolved.iso == "2023-10-27"


def test_003_on_saturday_is_the_page_day() -> None:
    resolved, flags = resolve_meeting_date("on Saturday", None, dt.date(2022, 7, 9), body("003"))
    assert resolved.iso == "2022-07-09"
    assert resolved.method == "weekday_relative_to_published"
    assert flags == []


def test_weekday_is_on_or_before_published() -> None:
    resolved, _ = resolve_meeting_date("on Friday", None, dt.date(2024, 4, 28), "")
    assert resolved.iso == "2024-04-26"
    resolved, _ = resolve_meeting_date("last Friday", None, dt.date(2024, 4, 26), "")
    assert resolved.iso == "2024-04-19"


def test_000_september_10th() -> None:
    resolved, flags = resolve_meeting_date("September 10th", None, dt.date(2025, 9, 11), body("000"))
    assert resolved.iso == "2025-09-10"
    assert resolved.method == "month_day_relative_to_published"
    assert flags == []


def test_month_day_is_latest_occurrence_not_after_published() -> None:
    resolved, _ = resolve_meeting_date("September 10th", None, dt.date(2025, 9, 9), "")
    assert resolved.iso == "2024-09-10"


def test_explicit_full_date_wins_over_page_date() -> None:
    resolved, flags = resolve_meeting_date("September 10th, 2025", None, dt.date(2026, 1, 5), "")
    assert resolved.iso == "2025-09-10"
    assert resolved.method == "explicit"
    assert resolved.confidence == "high"
    assert flags == []


def test_explicit_date_with_wrong_weekday_is_flagged() -> None:
    resolved, flags = resolve_meeting_date("Thursday, October 27, 2023", None, None, "")
    assert resolved.iso == "2023-10-27"
    assert codes(flags) == ["date_weekday_mismatch"]
    assert resolved.confidence == "low"


def test_day_of_month_rolls_back_when_in_the_future() -> None:
    resolved, _ = resolve_meeting_date("on the 20th", None, dt.date(2024, 4, 14), "")
    assert resolved.iso == "2024-03-20"
    assert resolved.method == "day_of_month_relative_to_published"


def test_last_month_has_month_precision() -> None:
    resolved, flags = resolve_meeting_date("last month", None, dt.date(2024, 4, 14), "")
    assert resolved.iso == "2024-03"
    assert resolved.precision is DatePrecision.month
    assert flags == []


def test_month_name_only_has_month_precision() -> None:
    resolved, _ = resolve_meeting_date("in July", None, dt.date(2025, 9, 11), "")
    assert resolved.iso == "2025-07"
    assert resolved.precision is DatePrecision.month


# --------------------------------------------------------------------------- unresolved and model cross-checks


@pytest.mark.parametrize(
    ("expression", "published"),
    [(None, dt.date(2024, 4, 14)), ("at the summit", dt.date(2024, 4, 14)), ("on the 13th", None), ("July 9", None)],
)
def test_unresolvable_is_flagged(expression: str | None, published: dt.date | None) -> None:
    resolved, flags = resolve_meeting_date(expression, None, published, "")
    assert resolved.iso is None
    assert resolved.method == "none"
    assert resolved.precision is DatePrecision.unknown
    assert codes(flags) == ["date_unresolved"]


def test_model_guess_disagreeing_is_flagged() -> None:
    resolved, flags = resolve_meeting_date("September 10th", "2025-09-11", dt.date(2025, 9, 11), body("000"))
    assert resolved.iso == "2025-09-10"
    assert codes(flags) == ["date_model_disagrees"]
    assert "2025-09-11" in flags[0].reason


def test_model_guess_at_coarser_precision_agrees() -> None:
    _, flags = resolve_meeting_date("September 10th", "2025-09", dt.date(2025, 9, 11), "")
    assert flags == []


def test_model_guess_is_fallback_only_when_it_fits_the_expression() -> None:
    resolved, flags = resolve_meeting_date("July 9", "2022-07-09", None, body("003"))
    assert (resolved.iso, resolved.method, resolved.confidence) == ("2022-07-09", "model_only", "low")
    assert flags == []
    resolved, flags = resolve_meeting_date("July 9", "2022-07-10", None, body("003"))
    assert resolved.iso is None
    assert set(codes(flags)) == {"date_model_disagrees", "date_unresolved"}


def test_invalid_model_iso_is_flagged() -> None:
    resolved, flags = resolve_meeting_date("yesterday", "13/07/2023", dt.date(2024, 4, 14), "")
    assert resolved.iso == "2024-04-13"
    assert codes(flags) == ["date_model_invalid"]


# --------------------------------------------------------------------------- no page date: years from office terms

BLINKEN_SECSTATE = range(2021, 2026)  # 2021-01-26 .. 2025-01-20
RUBIO_SECSTATE = range(2025, 2027)  # 2025-01-21 .. open (data horizon 2026)


def test_000_september_10th_is_ambiguous_over_rubios_term() -> None:
    resolved, flags = resolve_meeting_date("On September 10th", None, None, body("000"), years=RUBIO_SECSTATE)
    assert resolved.iso is None
    assert resolved.precision is DatePrecision.unknown
    assert resolved.method == "year_ambiguous"
    assert codes(flags) == ["date_year_ambiguous", "date_unresolved"]
    assert "2025, 2026" in flags[0].reason


def test_000_ambiguous_year_does_not_take_the_models_guess() -> None:
    resolved, flags = resolve_meeting_date("On September 10th", "2026-09-10", None, body("000"), years=RUBIO_SECSTATE)
    assert resolved.iso is None
    assert "2026-09-10" in flags[0].reason


def test_000_september_10th_with_a_single_office_year() -> None:
    resolved, flags = resolve_meeting_date("On September 10th", None, None, body("000"), years=range(2025, 2026))
    assert (resolved.iso, resolved.method, resolved.confidence) == ("2025-09-10", "office_term", "medium")
    assert resolved.precision is DatePrecision.day
    assert flags == []


def test_000_in_july_with_a_single_office_year_has_month_precision() -> None:
    resolved, flags = resolve_meeting_date("in July", None, None, body("000"), years=range(2025, 2026))
    assert (resolved.iso, resolved.precision, resolved.method) == ("2025-07", DatePrecision.month, "office_term")
    assert flags == []


def test_003_on_saturday_from_the_yearless_dateline_and_blinkens_term() -> None:
    published, dateline = parse_publication_date(body("003"))
    assert published is None
    resolved, flags = resolve_meeting_date(
        "on Saturday", None, published, body("003"), years=BLINKEN_SECSTATE, dateline=dateline
    )
    assert resolved.iso == "2022-07-09"  # the only year of the term in which July 9 is a Saturday
    assert (resolved.method, resolved.confidence) == ("dateline_weekday", "low")
    assert flags == []


def test_003_on_saturday_with_one_office_year_is_relative_to_the_dateline() -> None:
    dateline = "NUSA DUA, Indonesia, July 9 (Reuters)"
    resolved, _ = resolve_meeting_date(
        "on Saturday", None, None, body("003"), years=range(2023, 2024), dateline=dateline
    )
    assert (resolved.iso, resolved.method) == ("2023-07-08", "weekday_relative_to_dateline")
    assert resolved.confidence == "medium"


def test_003_on_saturday_without_a_years_dateline_match_is_ambiguous() -> None:
    dateline = "NUSA DUA, Indonesia, July 9 (Reuters)"
    resolved, flags = resolve_meeting_date(
        "on Saturday", None, None, body("003"), years=range(2023, 2026), dateline=dateline
    )
    assert resolved.iso is None
    assert "date_year_ambiguous" in codes(flags)
    assert "2023, 2024, 2025" in flags[0].reason


def test_003_on_saturday_without_dateline_is_not_guessed_from_office_years() -> None:
    resolved, flags = resolve_meeting_date("on Saturday", None, None, body("003"), years=BLINKEN_SECSTATE)
    assert resolved.iso is None
    assert codes(flags) == ["date_unresolved"]


def test_dateline_with_year_stands_in_for_the_page_date() -> None:
    dateline = "BEIJING, April 26, 2024 (Reuters)"
    resolved, _ = resolve_meeting_date("on Friday", None, None, body("004"), years=BLINKEN_SECSTATE, dateline=dateline)
    assert (resolved.iso, resolved.method) == ("2024-04-26", "weekday_relative_to_published")


def test_002_weekday_picks_the_one_year_in_blinkens_term() -> None:
    resolved, flags = resolve_meeting_date("Friday (Oct 27)", None, None, body("002"), years=BLINKEN_SECSTATE)
    assert (resolved.iso, resolved.method, resolved.confidence) == ("2023-10-27", "weekday_consistency", "medium")
    assert flags == []


def test_002_weekday_fitting_two_office_years_is_ambiguous() -> None:
    # Wang Yi as foreign minister alone: 2013-2026; Oct 27 was a Friday in 2017 and 2023.
    resolved, flags = resolve_meeting_date("Friday (Oct 27)", None, None, body("002"), years=range(2013, 2027))
    assert resolved.iso is None
    assert "date_year_ambiguous" in codes(flags)
    assert "2017, 2023" in flags[0].reason


def test_weekday_fitting_no_office_year_is_flagged_not_moved() -> None:
    resolved, flags = resolve_meeting_date("Thursday (Oct 27)", None, None, "", years=range(2023, 2024))
    assert (resolved.iso, resolved.method, resolved.confidence) == ("2023-10-27", "office_term", "low")
    assert codes(flags) == ["date_weekday_mismatch"]


def test_with_page_date_years_only_cross_check() -> None:
    resolved, flags = resolve_meeting_date(
        "September 10th", None, dt.date(2025, 9, 11), body("000"), years=RUBIO_SECSTATE
    )
    assert (resolved.iso, resolved.method) == ("2025-09-10", "month_day_relative_to_published")
    assert flags == []
    # 002 dated 2023 but the participants' titles pointing to Rubio's term: the page date wins, the clash is reported.
    published = dt.date(2023, 10, 28)
    resolved, flags = resolve_meeting_date("Friday (Oct 27)", None, published, body("002"), years=RUBIO_SECSTATE)
    assert (resolved.iso, resolved.confidence) == ("2023-10-27", "high")
    assert codes(flags) == ["date_outside_office_term"]
    assert "2025-2026" in flags[0].reason


def test_explicit_year_outside_office_years_is_flagged() -> None:
    resolved, flags = resolve_meeting_date("September 10th, 2025", None, None, "", years=range(2013, 2018))
    assert (resolved.iso, resolved.method) == ("2025-09-10", "explicit")
    assert codes(flags) == ["date_outside_office_term"]


def test_003_end_to_end_with_office_years_from_the_actor_data() -> None:
    index = load_actors()
    refs = [index.match("Antony Blinken"), index.match("Wang Yi")]
    years = index.office_years(refs, ["US Secretary of State", "Chinese Foreign Minister"])
    _, dateline = parse_publication_date(body("003"))
    resolved, _ = resolve_meeting_date("on Saturday", None, None, body("003"), years=years, dateline=dateline)
    assert resolved.iso == "2022-07-09"


# --------------------------------------------------------------------------- parse_publication_date


def test_publication_date_from_001_header() -> None:
    date, raw = parse_publication_date(body("001"))
    assert date == dt.date(2024, 4, 14)
    assert raw == "Release time:Apr 14, 2024 05:26 AM"


def test_003_dateline_without_year_gives_raw_only() -> None:
    date, raw = parse_publication_date(body("003"))
    assert date is None
    assert raw == "NUSA DUA, Indonesia, July 9 (Reuters)"


def test_dateline_with_year_gives_date() -> None:
    date, _ = parse_publication_date("BEIJING, April 26, 2024 (Reuters) - Blinken met Wang Yi.")
    assert date == dt.date(2024, 4, 26)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published on 14 April 2024 by staff\n\nText.", dt.date(2024, 4, 14)),
        ("Updated: 2024-04-14 | World\n", dt.date(2024, 4, 14)),
        ("Story\n2023-07-13T10:00 Jakarta\nText.", dt.date(2023, 7, 13)),
        ("Archive\n1999-12-31 Text.", dt.date(1999, 12, 31)),
    ],
)
def test_publication_date_other_forms(text: str, expected: dt.date) -> None:
    assert parse_publication_date(text)[0] == expected


@pytest.mark.parametrize("prefix", ["000", "002", "004"])
def test_no_publication_date_in_undated_articles(prefix: str) -> None:
    assert parse_publication_date(body(prefix)) == (None, None)
