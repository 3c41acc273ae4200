"""Answers (ids and names) → an `ArticleExtraction`: pure.

Evidence is always whole sentences of the story, and a quote's text is
always the exact characters between its marks, so every record grounds
exactly. Mentions of one meeting in several sentences (same people, same
status group, compatible format) become one meeting with all of them as
evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.annotate.attribute import attribute_by_rule, named_in, sentence_speaker
from extractor.annotate.preannotate import Actor, Annotated, country_name
from extractor.annotate.questions import UNKNOWN_SPEAKER
from extractor.annotate.rounds import round_hub
from extractor.annotate.vocabulary import default_vocabulary
from extractor.normalize.meeting_fields import date_expression_in, format_cue, status_cue
from schemas import (
    ArticleExtraction,
    Issue,
    Location,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Participant,
    Position,
    Stance,
    Statement,
    StatementKind,
)


@dataclass(frozen=True)
class Answers:
    """What the model answered about one story, keyed by sentence and quotation number."""

    contact_sentences: list[int] = field(default_factory=list)
    participants: dict[int, list[str]] = field(default_factory=dict)  # only for sentences the rule left open
    speakers: dict[int, str] = field(default_factory=dict)  # only for quotations the rules left open


MAX_ISSUES_PER_SENTENCE = 2
MIN_QUOTE_WORDS = 4  # a quoted clause has a verb; shorter quoted runs are fragments or labels (codebook §6.2)
_FORMAT_RANK = {MeetingFormat.unknown: 0, MeetingFormat.in_person: 1, MeetingFormat.phone: 2, MeetingFormat.video: 3}


@dataclass
class _Contact:
    who: frozenset[str]
    format: MeetingFormat
    status: MeetingStatus
    sentences: list[int] = field(default_factory=list)

    @property
    def future(self) -> bool:
        return self.status is not MeetingStatus.held


def _contacts(story: Annotated, answers: Answers) -> list[_Contact]:
    merged: list[_Contact] = []
    previous_format = MeetingFormat.unknown
    for number in sorted(set(answers.contact_sentences)):
        sentence = [story.sentence_text(number)]
        fmt = format_cue(sentence) or _same_paragraph_format(story, number, previous_format)
        status = status_cue(sentence) or MeetingStatus.held
        previous_format = fmt
        for who in _participant_sets(story, number, answers.participants.get(number), fmt):
            if len(who) < 2 or _one_side(story, who):
                continue
            found = _Contact(who, fmt, status)
            same = next((c for c in merged if _same_meeting(c, found)), None)
            if same is None:
                merged.append(same := found)
            elif _FORMAT_RANK[found.format] > _FORMAT_RANK[same.format]:
                same.format = found.format
            same.sentences.append(number)
    return merged


def _same_paragraph_format(story: Annotated, number: int, previous: MeetingFormat) -> MeetingFormat:
    """A sentence that does not say how continues the previous sentence of its paragraph ("He called … He spoke to")."""
    if number > 1 and "\n" not in story.text[story.sentences[number - 2].end : story.sentences[number - 1].start]:
        return format_cue([story.sentence_text(number - 1)]) or previous
    return MeetingFormat.unknown


def _participant_sets(
    story: Annotated, number: int, chosen: list[str] | None, fmt: MeetingFormat
) -> list[frozenset[str]]:
    """Who took part in each contact sentence `number` reports: the model's answer, else the people it names.

    A call naming three or more people is a round of calls by the first-named to each of the others
    ("X phoned A, B and C"): calls are two-sided.
    """
    if (hub := round_hub(story, number, fmt)) is not None:
        return [frozenset({hub, other}) for other in named_in(story, number) if other != hub]
    if chosen is not None:
        return [_named_or_implied(story, number, frozenset(chosen))]
    return [frozenset(named_in(story, number))]


def _named_or_implied(story: Annotated, number: int, who: frozenset[str]) -> frozenset[str]:
    """The chosen people a sentence names; all of them if it names none or speaks of both sides ("the two")."""
    sentence = story.sentence_text(number)
    if default_vocabulary().joint.search(sentence):
        return who
    forms = {a.name: {a.name, a.name.split()[-1], *a.forms} for a in story.actors if a.name in who}
    named = frozenset(n for n in who if any(f in sentence for f in forms.get(n, {n})))
    return named if named else who


def _one_side(story: Annotated, who: frozenset[str]) -> bool:
    """True when every participant's country is known and it is the same one: not a contact between sides."""
    countries = {a.country for a in story.actors if a.name in who}
    return len(countries) == 1 and None not in countries


def _same_meeting(a: _Contact, b: _Contact) -> bool:
    compatible = MeetingFormat.unknown in (a.format, b.format) or a.format is b.format
    return a.who == b.who and a.future == b.future and compatible


def _participant(actor: Actor | None, name: str) -> Participant:
    if actor is None:
        return Participant(name=name)
    return Participant(name=actor.name, title=actor.title, country=actor.country)


_PLACE = re.compile(r"(?<!\w)in ((?:[A-Z][a-z]+)(?: [A-Z][a-z]+)?)(?![\w-])")


def place(story: Annotated, evidence: list[str]) -> Location | None:
    """A city written as "in <Name>" in the evidence, when the name is no actor, country or calendar word."""
    vocab = default_vocabulary()
    actors = {form for a in story.actors for form in (a.name, *a.forms)}
    for sentence in evidence:
        for match in _PLACE.finditer(sentence):
            name = match.group(1)
            words = name.split()
            if name in actors or country_name(name) or any(w in vocab.not_name_words for w in words):
                continue
            return Location(city=name)
    return None


def _paragraph(story: Annotated, number: int) -> str:
    """The line (paragraph) sentence `number` stands in: where a date said once for a meeting usually is."""
    span = story.sentences[number - 1]
    start = story.text.rfind("\n", 0, span.start) + 1
    end = story.text.find("\n", span.end)
    return story.text[start : end if end >= 0 else len(story.text)]


def meetings(story: Annotated, answers: Answers) -> list[Meeting]:
    by_name = {a.name: a for a in story.actors}
    out: list[Meeting] = []
    for contact in _contacts(story, answers):
        evidence = [story.sentence_text(n) for n in sorted(contact.sentences)]
        order = {a.name: i for i, a in enumerate(story.actors)}
        people = sorted(contact.who, key=lambda n: (order.get(n, len(order)), n))
        out.append(
            Meeting(
                participants=[_participant(by_name.get(n), n) for n in people],
                date_text=date_expression_in(evidence) or date_expression_in([_paragraph(story, contact.sentences[0])]),
                location=place(story, evidence),
                format=contact.format,
                status=contact.status,
                evidence=evidence,
            )
        )
    return out


def statements(story: Annotated, answers: Answers) -> list[Statement]:
    """One statement per attributed quotation: by rule (extractor.annotate.attribute), else by the model's answer."""
    by_name = {a.name: a for a in story.actors}
    speakers = {**answers.speakers, **attribute_by_rule(story)}
    clause_sentences = {(q.sentence, speakers.get(q.number)) for q in story.quotations if q.words >= MIN_QUOTE_WORDS}
    out: list[Statement] = []
    for quotation in story.quotations:
        speaker = speakers.get(quotation.number)
        if not speaker or speaker == UNKNOWN_SPEAKER:
            continue
        is_clause = quotation.words >= MIN_QUOTE_WORDS
        if not is_clause and (quotation.sentence, speaker) in clause_sentences:
            continue  # a fragment beside a quoted clause of the same speaker belongs to that quote
        sentences = story.sentences_in(quotation.span.start, quotation.span.end) or [quotation.sentence]
        evidence = [story.sentence_text(n) for n in sentences if n >= 1]
        actor = by_name.get(speaker)
        out.append(
            Statement(
                speaker=speaker,
                speaker_title=actor.title if actor else None,
                text=quotation.span.text if is_clause else " ".join(evidence),
                kind=StatementKind.quote if is_clause else StatementKind.paraphrase,
                evidence=evidence,
            )
        )
    return out


def paraphrases(story: Annotated) -> list[Statement]:
    """Reported speech without quotation marks: a sentence whose speaker stands next to a verb of saying."""
    quoted = {n for q in story.quotations for n in story.sentences_in(q.span.start, q.span.end)}
    by_name = {a.name: a for a in story.actors}
    out = []
    for number in range(1, len(story.sentences) + 1):
        if number in quoted or (speaker := sentence_speaker(story, number)) is None:
            continue
        sentence = story.sentence_text(number)
        actor = by_name.get(speaker)
        title = actor.title if actor else None
        kind = StatementKind.paraphrase
        out.append(Statement(speaker=speaker, speaker_title=title, text=sentence, kind=kind, evidence=[sentence]))
    return out


def stance_of(sentence: str) -> list[tuple[Issue, Stance]]:
    """(issue, stance) pairs a sentence states, by the stance and issue words of the vocabulary; a stance on
    nothing the vocabulary names is on `other` (codebook §7.4: relations, dialogue and the like)."""
    return list(_stance_of(sentence))


@lru_cache(maxsize=1024)  # a sentence is asked about once for each statement it carries
def _stance_of(sentence: str) -> tuple[tuple[Issue, Stance], ...]:
    vocab = default_vocabulary()
    stance = next((Stance(name) for name, pattern in vocab.stance_words if pattern.search(sentence)), None)
    if stance is None:
        return ()
    issues = [Issue(name) for name, pattern in vocab.issue_words if pattern.search(sentence)] or [Issue.other]
    return tuple((issue, stance) for issue in issues[:MAX_ISSUES_PER_SENTENCE])


def positions(found_statements: list[Statement]) -> list[Position]:
    """A statement's speaker holds the stance its sentence states on each issue it names; one record per triple."""
    merged: dict[tuple[str, Issue, Stance], Position] = {}
    for statement in found_statements:
        sentence = " ".join(statement.evidence)
        for issue, stance in stance_of(sentence):
            key = (statement.speaker, issue, stance)
            if key in merged:
                if sentence not in merged[key].evidence:
                    merged[key].evidence.append(sentence)
                continue
            merged[key] = Position(
                holder=statement.speaker, issue=issue, stance=stance, summary=sentence, evidence=[sentence]
            )
    return list(merged.values())


def link_statements(found: list[Statement], meetings_found: list[Meeting]) -> list[Statement]:
    """A statement whose sentence is a meeting's evidence belongs to that meeting."""
    linked = []
    for statement in found:
        index = next(
            (i for i, m in enumerate(meetings_found) if any(e in m.evidence for e in statement.evidence)), None
        )
        linked.append(statement.model_copy(update={"meeting_index": index}))
    return linked


def assemble(story: Annotated, answers: Answers) -> ArticleExtraction:
    found_meetings = meetings(story, answers)
    found_statements = statements(story, answers) + paraphrases(story)
    return ArticleExtraction(
        meetings=found_meetings,
        statements=link_statements(found_statements, found_meetings),
        positions=positions(found_statements),
    )
