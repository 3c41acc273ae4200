"""One story through the annotate strategy: pre-annotate, ask, assemble."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractor.annotate.assemble import assemble
from extractor.annotate.preannotate import preannotate
from extractor.annotate.questions import build_questions
from extractor.llm.seam import LLMClient, complete
from extractor.stories import Story
from schemas import Article, ArticleExtraction, Usage

if TYPE_CHECKING:
    from extractor.pipeline import RunPlan


def annotate_story(
    article: Article, story: Story, client: LLMClient, plan: RunPlan
) -> tuple[ArticleExtraction, Usage, list[str]]:
    annotated = preannotate(story.text)
    templates = {template.name: template for template, _ in plan.prompts}
    questions = build_questions(
        templates, annotated, title=story.title or article.title, published=article.published, target=plan.target
    )
    usage, hashes = Usage(), list[str]()
    answered: dict[str, tuple[dict[str, Any], dict[str, int]]] = {}
    for question in questions:  # in order, one at a time: each reuses the story prefix the last one left cached
        completion = complete(question.request, client)
        answered[question.name] = (completion.parsed.model_dump(mode="json"), question.keys)
        usage, hashes = usage + completion.usage, [*hashes, question.request.prompt_hash]
    return assemble(annotated, answered), usage, hashes
