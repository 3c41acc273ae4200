"""One story through the annotate strategy: pre-annotate, ask, assemble."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractor.annotate.assemble import Answers, assemble
from extractor.annotate.preannotate import preannotate
from extractor.annotate.questions import Question, QuestionBuilder
from extractor.llm.seam import LLMClient, complete
from extractor.stories import Story
from schemas import Article, ArticleExtraction, Usage

if TYPE_CHECKING:
    from extractor.pipeline import RunPlan


class _Asker:
    """Sends questions one at a time (each reuses the story prefix the last one left cached) and counts them."""

    def __init__(self, client: LLMClient) -> None:
        self.client = client
        self.usage = Usage()
        self.hashes: list[str] = []

    def __call__(self, question: Question | None) -> dict[int, Any]:
        """Answer values by sentence or quotation number ({} when there was nothing to ask)."""
        if question is None:
            return {}
        completion = complete(question.request, self.client)
        self.usage, self.hashes = self.usage + completion.usage, [*self.hashes, question.request.prompt_hash]
        answer = completion.parsed.model_dump(mode="json")
        if "sentences" in answer:
            return {n: True for n in answer["sentences"]}
        return {number: answer[key] for key, number in question.keys.items()}


def annotate_story(
    article: Article, story: Story, client: LLMClient, plan: RunPlan
) -> tuple[ArticleExtraction, Usage, list[str]]:
    annotated = preannotate(story.text)
    builder = QuestionBuilder(
        {template.name: template for template, _ in plan.prompts},
        annotated,
        title=story.title or article.title,
        published=article.published,
        target=plan.target,
    )
    ask = _Asker(client)
    contact_sentences = sorted(ask(builder.contacts()))
    answers = Answers(
        contact_sentences=contact_sentences,
        participants=ask(builder.participants(contact_sentences)),
        speakers=ask(builder.quotes()),
    )
    return assemble(annotated, answers), ask.usage, ask.hashes
