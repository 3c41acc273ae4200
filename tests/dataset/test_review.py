"""The review page in a real browser: headless Chromium (Debian's package) driven by Playwright.

Chromium missing is a failure, not a skip: `.ci/run` installs it (`apt-get install -y chromium`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from extractor.dataset.events import build_events
from extractor.dataset.load import OutputSet
from extractor.dataset.review import embed_json, render_review, review_data
from schemas import EvidenceSpan, Flag, FlagCode, MeetingRecord, Stance
from tests.dataset.factories import article, meeting, position, statement

HOSTILE = "<script>alert(1)</script>"
TEXT_1 = f"Alice Smith met Bruno Keller in Berlin. She said {HOSTILE} was a test. Bruno Keller opposed tariffs."
TEXT_2 = "Bruno Keller and Alice Smith held talks on Tuesday."


def _spanned(record: MeetingRecord, text: str, sentence: str) -> MeetingRecord:
    start = text.index(sentence)
    span = EvidenceSpan(text=sentence, start=start, end=start + len(sentence), alignment="exact")
    return record.model_copy(update={"evidence": [span]})


def _at(text: str, sentence: str) -> list[EvidenceSpan]:
    start = text.index(sentence)
    return [EvidenceSpan(text=sentence, start=start, end=start + len(sentence), alignment="exact")]


def _output() -> tuple[OutputSet, dict[str, str]]:
    met = "Alice Smith met Bruno Keller in Berlin."
    said = f"She said {HOSTILE} was a test."
    opposed = "Bruno Keller opposed tariffs."
    m1 = _spanned(meeting("a1:s0:meeting:0", ["Alice Smith", "Bruno Keller"], "2030-03-04", city="Berlin"), TEXT_1, met)
    m2 = _spanned(meeting("a2:s0:meeting:0", ["Bruno Keller", "Alice Smith"], "2030-03-05"), TEXT_2, TEXT_2)
    s1 = statement("a1:s0:statement:0", "Alice Smith", f"{HOSTILE} was a test", "a1:s0:meeting:0", said)
    s1 = s1.model_copy(update={"evidence": _at(TEXT_1, said),
                               "flags": [Flag(code=FlagCode.quote_not_verbatim, reason="kept as a paraphrase")]})
    p1 = position("a1:s0:position:0", "Bruno Keller", Stance.opposes, opposed)
    p1 = p1.model_copy(update={"evidence": _at(TEXT_1, opposed)})
    articles = [article("a1", "2030-03-05"), article("a2", "2030-03-06")]
    articles[0] = articles[0].model_copy(update={"title": "Talks </script><script>alert(2)</script> end"})
    output = OutputSet(articles, [m1, m2], [s1], [p1])
    output.events = build_events(output.meetings, output.statements, output.positions, output.articles)
    return output, {"a1": TEXT_1, "a2": TEXT_2}


def test_embedded_json_cannot_close_its_script_element() -> None:
    text = embed_json({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_the_page_needs_no_network() -> None:
    output, texts = _output()
    page = render_review(review_data(output, texts))
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert "default-src 'none'" in page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (.ci/run does this)", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    output, texts = _output()
    path = tmp_path / "review.html"
    path.write_text(render_review(review_data(output, texts)), encoding="utf-8")
    tab = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(path.as_uri())
    yield tab
    tab.close()
    assert dialogs == [], "a script from the data ran"
    assert errors == []


def _marks_of(page: Page, record_id: str) -> int:
    return page.locator(f'#article-text mark[data-ids~="{record_id}"]').count()


def test_every_record_of_the_article_is_highlighted_by_type(page: Page) -> None:
    for record_id in ("a1:s0:meeting:0", "a1:s0:statement:0", "a1:s0:position:0"):
        assert _marks_of(page, record_id) >= 1, record_id
    assert page.locator("#article-text mark.meeting").count() == 1
    assert page.locator("#article-text mark.statement").count() == 1
    assert page.locator("#article-text mark.position").count() == 1
    page.locator("#list li", has_text="Title a2").click()
    assert _marks_of(page, "a2:s0:meeting:0") == 1


def test_a_click_shows_that_record(page: Page) -> None:
    page.locator('#article-text mark[data-ids~="a1:s0:meeting:0"]').click()
    panel = page.locator("#record-pane .record")
    assert panel.get_attribute("data-id") == "a1:s0:meeting:0"
    text = page.locator("#record-pane").inner_text()
    assert "Alice Smith [Q1000001, FRA]" in text and "2030-03-04 (day) by explicit" in text
    assert "CAMEO 042" in text
    page.locator('#article-text mark[data-ids~="a1:s0:statement:0"]').click()
    text = page.locator("#record-pane").inner_text()
    assert "quote_not_verbatim: kept as a paraphrase" in text and HOSTILE in text


def test_type_and_flag_filters(page: Page) -> None:
    page.locator('.type-filter[value="statement"]').uncheck()
    assert page.locator("#article-text mark.statement").count() == 0
    assert page.locator("#article-text mark.meeting").count() == 1
    page.locator('.type-filter[value="statement"]').check()
    page.select_option("#flag-filter", "quote_not_verbatim")
    assert page.locator("#article-text mark").count() == 1
    assert _marks_of(page, "a1:s0:statement:0") == 1
    assert page.locator("#list li").count() == 1  # only the article with such a record is listed


def test_article_text_and_title_with_script_tags_show_as_text(page: Page) -> None:
    assert HOSTILE in page.locator("#article-text").inner_text()
    assert page.locator("#article-text script").count() == 0
    assert page.locator("#article-title").inner_text() == "Talks </script><script>alert(2)</script> end"
    assert page.locator("script").count() == 2  # the data block and the page's own script, nothing injected


def test_events_view_links_mentions_to_their_highlights(page: Page) -> None:
    page.locator("#tab-events").click()
    page.locator("#list li").first.click()
    assert "event_date_conflict" in page.locator("#record-pane").inner_text()
    page.locator('#record-pane a[data-record="a2:s0:meeting:0"]').click()
    assert page.locator("#article-title").inner_text() == "Title a2"
    selected = page.locator("#article-text mark.selected")
    assert selected.count() == 1 and selected.get_attribute("data-ids") == "a2:s0:meeting:0"


def test_a_5000_article_output_opens_and_pages(browser: Browser, tmp_path: Path) -> None:
    names = ["Alice Smith", "Bruno Keller", "Chen Lan", "Dara Okafor"]
    text = "Alice Smith met Bruno Keller. " * 20
    meetings = [
        _spanned(meeting(f"x{i:04d}:s0:meeting:0", [names[i % 4], names[(i + 1) % 4]], f"20{30 + i % 20}-03-04"),
                 text, "Alice Smith met Bruno Keller.")
        for i in range(5000)
    ]  # fmt: skip
    articles = [article(f"x{i:04d}", "2030-03-05") for i in range(5000)]
    output = OutputSet(articles, meetings)
    output.events = build_events(meetings, articles=articles)
    path = tmp_path / "big.html"
    path.write_text(render_review(review_data(output, {a.id: text for a in articles})), encoding="utf-8")
    tab = browser.new_page()
    tab.goto(path.as_uri(), timeout=30_000)
    assert tab.locator("#list li").count() == 50  # one page of the list, not 5,000 items
    assert "page 1 of 100" in tab.locator("#page-info").inner_text()
    for _ in range(3):
        tab.locator("#next").click()
    tab.locator("#list li").first.click()
    assert tab.locator("#article-title").inner_text() == "Title x0150"
    assert tab.locator('#article-text mark[data-ids~="x0150:s0:meeting:0"]').count() == 1
    tab.close()
