# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Prompt iteration: one article, two prompt versions
#
# Runs one article of `corpus/` under prompt version A and prompt version B, and shows how the rendered prompts
# differ, the records each version produced (with their evidence highlighted in the article), both versions' scores
# against `corpus/gold/`, and which records changed.
#
# `MODE` (environment variable `NOTEBOOK_MODE`):
#
# * `replay` (default): answers come from `cassettes/notebook/prompt_iteration.yaml`. No network, no model.
# * `record`: the same two runs against the server at `EXTRACTOR_RECORD_BASE_URL`, rewriting that cassette.
# * `live`: settings from the environment, as `extractor run` reads them, with the response cache on. Nothing is
#   recorded.
#
# The cassette answers only the requests that the parameters below produce. If you change a parameter or a prompt
# file, replay fails. Use `live` instead, or record the cassette again (see `notebooks/README.md`).

# %% tags=["parameters"]
import os

ARTICLE = "004_f280014935800b08.txt"  # a file in corpus/
VERSION_A = "1"  # prompt versions to compare: prompts/<name>.v<N>.yaml
VERSION_B = "2"
STRATEGY = "single"  # "single" (one call per story) or "per_type" (three calls per story)
MODE = os.environ.get("NOTEBOOK_MODE", "replay")  # "replay" | "record" | "live"

# %%
# The imports follow the parameters cell, which comes first. Ruff sees E402 in the .py but not in the .ipynb
# (imports may open a cell), where the noqa would be unused (RUF100).
# ruff: noqa: E402, RUF100
import difflib
import html
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from IPython.display import HTML, display

from extractor.batch import extract_articles, http_recording
from extractor.config import LOCAL_BACKEND, Settings, settings_from_env
from extractor.corpus import load_corpus
from extractor.evaluate import ArticleScores, Counts, PredictedArticle, load_gold, name_key, person_key, score_article
from extractor.llm.weights import DEFAULT_LOCAL_MODEL, get_spec
from extractor.normalize.actors import load_actors
from extractor.pipeline import ArticleOutcome
from extractor.requests import Target, build_request, load_strategy_prompts
from extractor.stories import is_relevant, split_stories
from schemas import ActorRef, ArticleStatus, MeetingRecord, PositionRecord, StatementRecord

Record = MeetingRecord | StatementRecord | PositionRecord
MODES = ("replay", "record", "live")
if MODE not in MODES:
    raise ValueError(f"NOTEBOOK_MODE={MODE!r}: choose one of {MODES}")


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` with pyproject.toml and corpus/: the repository root."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "corpus").is_dir():
            return folder
    raise FileNotFoundError(f"no pyproject.toml at or above {start}: start the notebook inside the repository")


def table_html(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain HTML table. Every cell is escaped."""
    cell = "<{0} style='text-align:left; vertical-align:top'>{1}</{0}>"
    head = "".join(cell.format("th", html.escape(h)) for h in headers)
    body = "".join("<tr>" + "".join(cell.format("td", html.escape(str(c))) for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


ROOT = find_root(Path.cwd().resolve())
CASSETTE = ROOT / "cassettes" / "notebook" / "prompt_iteration.yaml"
LOCAL_IDENTITY = get_spec(DEFAULT_LOCAL_MODEL).identity()  # the model name `extractor run` sends to the local server
RECORD_HINT = "see notebooks/README.md, 'Recording the cassette'"
print(f"mode {MODE}; repository {ROOT}")

# %% [markdown]
# ## The article and the two prompts
#
# The diff covers the messages that the prompt templates render. Instructor then appends the same JSON schema
# to the system message for both versions.

# %%
articles, skipped = load_corpus([ROOT / "corpus" / ARTICLE])
if not articles:
    raise ValueError(f"{ARTICLE}: {skipped[0].reason if skipped else 'no article'}")
article = articles[0]
display(HTML(
    f"<h3>{html.escape(article.title)}</h3><p>id {article.id} · published {article.published} · {len(article.text)} "
    f"characters</p><details open><summary>text</summary><pre style='white-space:pre-wrap'>"
    f"{html.escape(article.text)}</pre></details>"
))  # fmt: skip


# %%
def rendered_prompts(version: str) -> list[tuple[str, list[dict[str, str]]]]:
    """(label, chat messages) of each prompt of STRATEGY, as the pipeline renders them for the first on-topic story."""
    story = next(s for s in split_stories(article.title, article.text) if is_relevant(s))
    target = Target(model=LOCAL_IDENTITY, endpoint="-", mode="-")  # not part of the messages
    return [
        (template.label, build_request(template, model, title=story.title, text=story.text,
                                       published=article.published, target=target).messages)
        for template, model in load_strategy_prompts(STRATEGY, int(version))
    ]  # fmt: skip


def diff_html(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two texts as coloured HTML lines."""
    colours = {"+": "#e6ffec", "-": "#ffebe9", "@": "#ddf4ff"}
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label, n=2, lineterm="")
    shown = [f"<span style='background:{colours.get(x[:1], 'none')}'>{html.escape(x)}</span>" for x in lines]
    return "<pre style='white-space:pre-wrap'>" + "\n".join(shown) + "</pre>" if shown else "<p>identical</p>"


# %%
on_topic = [s for s in split_stories(article.title, article.text) if is_relevant(s)]
if not on_topic:
    display(HTML("<p>No on-topic story: the pipeline sends no request for this article.</p>"))
else:
    pairs = zip(rendered_prompts(VERSION_A), rendered_prompts(VERSION_B), strict=True)
    for (label_a, messages_a), (label_b, messages_b) in pairs:
        for old, new in zip(messages_a, messages_b, strict=True):
            title = f"<h4>{html.escape(label_a)} → {html.escape(label_b)}: {old['role']} message</h4>"
            display(HTML(title + diff_html(old["content"], new["content"], label_a, label_b)))

# %% [markdown]
# ## Extraction under version A and version B
#
# Both runs go inside one recording context, so one cassette holds the requests of both versions.


# %%
def settings_for(version: str) -> Settings:
    """The settings of one run in MODE, with STRATEGY and prompt `version`."""
    if MODE == "replay":  # the local client dials replay.invalid, and the cassette answers first
        return Settings(replay=True, use_cache=False, max_transport_retries=0, strategy=STRATEGY,
                        prompt_version=version)  # fmt: skip
    if MODE == "record":  # no cache: a cache hit would leave its request out of the cassette
        base_url = os.environ.get("EXTRACTOR_RECORD_BASE_URL")
        if not base_url:
            raise RuntimeError(f"NOTEBOOK_MODE=record needs EXTRACTOR_RECORD_BASE_URL ({RECORD_HINT})")
        return Settings(base_url=base_url, backend=LOCAL_BACKEND, model=LOCAL_IDENTITY, use_cache=False,
                        strategy=STRATEGY, prompt_version=version)  # fmt: skip
    return settings_from_env().with_overrides(strategy=STRATEGY, prompt_version=version)


# %%
if MODE == "replay" and not CASSETTE.is_file():
    raise FileNotFoundError(f"missing cassette {CASSETTE.relative_to(ROOT)}: record it first ({RECORD_HINT})")
outcomes: dict[str, ArticleOutcome] = {}
with http_recording(record=CASSETTE if MODE == "record" else None, replay=CASSETTE if MODE == "replay" else None):
    for name, version in (("A", VERSION_A), ("B", VERSION_B)):
        found, model = extract_articles([article], settings_for(version))
        outcomes[name] = found[0]
display(HTML(table_html(
    ("run", "prompt", "status", "model", "calls", "prompt tokens", "completion tokens", "records", "error"),
    [(name, o.result.prompt, o.result.status.value, o.result.model, o.result.usage.calls, o.result.usage.prompt_tokens,
      o.result.usage.completion_tokens, o.result.counts, o.result.error or "") for name, o in outcomes.items()],
)))  # fmt: skip
failed = {name: o.result.error for name, o in outcomes.items() if o.result.status is not ArticleStatus.ok}
if failed and MODE == "replay":
    raise RuntimeError(f"replay failed {failed}: the cassette does not answer these requests; record it again "
                       f"({RECORD_HINT})")  # fmt: skip

# %% [markdown]
# ## Records
#
# Names are the canonical actor names where the actor list knows them. Ids drop the article id.


# %%
def short_id(record_id: str | None) -> str:
    return record_id.split(":", 1)[-1] if record_id else ""


def actor(ref: ActorRef) -> str:
    return ref.canonical_name or ref.name_as_written


def flag_codes(record: Record) -> str:
    return ", ".join(f.code for f in record.flags)


def meeting_row(r: MeetingRecord) -> tuple[object, ...]:
    where = r.meeting.location
    place = ", ".join(x for x in (where.venue, where.city, where.country) if x) if where else ""
    date = f"{r.date.iso or r.meeting.date or '?'} ({r.date.precision.value})"
    people = "; ".join(actor(p) for p in r.participants)
    return short_id(r.id), people, date, r.meeting.status.value, r.meeting.format.value, place, flag_codes(r)


def statement_row(r: StatementRecord) -> tuple[object, ...]:
    s = r.statement
    return short_id(r.id), actor(r.speaker), s.kind.value, s.text, s.topic or "", short_id(r.meeting_id), flag_codes(r)


def position_row(r: PositionRecord) -> tuple[object, ...]:
    p = r.position
    return short_id(r.id), actor(r.holder), p.issue.value, p.stance.value, p.summary, flag_codes(r)


def records_html(outcome: ArticleOutcome) -> str:
    records = outcome.records
    return "".join([
        "<h4>Meetings</h4>" + table_html(("id", "participants", "date", "status", "format", "where", "flags"),
                                          map(meeting_row, records.meetings)),
        "<h4>Statements</h4>" + table_html(("id", "speaker", "kind", "text", "topic", "meeting", "flags"),
                                            map(statement_row, records.statements)),
        "<h4>Positions</h4>" + table_html(("id", "holder", "issue", "stance", "summary", "flags"),
                                           map(position_row, records.positions)),
    ])  # fmt: skip


# %%
for name, outcome in outcomes.items():
    display(HTML(f"<h3>Version {name}: {html.escape(outcome.result.prompt or '')}</h3>" + records_html(outcome)))

# %% [markdown]
# ## Evidence in the article
#
# Each record's evidence spans are marked by their offsets into the article text. Hover over a mark to see which
# records rest on it. Colours: meeting yellow, statement blue, position green, more than one type orange.

# %%
COLOURS = {"meeting": "#fff3a3", "statement": "#cfe8ff", "position": "#d3f5d3", "several": "#ffd8a8"}


def all_records(outcome: ArticleOutcome) -> list[Record]:
    return [*outcome.records.meetings, *outcome.records.statements, *outcome.records.positions]


def record_type(record: Record) -> str:
    return {MeetingRecord: "meeting", StatementRecord: "statement", PositionRecord: "position"}[type(record)]


def highlight_html(text: str, records: Sequence[Record]) -> str:
    """`text` with every placed evidence span in a <mark>. Where spans overlap, the text is cut into pieces."""
    by_id = {r.id: r for r in records}
    placed = [(r.id, e.start, e.end) for r in records for e in r.evidence if e.start is not None and e.end is not None]
    spans = [(max(0, s), min(len(text), e), i) for i, s, e in placed if max(0, s) < min(len(text), e)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})

    def owners(a: int, b: int) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for s, e, i in spans if s <= a and b <= e))

    pieces = [(a, b, owners(a, b)) for a, b in itertools.pairwise(cuts)]
    out = []
    for ids, run in itertools.groupby(pieces, key=lambda piece: piece[2]):
        joined = list(run)
        chunk = html.escape(text[joined[0][0] : joined[-1][1]])
        if not ids:
            out.append(chunk)
            continue
        types = {record_type(by_id[i]) for i in ids}
        colour = COLOURS[types.pop()] if len(types) == 1 else COLOURS["several"]
        names = html.escape(", ".join(short_id(i) for i in ids), quote=True)
        out.append(f"<mark title=\"{names}\" style='background:{colour}'>{chunk}</mark>")
    return "<div style='white-space:pre-wrap; line-height:1.5'>" + "".join(out) + "</div>"


def flags_html(outcome: ArticleOutcome) -> str:
    """Article flags, record flags, and evidence that could not be placed in the text."""
    rows = [("article", f.code, f.reason) for f in outcome.result.flags]
    rows += [(short_id(r.id), f.code, f.reason) for r in all_records(outcome) for f in r.flags]
    rows += [(short_id(r.id), "evidence not placed", e.text) for r in all_records(outcome) for e in r.evidence
             if e.start is None or e.end is None]  # fmt: skip
    return "<h4>Flags</h4>" + (table_html(("record", "flag", "reason or evidence"), rows) if rows else "<p>none</p>")


# %%
for name, outcome in outcomes.items():
    body = highlight_html(article.text, all_records(outcome)) + flags_html(outcome)
    display(HTML(f"<h3>Version {name}: evidence</h3>" + body))

# %% [markdown]
# ## Scores against gold
#
# `extractor.evaluate.score_article` scores each version's records in memory, using the same matching as
# `extractor eval`.

# %%
KEY = person_key(load_actors().match)  # the person key that `extractor eval` uses
golds = {g.article: g for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus")}
gold = golds.get(Path(ARTICLE).name)


def predicted(outcome: ArticleOutcome) -> PredictedArticle:
    r = outcome.records
    return PredictedArticle(outcome.result, tuple(r.meetings), tuple(r.statements), tuple(r.positions))


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def with_total(scores: ArticleScores) -> dict[str, Counts]:
    return {**scores.counts, "all": sum(scores.counts.values(), Counts.of(0, 0, 0))}


def prf(c: Counts) -> tuple[str, ...]:
    return f"{c.matched}/{c.predicted}", rate(c.precision), rate(c.recall), rate(c.f1)


def side_by_side_html(a: ArticleScores, b: ArticleScores) -> str:
    rows = []
    for kind, ca in with_total(a).items():
        cb = with_total(b)[kind]
        delta = f"{cb.f1 - ca.f1:+.2f}" if ca.f1 is not None and cb.f1 is not None else "–"
        rows.append((kind, ca.gold, *prf(ca), *prf(cb), delta))
    headers = ("type", "gold", "A matched/predicted", "A P", "A R", "A F1",
               "B matched/predicted", "B P", "B R", "B F1", "F1 B−A")  # fmt: skip
    return table_html(headers, rows)


def fields_html(a: ArticleScores, b: ArticleScores) -> str:
    rows = [(field, f"{t.correct}/{t.total}", f"{b.fields[field].correct}/{b.fields[field].total}")
            for field, t in a.fields.items()]  # fmt: skip
    rows += [(what, len(getattr(a, what)), len(getattr(b, what)))
             for what in ("misses", "false_positives", "fabricated_quotes")]  # fmt: skip
    return table_html(("field accuracy (matched pairs) / findings", "A", "B"), rows)


# %%
if gold is None:
    scores = {}
    display(HTML(f"<p>No gold file for {html.escape(ARTICLE)} in corpus/gold/: nothing to score.</p>"))
else:
    scores = {name: score_article(gold, predicted(o), KEY) for name, o in outcomes.items()}
    display(HTML(side_by_side_html(scores["A"], scores["B"]) + fields_html(scores["A"], scores["B"])))
    for name, s in scores.items():
        findings = [("miss", f.type, f.description, f.note or "") for f in s.misses]
        findings += [("false positive", f.type, f.description, f.note or "") for f in s.false_positives]
        listing = table_html(("finding", "type", "record", "note"), findings) if findings else "<p>none</p>"
        summary = f"Version {name}: {len(s.misses)} misses, {len(s.false_positives)} false positives"
        display(HTML(f"<details><summary>{summary}</summary>{listing}</details>"))

# %% [markdown]
# ## What changed from A to B
#
# Records are matched on a simple key: participants and date for meetings, speaker and text for statements, and
# holder and issue for positions. Person names go through the key that `extractor eval` uses. A record whose key
# changed shows up once as removed and once as added.


# %%
def record_key(record: Record) -> tuple[object, ...]:
    if isinstance(record, MeetingRecord):
        people = frozenset(KEY(p.name) for p in record.meeting.participants)
        return "meeting", people, record.date.iso or record.meeting.date
    if isinstance(record, StatementRecord):
        return "statement", KEY(record.statement.speaker), name_key(record.statement.text)
    return "position", KEY(record.position.holder), record.position.issue.value


def describe(record: Record) -> str:
    if isinstance(record, MeetingRecord):
        when = record.date.iso or record.meeting.date or "no date"
        return f"{' + '.join(actor(p) for p in record.participants)}, {when} ({record.meeting.status.value})"
    if isinstance(record, StatementRecord):
        return f"{actor(record.speaker)} ({record.statement.kind.value}): “{record.statement.text}”"
    return f"{actor(record.holder)}: {record.position.issue.value}, {record.position.stance.value}"


def only_in(records: Sequence[Record], others: Sequence[Record]) -> list[Record]:
    """The records of `records` whose key is not in `others`, counting duplicates."""
    spare = Counter(map(record_key, records)) - Counter(map(record_key, others))
    picked = []
    for record in records:
        if spare[record_key(record)] > 0:
            spare[record_key(record)] -= 1
            picked.append(record)
    return picked


# %%
records_a, records_b = all_records(outcomes["A"]), all_records(outcomes["B"])
added, removed = only_in(records_b, records_a), only_in(records_a, records_b)
summary = [
    (kind, sum(record_type(r) == kind for r in records_a), sum(record_type(r) == kind for r in records_b),
     sum(record_type(r) == kind for r in added), sum(record_type(r) == kind for r in removed))
    for kind in ("meeting", "statement", "position")
]  # fmt: skip
changes = [("added in B", record_type(r), short_id(r.id), describe(r)) for r in added]
changes += [("removed from A", record_type(r), short_id(r.id), describe(r)) for r in removed]
display(HTML(
    table_html(("type", "in A", "in B", "added in B", "removed from A"), summary)
    + (table_html(("change", "type", "record", "key fields"), changes) if changes else "<p>No record changed.</p>")
))  # fmt: skip

# %% [markdown]
# ## The dataset: events over time and by actor pair
#
# One article is not a dataset. This section runs all five seed articles again on the answers recorded for the
# replay tests (`cassettes/test_seed_articles/`: no model, no network, in every `MODE`), groups their meetings
# into events across articles, exports the tidy tables to Parquet (`extractor export --to parquet` does the
# same) and reads them back with pandas.

# %%
import tempfile

import matplotlib.pyplot as plt
import pandas as pd

from extractor.batch import run_corpus
from extractor.dataset.events import build_events
from extractor.dataset.export import export_tables
from extractor.dataset.load import OutputSet, load_output
from extractor.dataset.tables import build_tables

SEED_CASSETTES = ROOT / "cassettes" / "test_seed_articles"
work = Path(tempfile.mkdtemp(prefix="notebook-events-"))
runs = OutputSet()
for seed in sorted((ROOT / "corpus").glob("*.txt")):
    seed_cassette = SEED_CASSETTES / f"test_seed_article[{seed.name}].yaml"
    run_corpus([seed], work / seed.stem, Settings(max_transport_retries=0), replay=seed_cassette)
    one = load_output(work / seed.stem, with_events=False)
    runs.articles += one.articles
    runs.meetings += one.meetings
    runs.statements += one.statements
    runs.positions += one.positions
runs.events = build_events(runs.meetings, runs.statements, runs.positions, runs.articles)
export_tables(build_tables(runs), "parquet", work / "parquet")
events = pd.read_parquet(work / "parquet" / "events.parquet")
participants = pd.read_parquet(work / "parquet" / "participants.parquet")
print(f"{len(runs.articles)} articles, {len(runs.meetings)} meeting records, {len(events)} events")
display(HTML(events[["event_id", "status", "date", "participants", "mentions", "cameo", "flags"]].to_html(index=False)))


# %%
def actor_pairs(participants: pd.DataFrame) -> pd.Series:
    """Events per pair of participants' countries (one pair per event and pair, ISO alpha-3 sorted)."""
    pairs = []
    for event, rows in participants.dropna(subset=["event_id", "country"]).groupby("event_id"):
        countries = sorted(set(rows["country"]))
        pairs += [(event, f"{a}–{b}") for a, b in itertools.combinations(countries, 2)]
        pairs += [(event, f"{countries[0]} (domestic)")] if len(countries) == 1 else []
    return pd.DataFrame(pairs, columns=["event_id", "pair"]).drop_duplicates()["pair"].value_counts()


dated = events.dropna(subset=["date"]).assign(month=lambda d: d["date"].str[:7])
fig, (over_time, by_pair) = plt.subplots(1, 2, figsize=(12, 3.5))
if len(dated):
    dated.groupby(["month", "status"]).size().unstack(fill_value=0).plot.bar(ax=over_time, stacked=True)
over_time.set(title=f"Dated events per month ({len(dated)} of {len(events)} events dated)", xlabel="", ylabel="events")
actor_pairs(participants).sort_values().plot.barh(ax=by_pair, title="Events by pair of countries")
by_pair.set(xlabel="events")
fig.tight_layout()
plt.show()
