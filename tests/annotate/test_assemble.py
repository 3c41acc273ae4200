from __future__ import annotations

from extractor.annotate.assemble import Answers, assemble, stance_of
from extractor.annotate.preannotate import Annotated, preannotate
from schemas import Issue, MeetingFormat, MeetingStatus, Stance, StatementKind

BOTH = ["Ingrid Halvorsen", "Tomas Aravena"]


def test_sentence_naming_two_people_needs_no_participant_answer(story: Annotated) -> None:
    extraction = assemble(story, Answers(contact_sentences=[1]))
    (meeting,) = extraction.meetings
    assert [p.name for p in meeting.participants] == BOTH
    assert meeting.participants[0].title == "Foreign Minister"
    assert meeting.date_text and "Tuesday" in meeting.date_text
    assert meeting.format is MeetingFormat.in_person
    assert meeting.status is MeetingStatus.held


def test_two_sentences_about_one_meeting_make_one_record(story: Annotated) -> None:
    extraction = assemble(story, Answers(contact_sentences=[1, 2], participants={2: BOTH}))
    (meeting,) = extraction.meetings
    assert meeting.evidence == [story.sentence_text(1), story.sentence_text(2)]


def test_sentence_not_chosen_as_contact_gives_no_meeting(story: Annotated) -> None:
    assert assemble(story, Answers(contact_sentences=[])).meetings == []


def test_answer_naming_one_person_is_no_meeting(story: Annotated) -> None:
    extraction = assemble(story, Answers(contact_sentences=[5], participants={5: ["Tomas Aravena"]}))
    assert extraction.meetings == []


def test_participant_not_named_in_a_naming_sentence_is_dropped(story: Annotated) -> None:
    # S6 names Halvorsen only and does not speak of both sides: the second answer is not supported.
    extraction = assemble(story, Answers(contact_sentences=[6], participants={6: BOTH}))
    assert extraction.meetings == []


def test_city_from_the_evidence() -> None:
    other = preannotate("Minister Ingrid Halvorsen and Minister Tomas Aravena met in Valparaiso on Friday, in January.")
    (meeting,) = assemble(other, Answers(contact_sentences=[1])).meetings
    assert meeting.location is not None and meeting.location.city == "Valparaiso"


def test_quotes_by_rule_are_verbatim_and_fragments_become_paraphrase(story: Annotated) -> None:
    extraction = assemble(story, Answers())
    quotes = [s for s in extraction.statements if s.kind is StatementKind.quote]
    assert [q.text for q in quotes] == ["We agreed to meet again before the end of the year,", "The talks were useful."]
    assert all(q.speaker == "Tomas Aravena" for q in quotes)
    fragment = [s for s in extraction.statements if s.evidence == [story.sentence_text(6)]]
    assert [(f.speaker, f.kind, f.text) for f in fragment] == [
        ("Ingrid Halvorsen", StatementKind.paraphrase, story.sentence_text(6))
    ]


def test_reported_speech_without_marks_is_a_paraphrase(story: Annotated) -> None:
    extraction = assemble(story, Answers())
    reported = [(s.speaker, s.evidence) for s in extraction.statements if s.kind is StatementKind.paraphrase]
    assert ("Ingrid Halvorsen", [story.sentence_text(2)]) in reported
    assert ("Foreign Ministry", [story.sentence_text(5)]) in reported


def test_model_speaker_fills_a_quote_the_rules_leave_open() -> None:
    other = preannotate("Minister Tomas Aravena arrived.\nA banner read \u201cno more quotas for anyone here.\u201d")
    assert assemble(other, Answers()).statements == []
    (statement,) = assemble(other, Answers(speakers={1: "Tomas Aravena"})).statements
    assert (statement.speaker, statement.kind) == ("Tomas Aravena", StatementKind.quote)


def test_unknown_speaker_gives_no_statement() -> None:
    other = preannotate("Minister Tomas Aravena arrived.\nA banner read \u201cno more quotas for anyone here.\u201d")
    assert assemble(other, Answers(speakers={1: "unknown"})).statements == []


def test_stance_and_issue_words() -> None:
    assert stance_of("She urged both sides to respect the ceasefire.") == [(Issue.armed_conflict, Stance.demands)]
    assert stance_of("He spoke about the weather.") == []
    assert stance_of("He welcomed the new dialogue.") == [(Issue.other, Stance.welcomes)]


def test_positions_from_statements(story: Annotated) -> None:
    other = preannotate("Minister Tomas Aravena said he opposes any new tariffs.")
    positions = assemble(other, Answers()).positions
    assert [(p.holder, p.issue, p.stance) for p in positions] == [
        ("Tomas Aravena", Issue.trade_tariffs, Stance.opposes)
    ]


def test_two_people_of_one_known_country_are_no_diplomatic_contact() -> None:
    other = preannotate("Norwegian Minister Ingrid Halvorsen met Norwegian Minister Lars Dahl in Oslo.")
    assert assemble(other, Answers(contact_sentences=[1])).meetings == []


def test_a_round_of_calls_is_one_call_per_counterpart() -> None:
    other = preannotate(
        "Minister Ingrid Halvorsen spoke by phone with Minister Tomas Aravena, Minister Lena Varga"
        " and Minister Piet Ros."
    )
    extraction = assemble(other, Answers(contact_sentences=[1]))
    pairs = [sorted(p.name for p in m.participants) for m in extraction.meetings]
    hub = "Ingrid Halvorsen"
    assert pairs == [[hub, "Tomas Aravena"], [hub, "Lena Varga"], [hub, "Piet Ros"]]
    assert all(m.format is MeetingFormat.phone for m in extraction.meetings)


def test_a_pronoun_subject_with_counterparts_is_a_round_by_the_previous_person() -> None:
    other = preannotate(
        "Minister Ingrid Halvorsen spent the day calling counterparts by telephone. "
        "She spoke to Minister Tomas Aravena and Minister Lena Varga."
    )
    extraction = assemble(other, Answers(contact_sentences=[1, 2]))
    pairs = [sorted(p.name for p in m.participants) for m in extraction.meetings]
    assert pairs == [["Ingrid Halvorsen", "Tomas Aravena"], ["Ingrid Halvorsen", "Lena Varga"]]
    assert all(m.format is MeetingFormat.phone for m in extraction.meetings)  # the paragraph says how
