"""The review page: one self-contained HTML file (no network, no server) to check records against articles.

`review_data` (pure) gathers what the page shows; `render_review` (pure) embeds it as JSON in a
``<script type="application/json">`` block next to the page's own script and style
(``extractor/data/review/``). The script renders one article (or one page of the events list) at a time,
so a 5,000-article output opens, and builds every node with `textContent`: nothing taken from an article is
ever parsed as HTML. In the embedded JSON, ``<``, ``>``, ``&`` and the JavaScript line separators are written
as ``\\u`` escapes, so a ``</script>`` in an article cannot close the block.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from extractor.codes import code_meeting, code_position
from extractor.dataset.load import OutputSet
from schemas import ActorRef, EvidenceSpan, Flag, MeetingRecord, PositionRecord, StatementRecord

ASSETS = Path(__file__).resolve().parents[1] / "data" / "review"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def embed_json(data: Any) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _actor(ref: ActorRef) -> dict[str, Any]:
    return {"name": ref.canonical_name or ref.name_as_written, "written": ref.name_as_written,
            "qid": ref.actor_id, "country": ref.country}  # fmt: skip


def _spans(evidence: list[EvidenceSpan]) -> list[list[int]]:
    return [[s.start, s.end] for s in evidence if s.start is not None and s.end is not None]


def _flags(flags: list[Flag]) -> list[dict[str, str]]:
    return [{"code": f.code.value, "reason": f.reason} for f in flags]


def _base(record: MeetingRecord | StatementRecord | PositionRecord, kind: str, event: str | None) -> dict[str, Any]:
    return {"id": record.id, "type": kind, "article": record.article_id, "spans": _spans(record.evidence),
            "unplaced": [s.text for s in record.evidence if s.start is None or s.end is None],
            "flags": _flags(record.flags), "event": event}  # fmt: skip


def _meeting(m: MeetingRecord, event: str | None) -> dict[str, Any]:
    codes = m.codes or code_meeting(m)
    date = m.date
    return {**_base(m, "meeting", event), "participants": [_actor(p) for p in m.participants],
            "status": m.meeting.status.value, "format": m.meeting.format.value,
            "date": {"iso": date.iso, "precision": date.precision.value, "method": date.method,
                     "confidence": date.confidence, "expression": date.expression},
            "place": m.meeting.location.model_dump(exclude_none=True) if m.meeting.location else None,
            "code": f"CAMEO {codes.cameo} {codes.cameo_label} · PLOVER {codes.plover}"
                    + (f" ({codes.plover_mode})" if codes.plover_mode else "") + f" · {codes.basis}"}  # fmt: skip


def _statement(s: StatementRecord, event: str | None) -> dict[str, Any]:
    code = f"CAMEO {s.codes.cameo} · PLOVER {s.codes.plover}" if s.codes else None
    return {**_base(s, "statement", event), "speaker": _actor(s.speaker), "kind": s.statement.kind.value,
            "text": s.statement.text, "meeting": s.meeting_id, "code": code}  # fmt: skip


def _position(p: PositionRecord, event: str | None) -> dict[str, Any]:
    codes = p.codes or code_position(p)
    return {**_base(p, "position", event), "holder": _actor(p.holder), "issue": p.position.issue.value,
            "stance": p.position.stance.value, "text": p.position.summary,
            "code": f"CAMEO {codes.cameo} · PLOVER {codes.plover}" if codes else None}  # fmt: skip


def review_data(output: OutputSet, texts: Mapping[str, str]) -> dict[str, Any]:
    event_of = {m.record_id: e.id for e in output.events for m in e.mentions}
    event_of |= {i: e.id for e in output.events for i in (*e.statement_ids, *e.position_ids)}
    records: list[dict[str, Any]] = [_meeting(m, event_of.get(m.id)) for m in output.meetings]
    records += [_statement(s, event_of.get(s.id)) for s in output.statements]
    records += [_position(p, event_of.get(p.id)) for p in output.positions]
    articles = [
        {"id": a.id, "title": a.title, "source": a.source,
         "published": a.published.isoformat() if a.published else None, "status": a.status.value,
         "text": texts.get(a.id), "flags": _flags(a.flags)}
        for a in output.articles
    ]  # fmt: skip
    events: list[dict[str, Any]] = [
        {"id": e.id, "status": e.status.value, "date": e.date.iso, "precision": e.date.precision.value,
         "participants": [p.name for p in e.participants], "code": e.codes.cameo, "flags": _flags(e.flags),
         "mentions": [{"record": m.record_id, "article": m.article_id, "date": m.date} for m in e.mentions],
         "links": [{"event": link.event_id, "relation": link.relation} for link in e.links]}
        for e in output.events
    ]  # fmt: skip
    codes = sorted({f["code"] for r in records for f in r["flags"]} | {f["code"] for e in events for f in e["flags"]})
    return {"articles": articles, "records": records, "events": events, "flag_codes": codes}


def render_review(data: Mapping[str, Any], title: str = "extractor review") -> str:
    style = (ASSETS / "review.css").read_text(encoding="utf-8")
    script = (ASSETS / "review.js").read_text(encoding="utf-8")
    shell = (ASSETS / "review.html").read_text(encoding="utf-8")
    page = shell.replace("{{title}}", html.escape(title)).replace("/*{{style}}*/", style)
    page = page.replace("/*{{script}}*/", script)
    return page.replace("{{data}}", embed_json(data))  # last: nothing is substituted inside the data
