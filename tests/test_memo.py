"""The article memo: a rerun served from it writes exactly what a per-call-cache rerun writes, and any change
to what decides an article's records (plan, article, code) misses it."""

from __future__ import annotations

import ast
import base64
import dataclasses
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import zstandard

import extractor.batch
from extractor.batch import run_corpus
from extractor.config import Settings
from extractor.llm.cache import ResponseCache
from extractor.memo import KEY_PREFIX, ArticleMemo, code_fingerprint, plan_fingerprint, whole_code_fingerprint
from extractor.output import OUTPUT_FILES
from extractor.pipeline import FinishedArticle
from schemas import Article
from tests.conftest import CORPUS
from tests.fakes.openai_server import FakeOpenAIServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
TWO_ARTICLES = sorted(CORPUS.glob("*.txt"))[:2]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def _settings(server: FakeOpenAIServer, tmp_path: Path) -> Settings:
    return Settings(base_url=server.base_url, model="fake-model", backend="compatible", cache_dir=tmp_path / "c")


def _memo_rows(cache_dir: Path) -> int:
    cache = ResponseCache(cache_dir / "responses")
    try:
        return sum(1 for key in cache._cache.iterkeys() if key.startswith(KEY_PREFIX))
    finally:
        cache.close()


def test_a_memo_hit_writes_what_a_per_call_cache_hit_writes(
    server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(server, tmp_path)
    run_corpus(TWO_ARTICLES, tmp_path / "cold", settings)
    assert _memo_rows(settings.cache_dir) == 2
    asked = server.requests
    with monkeypatch.context() as patched:
        patched.setattr(extractor.batch, "memo_for", lambda client, plan: None)
        run_corpus(TWO_ARTICLES, tmp_path / "per-call", settings)
    read: list[str] = []
    monkeypatch.setattr(extractor.batch, "read_input", lambda item: read.append(item.source))
    report = run_corpus(TWO_ARTICLES, tmp_path / "memo", settings)
    assert read == []  # answered from the memo before either input was parsed
    assert server.requests == asked  # neither rerun sent anything
    assert report.from_cache == 2
    for name in (*OUTPUT_FILES, "events.jsonl"):
        assert (tmp_path / "memo" / name).read_bytes() == (tmp_path / "per-call" / name).read_bytes(), name


def test_no_cache_means_no_memo(server: FakeOpenAIServer, tmp_path: Path) -> None:
    settings = dataclasses.replace(_settings(server, tmp_path), use_cache=False)
    run_corpus(TWO_ARTICLES, tmp_path / "out", settings)
    assert not (settings.cache_dir / "responses").exists()


def _plan_and_memo(server: FakeOpenAIServer, tmp_path: Path) -> tuple[extractor.batch.RunPlan, ArticleMemo]:
    settings = _settings(server, tmp_path)
    from extractor.llm.endpoint import open_client

    with open_client(settings) as client:
        plan = extractor.batch.make_plan(settings, client)
        assert client.cache is not None
        return plan, ArticleMemo(client.cache, plan, client.max_reasks)


def test_the_key_changes_with_the_plan_and_the_article(server: FakeOpenAIServer, tmp_path: Path) -> None:
    from extractor.corpus import iter_inputs, load_corpus

    plan, memo = _plan_and_memo(server, tmp_path)
    base = plan_fingerprint(plan, 2)
    assert plan_fingerprint(plan, 2) == base  # stable
    assert plan_fingerprint(dataclasses.replace(plan, strict=not plan.strict), 2) != base
    assert plan_fingerprint(dataclasses.replace(plan, strategy="other"), 2) != base
    target = dataclasses.replace(plan.target, model="another-model")
    assert plan_fingerprint(dataclasses.replace(plan, target=target), 2) != base
    assert plan_fingerprint(plan, 3) != base  # re-asks decide which answer is kept
    [article, other], _ = load_corpus(TWO_ARTICLES)
    assert memo.key(article) != memo.key(other)
    assert memo.key(article) != memo.key(article.model_copy(update={"source": "elsewhere.txt"}))
    [item, _] = list(iter_inputs(TWO_ARTICLES))
    moved = tmp_path / "elsewhere.txt"  # the same bytes at another path: its source differs, so may its records
    moved.write_bytes(TWO_ARTICLES[0].read_bytes())
    [moved_item] = list(iter_inputs([moved]))
    assert memo.key(article, item.sha256) != memo.key(article, moved_item.sha256)
    assert memo.key(article, item.sha256) != memo.key(article)  # by its input, or by what it holds
    changed = article.model_copy(update={"text": "Another text."})  # changed after reading: keyed by what it holds
    assert memo.key(changed) != memo.key(article)


def test_an_input_is_recalled_before_it_is_read_under_the_key_its_article_was_remembered_by(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    from extractor.corpus import iter_inputs, read_input
    from extractor.pipeline import not_started_result
    from schemas import ArticleStatus

    plan, memo = _plan_and_memo(server, tmp_path)
    [item, other] = list(iter_inputs(TWO_ARTICLES))
    article = read_input(item)
    assert isinstance(article, Article)
    result = not_started_result(article, plan, "").model_copy(update={"status": ArticleStatus.ok, "error": None})
    memo.put(article, FinishedArticle(result, {"meetings.jsonl": ['{"id": "m0"}']}), item.sha256)
    found = memo.recall(item)
    assert found is not None and found.records["meetings.jsonl"] == ['{"id": "m0"}']
    assert memo.recall(other) is None
    assert memo.get(article) is None  # remembered by its input, not by the article on its own


def test_after_a_stop_what_the_memo_answers_is_written_and_the_rest_is_not_started(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    from extractor.runner import StopFlag
    from schemas import ArticleStatus

    settings = _settings(server, tmp_path)
    run_corpus(TWO_ARTICLES[:1], tmp_path / "first", settings)
    stop = StopFlag()
    stop.request("a budget")  # before anything is sent
    report = run_corpus(TWO_ARTICLES, tmp_path / "stopped", settings, stop=stop)
    rows = [json.loads(line) for line in (tmp_path / "stopped" / "articles.jsonl").read_text().splitlines()]
    assert [row["status"] for row in rows] == [ArticleStatus.ok, ArticleStatus.not_started]
    assert report.count(ArticleStatus.ok) == 1 and report.stopped == "a budget"
    first = (tmp_path / "first" / "meetings.jsonl").read_bytes()
    assert (tmp_path / "stopped" / "meetings.jsonl").read_bytes() == first  # nothing was spent on it


def test_the_code_fingerprint_covers_the_packaged_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import extractor.memo as memo_module

    before = code_fingerprint()
    package = tmp_path / "extractor"
    (package / "data").mkdir(parents=True)
    (package / "memo.py").write_text("x = 1\n")
    (package / "data" / "cues.yaml").write_text("a: 1\n")
    monkeypatch.setattr(memo_module, "__file__", str(package / "memo.py"))
    code_fingerprint.cache_clear()
    try:
        first = code_fingerprint()
        (package / "data" / "cues.yaml").write_text("a: 2\n")  # a tuned vocabulary, no code change
        code_fingerprint.cache_clear()
        second = code_fingerprint()
        assert second != first
        assert first != before
        whole_code_fingerprint.cache_clear()
        whole = whole_code_fingerprint()
        (package / "dataset").mkdir()
        (package / "dataset" / "events.py").write_text("y = 2\n")  # reads finished files: records unchanged
        code_fingerprint.cache_clear()
        assert code_fingerprint() == second
        whole_code_fingerprint.cache_clear()
        assert whole_code_fingerprint() != whole  # but the events made from them may change
    finally:
        code_fingerprint.cache_clear()
        whole_code_fingerprint.cache_clear()


def _imported_modules(path: Path, package: str) -> set[str]:
    """Every module `path` imports (absolute names; `from a import b` counts as a and as a.b), at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_only_the_cli_and_the_batch_import_the_code_left_out_of_the_fingerprint() -> None:
    import extractor.memo as memo_module

    root = Path(memo_module.__file__).resolve().parents[1]
    left_out = tuple(part.replace("/", ".") for part in memo_module.AFTER_RECORDS)
    importers = set()
    for path in (root / "extractor").rglob("*.py"):
        name = path.relative_to(root).as_posix()
        package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
        if name.startswith(tuple(f"{part}/" for part in memo_module.AFTER_RECORDS)):
            continue
        if any(m == out or m.startswith(f"{out}.") for m in _imported_modules(path, package) for out in left_out):
            importers.add(name)
    assert importers == {"extractor/cli.py", "extractor/batch.py"}


def test_the_code_fingerprint_covers_the_versions_of_the_libraries_records_depend_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata

    import extractor.memo as memo_module

    code_fingerprint.cache_clear()
    before = code_fingerprint()
    real = importlib.metadata.version
    monkeypatch.setattr(
        memo_module.importlib.metadata, "version", lambda name: "99.0" if name == "trafilatura" else real(name)
    )
    code_fingerprint.cache_clear()
    try:
        assert code_fingerprint() != before  # a new trafilatura may read the same page differently
    finally:
        monkeypatch.undo()
        code_fingerprint.cache_clear()
    assert code_fingerprint() == before


def test_failed_articles_are_not_remembered(server: FakeOpenAIServer, tmp_path: Path) -> None:
    from extractor.corpus import load_corpus
    from extractor.pipeline import not_started_result

    plan, memo = _plan_and_memo(server, tmp_path)
    [article, _], _ = load_corpus(TWO_ARTICLES)
    memo.put(article, FinishedArticle(not_started_result(article, plan, "a budget")))
    assert memo.get(article) is None



def _packed(text: str) -> dict[str, str]:
    return {"zst": base64.b64encode(zstandard.ZstdCompressor().compress(text.encode("utf-8"))).decode("ascii")}


def test_an_entry_reads_back_line_for_line_and_one_that_does_not_add_up_is_a_miss(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    from extractor.corpus import load_corpus
    from extractor.pipeline import not_started_result
    from schemas import ArticleStatus

    plan, memo = _plan_and_memo(server, tmp_path)
    [article, _], _ = load_corpus(TWO_ARTICLES)
    result = not_started_result(article, plan, "").model_copy(update={"status": ArticleStatus.ok, "error": None})
    records = {
        "meetings.jsonl": ['{"id": "m0", "place": "Zürich — “talks”"}'],
        "statements.jsonl": ['{"id": "s0"}', '{"id": "s1", "text": "line\\nbreak"}'],
        "positions.jsonl": [],
    }
    memo.put(article, FinishedArticle(result, records))
    found = memo.get(article)
    assert found is not None and found.records == records
    assert found.result.status is ArticleStatus.ok
    cache = memo._cache
    for broken in (
        "[1, 2, 0]\n" + result.model_dump_json() + "\n{}",  # fewer lines than the counts say
        "[1, 1]\n" + result.model_dump_json() + "\n{}\n{}",  # counts for two files, not three
        json.dumps({"article": result.model_dump_json(), "records": records}),  # the previous layout
    ):
        cache.put(memo.key(article), _packed(broken))
        assert memo.get(article) is None, broken
    good = "[1, 2, 0]\n" + result.model_dump_json() + "\n{}\n{}\n{}"
    for other in (
        {"z": base64.b64encode(zlib.compress(good.encode("utf-8"))).decode("ascii")},  # v3's zlib row
        {"zst": base64.b64encode(b"not a zstd frame").decode("ascii")},
        {"zst": "not base64 !"},
    ):
        cache.put(memo.key(article), other)
        assert memo.get(article) is None, other
    cache.put(memo.key(article), _packed(good))
    assert memo.get(article) is not None  # the same lines, packed as the memo packs them: a hit
