from __future__ import annotations

from extractor.annotate.assemble import assemble
from extractor.annotate.preannotate import Annotated, preannotate
from schemas import MeetingFormat, MeetingStatus, StatementKind

BOTH = ["Ingrid Halvorsen", "Tomas Aravena"]


def test_two_sentences_about_one_meeting_make_one_record(story: Annotated) -> None:
    contacts = ({"S1": BOTH, "S2": BOTH, "S5": []}, {"S1": 1, "S2": 2, "S5": 5})
    extraction = assemble(story, {"annotate_contacts": contacts})
    assert len(extraction.meetings) == 1
    meeting = extraction.meetings[0]
    assert [p.name for p in meeting.participants] == BOTH
    assert meeting.evidence == [story.sentence_text(1), story.sentence_text(2)]
    assert meeting.date_text and "Tuesday" in meeting.date_text
    assert meeting.format is MeetingFormat.in_person
    assert meeting.status is MeetingStatus.held


def test_city_from_the_evidence(story: Annotated) -> None:
    contacts = ({"S5": BOTH}, {"S5": 5})
    other = preannotate("Minister Ingrid Halvorsen and Minister Tomas Aravena met in Valparaiso on Friday, in January.")
    extraction = assemble(other, {"annotate_contacts": ({"S1": BOTH}, {"S1": 1})})
    assert extraction.meetings[0].location is not None
    assert extraction.meetings[0].location.city == "Valparaiso"
    assert assemble(story, {"annotate_contacts": contacts}).meetings == []  # S5 names Aravena only


def test_answer_naming_one_person_is_no_meeting(story: Annotated) -> None:
    extraction = assemble(story, {"annotate_contacts": ({"S5": ["Tomas Aravena"]}, {"S5": 5})})
    assert extraction.meetings == []


def test_participant_not_named_in_a_naming_sentence_is_dropped(story: Annotated) -> None:
    # S6 names Halvorsen only: the model's second participant is not supported by the sentence.
    extraction = assemble(story, {"annotate_contacts": ({"S6": BOTH}, {"S6": 6})})
    assert extraction.meetings == []


def test_quotes_by_rule_are_verbatim_and_fragments_become_paraphrase(story: Annotated) -> None:
    extraction = assemble(story, {})
    quotes = [s for s in extraction.statements if s.kind is StatementKind.quote]
    assert [q.text for q in quotes] == ["We agreed to meet again before the end of the year,", "The talks were useful."]
    assert all(q.speaker == "Tomas Aravena" for q in quotes)
    fragment = [s for s in extraction.statements if s.evidence == [story.sentence_text(6)]]
    assert [(f.speaker, f.kind, f.text) for f in fragment] == [
        ("Ingrid Halvorsen", StatementKind.paraphrase, story.sentence_text(6))
    ]


def test_reported_speech_without_marks_is_a_paraphrase(story: Annotated) -> None:
    extraction = assemble(story, {})
    reported = [(s.speaker, s.evidence) for s in extraction.statements if s.kind is StatementKind.paraphrase]
    assert ("Ingrid Halvorsen", [story.sentence_text(2)]) in reported
    assert ("Foreign Ministry", [story.sentence_text(5)]) in reported


def test_model_answer_fills_a_quote_the_rules_leave_open(story: Annotated) -> None:
    extraction = assemble(story, {"annotate_quotes": ({"Q9": "unknown"}, {"Q9": 9})})
    assert all(s.speaker != "unknown" for s in extraction.statements)


def test_positions_take_the_sentence_speaker_as_holder(story: Annotated) -> None:
    answers = {"S6": {"issue": "other", "stance": "demands"}}
    extraction = assemble(story, {"annotate_positions": (answers, {"S6": 6})})
    assert [(p.holder, p.issue.value, p.stance.value) for p in extraction.positions] == [
        ("Ingrid Halvorsen", "other", "demands")
    ]


def test_statement_in_a_meeting_sentence_links_to_it(story: Annotated) -> None:
    contacts = ({"S1": BOTH, "S2": BOTH}, {"S1": 1, "S2": 2})
    extraction = assemble(story, {"annotate_contacts": contacts})
    assert extraction.statements[0].meeting_index is None  # the quote's sentence is not meeting evidence
