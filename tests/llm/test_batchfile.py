from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.errors import AnswerPendingError, InputError, TransportError
from extractor.llm.batchfile import (
    BatchAnswers,
    BatchResult,
    call_id,
    load_results,
    parse_result_line,
    request_line,
    split_lines,
    write_requests,
)

BODY = {"model": "m", "messages": [{"role": "user", "content": "q"}], "temperature": 0.0}


def _result(custom_id: str, status: int | None, body: dict[str, object] | None = None) -> dict[str, object]:
    response = None if status is None else {"status_code": status, "body": body or {}}
    error = {"code": "batch_expired", "message": "expired"} if status is None else None
    return {"id": "batch_req_0", "custom_id": custom_id, "response": response, "error": error}


def test_a_call_id_is_the_hash_of_the_exact_body_whatever_the_key_order() -> None:
    assert call_id(BODY) == call_id(dict(reversed(list(BODY.items()))))
    assert call_id(BODY) != call_id({**BODY, "temperature": 0.5})
    line = request_line("a" * 16, BODY)
    assert line["custom_id"] == f"{'a' * 16}:{call_id(BODY)}" and line["body"] is BODY


def test_result_lines_parse_answers_and_provider_errors() -> None:
    key, ok = parse_result_line(_result("art:abc", 200, {"id": "x"}))
    assert key == "abc" and ok.answered and not ok.retryable
    _, throttled = parse_result_line(_result("art:abc", 429, {"error": {"message": "slow down"}}))
    assert not throttled.answered and throttled.retryable and "slow down" in str(throttled.error)
    _, expired = parse_result_line(_result("art:abc", None))
    assert expired.retryable and "batch_expired" in str(expired.error)
    with pytest.raises(ValueError, match="custom_id"):
        parse_result_line({"custom_id": "no-separator"})


def test_an_answer_wins_over_an_error_in_any_file(tmp_path: Path) -> None:
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    first.write_text(json.dumps(_result("a:k", 200, {"id": "good"})) + "\n")
    second.write_text(json.dumps(_result("a:k", 500)) + "\n\n" + json.dumps(_result("a:j", 500)) + "\n")
    results = load_results([first, second])
    assert results["k"].answered and not results["j"].answered
    (tmp_path / "bad.jsonl").write_text("not json\n")
    with pytest.raises(InputError, match=r"bad\.jsonl:1"):
        load_results([tmp_path / "bad.jsonl"])


def test_a_missing_answer_is_noted_once_for_the_next_file_and_raises_pending() -> None:
    answers = BatchAnswers({call_id(BODY): BatchResult(429, None, "throttled")})
    source = answers.for_article("art")
    for _ in range(2):
        with pytest.raises(AnswerPendingError, match="asked again"):
            source.answer(BODY)
    assert list(answers.pending) == [f"art:{call_id(BODY)}"] and source.pending == 2
    rejected = BatchAnswers({call_id(BODY): BatchResult(400, None, "bad")}).for_article("art")
    with pytest.raises(TransportError, match="HTTP 400"):
        rejected.answer(BODY)


def test_a_round_too_big_for_one_file_is_split_by_lines_and_by_bytes(tmp_path: Path) -> None:
    assert split_lines(["a\n", "b\n", "c\n"], max_lines=2, max_bytes=100) == [["a\n", "b\n"], ["c\n"]]
    assert split_lines(["aaaa\n", "b\n", "cccccc\n"], max_lines=9, max_bytes=6) == [["aaaa\n"], ["b\n"], ["cccccc\n"]]
    lines = [request_line("art", {**BODY, "seed": n}) for n in range(5)]
    files = write_requests(tmp_path / "batch.jsonl", lines, max_lines=2)
    assert [f.name for f in files] == ["batch.jsonl", "batch-2.jsonl", "batch-3.jsonl"]
    assert [json.loads(t)["body"]["seed"] for f in files for t in f.read_text().splitlines()] == [0, 1, 2, 3, 4]
