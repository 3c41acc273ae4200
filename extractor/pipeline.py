"""Per-article orchestration and the batch around it.

One article: split into stories → skip stories that are not English, not
diplomatic or outside the run's scope (`extractor.scope`) → one request per
(story, prompt of the strategy) through the seam → merge → post-process into
grounded records, of which the scope keeps those about its actors. One article's failure is recorded, never raised: the
batch always finishes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel

from extractor.annotate.run import annotate_story
from extractor.corpus import SkippedInput
from extractor.cost import PriceTable, target_cost
from extractor.errors import ExtractorError, LLMError
from extractor.focus import meeting_paragraphs
from extractor.injection import addressed_spans, article_flag, screen_records
from extractor.llm.seam import LLMClient, complete
from extractor.normalize.actors import ActorIndex
from extractor.postprocess import RecordSet, article_flags, build_records
from extractor.prompts import PromptTemplate
from extractor.requests import Target, build_request, merge_responses
from extractor.runner import StopFlag, articles_in_progress, run_stream
from extractor.scope import Scope, default_scope
from extractor.stories import Story, is_relevant, split_stories
from schemas import Article, ArticleExtraction, ArticleResult, ArticleStatus, Provenance, Usage


@dataclass
class ArticleOutcome:
    result: ArticleResult
    records: RecordSet = field(default_factory=RecordSet)
    seconds: float = 0.0  # kept out of the output files, which must be reproducible byte for byte


@dataclass
class FinishedArticle:
    """One article as the lines it adds to the output files (what the journal stores)."""

    result: ArticleResult
    records: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0  # never written: outputs are reproducible byte for byte

    @classmethod
    def of(cls, outcome: ArticleOutcome) -> FinishedArticle:
        records = outcome.records
        return cls(
            outcome.result,
            {
                "meetings.jsonl": [r.model_dump_json() for r in records.meetings],
                "statements.jsonl": [r.model_dump_json() for r in records.statements],
                "positions.jsonl": [r.model_dump_json() for r in records.positions],
            },
            outcome.seconds,
        )


@dataclass(frozen=True)
class RunPlan:
    """What every article of a batch is put through."""

    prompts: list[tuple[PromptTemplate, type[BaseModel]]]
    target: Target
    strategy: str
    actors: ActorIndex
    strict: bool = False
    paragraph_prompts: list[tuple[PromptTemplate, type[BaseModel]]] = field(default_factory=list)
    scope: Scope = field(default_factory=default_scope)
    prices: PriceTable = field(default_factory=dict)  # extractor.cost.load_prices; empty = every cost unknown

    @property
    def label(self) -> str:
        return "+".join(t.label for t, _ in [*self.prompts, *self.paragraph_prompts])

    def provenance(self, prompt_hash: str) -> Provenance:
        return Provenance(
            model=self.target.model,
            backend=self.target.mode,
            prompt=self.label,
            prompt_hash=prompt_hash,
            strategy=self.strategy,
        )


def process_article(article: Article, client: LLMClient, plan: RunPlan) -> ArticleOutcome:
    started = time.monotonic()
    stories = split_stories(article.title, article.text)
    relevant = [s for s in stories if is_relevant(s) and plan.scope.admits_story(s)]
    usage, records, hashes = Usage(), RecordSet(), list[str]()
    addressed = addressed_spans(article.text)
    try:
        for story in relevant:
            extraction, story_usage, story_hashes = _extract_story(article, story, client, plan)
            usage, hashes = usage + story_usage, hashes + story_hashes
            provenance = plan.provenance(combined_hash(story_hashes))
            built = build_records(extraction, article, story, provenance, plan.actors, plan.strict)
            records.extend(screen_records(plan.scope.filter_records(built), addressed, plan.strict))
    except ExtractorError as exc:
        spent = usage + exc.usage if isinstance(exc, LLMError) else usage
        result = _result(article, plan, ArticleStatus.failed, spent, error=str(exc))
        return ArticleOutcome(result, seconds=time.monotonic() - started)
    result = _result(article, plan, ArticleStatus.ok, usage, hashes=hashes)
    result.stories = len(stories)
    result.flags = article_flags(article, stories, relevant, plan.actors)
    if addressed:
        result.flags.append(article_flag(addressed))
    result.counts = records.counts()
    return ArticleOutcome(result, records, time.monotonic() - started)


def _extract_story(
    article: Article, story: Story, client: LLMClient, plan: RunPlan
) -> tuple[ArticleExtraction, Usage, list[str]]:
    if plan.strategy == "annotate":
        return annotate_story(article, story, client, plan)
    parts, usage, hashes = list[BaseModel](), Usage(), list[str]()
    for text, template, model in _calls(story, plan):
        request = build_request(
            template, model, title=story.title, text=text, published=article.published, target=plan.target
        )
        completion = complete(request, client)
        parts.append(completion.parsed)
        usage, hashes = usage + completion.usage, [*hashes, request.prompt_hash]
    return merge_responses(parts), usage, hashes


def _calls(story: Story, plan: RunPlan) -> list[tuple[str, PromptTemplate, type[BaseModel]]]:
    """(text, template, response model) of every call a story needs, in order."""
    calls = [(story.text, template, model) for template, model in plan.prompts]
    if plan.paragraph_prompts:
        for paragraph in meeting_paragraphs(story.text):
            calls.extend((paragraph, template, model) for template, model in plan.paragraph_prompts)
    return calls


def combined_hash(hashes: list[str]) -> str:
    return hashlib.sha256("+".join(hashes).encode()).hexdigest()[:16] if hashes else ""


def _result(
    article: Article,
    plan: RunPlan,
    status: ArticleStatus,
    usage: Usage,
    *,
    error: str | None = None,
    hashes: list[str] | None = None,
) -> ArticleResult:
    return ArticleResult(
        id=article.id,
        title=article.title,
        source=article.source,
        status=status,
        error=error,
        published=article.published,
        model=plan.target.model,
        prompt=plan.label,
        prompt_hash=combined_hash(hashes) if hashes else None,
        usage=usage,
        cost_usd=target_cost(usage, plan.target, plan.prices),
        cache_hit=usage.calls == 0 and usage.cache_hits > 0,
        external_id=article.external_id,
        url=article.url,
        meta=article.meta,
    )


def not_started_result(article: Article, plan: RunPlan, reason: str) -> ArticleResult:
    return _result(article, plan, ArticleStatus.not_started, Usage(), error=f"not started: {reason}")


def skipped_result(item: SkippedInput) -> ArticleResult:
    return ArticleResult(id="", title="", source=item.source, status=ArticleStatus.skipped, error=item.reason)


def run_batch(
    articles: Iterable[Article],
    client: LLMClient,
    plan: RunPlan,
    concurrency: int = 1,
    on_done: Callable[[ArticleOutcome], None] | None = None,
) -> list[ArticleOutcome]:
    """Outcomes in input order, whatever order they finish in (held in memory: for a few articles)."""

    def work(article: Article) -> ArticleOutcome:
        outcome = process_article(article, client, plan)
        if on_done is not None:
            on_done(outcome)
        return outcome

    finished: dict[int, ArticleOutcome] = {}
    for index, _, outcome in run_stream(articles, work, articles_in_progress(concurrency), StopFlag()):
        if outcome is not None:
            finished[index] = outcome
    return [finished[index] for index in sorted(finished)]
