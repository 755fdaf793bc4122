"""Published fact-checks, for readers: no sign-in, nothing unpublished.

- ``/fact-checks/``: every published fact-check, newest first, with an Atom feed;
- ``/fact-checks/<id>-<slug>``: one fact-check (the ClaimReview ``url``): the claim, who said
  it and where, the rating and the editor's summary, every source with its stance and its
  archived copy, the correction history, and the ClaimReview JSON-LD in the page itself, as
  Google and Data Commons read it;
- ``/fact-checks/<id>/archive/<capture>``: the archived copy of a source that a published
  fact-check cites (the same sandboxed replay as the desk's).

A claim whose verdict is not published (never approved, stale, withdrawn) is a 404, and so is
every archive it cites unless a published fact-check cites it too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from app.db import session
from app.exports.atom import MEDIA_TYPE, atom_feed
from app.exports.claimreview import claimreview
from app.exports.query import (
    ExportFilters,
    claim_records,
    evidence_records,
    published_selection,
)
from app.exports.records import ClaimRecord, EvidenceRecord
from app.exports.service import publisher
from app.ids import ID
from app.models import Capture, Claim, Verdict
from app.replay import archived_page
from app.workflow.verified import verified_clause
from config import settings

bp = Blueprint(
    "public",
    __name__,
    url_prefix="/fact-checks",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

PAGE = 30
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def _newest(limit: int, before: datetime | None = None) -> list[int]:
    """Published claim ids, newest approval first."""
    query = (
        select(Verdict.claim_id)
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(verified_clause())
        .order_by(Verdict.reviewed_at.desc(), Verdict.claim_id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(Verdict.reviewed_at < before)
    return list(session().scalars(query))


def _records(claim_ids: list[int]) -> list[ClaimRecord]:
    chosen = published_selection(ExportFilters(claim_ids=tuple(claim_ids)))
    found = {r.id: r for r in claim_records(session(), chosen)}
    return [found[i] for i in claim_ids if i in found]


def _published(claim_id: int) -> tuple[ClaimRecord, list[EvidenceRecord]]:
    chosen = published_selection(ExportFilters(claim_ids=(claim_id,)))
    records = list(claim_records(session(), chosen))
    if not records:
        abort(404)
    return records[0], list(evidence_records(session(), chosen))


def _json_ld(record: ClaimRecord) -> str:
    # "<" escaped, so nothing in a claim can close the script element.
    text = json.dumps(claimreview(record, publisher()), ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c")


@bp.after_request
def _headers(resp: Response) -> Response:
    resp.headers.setdefault("Content-Security-Policy", CSP)
    return resp


@bp.get("/")
def index() -> ResponseReturnValue:
    before_arg = request.args.get("before")
    try:
        before = datetime.fromisoformat(before_arg) if before_arg else None
    except ValueError:
        abort(404)
    if before is not None and before.tzinfo is None:
        before = before.replace(tzinfo=UTC)
    records = _records(_newest(PAGE + 1, before))
    more = records[PAGE:]
    records = records[:PAGE]
    older = records[-1].approved_at.isoformat() if more and records else None
    return render_template(
        "public/index.html", records=records, older=older, name=settings().PUBLISHER_NAME
    )


@bp.get("/feed.atom")
def feed() -> Response:
    s = settings()
    records = _records(_newest(50))
    base = s.PUBLIC_URL.rstrip("/")
    updated = max((r.approved_at for r in records), default=datetime.now(UTC))
    body = atom_feed(
        records,
        feed_id=f"{base}/fact-checks/",
        title=f"{s.PUBLISHER_NAME}: fact-checks",
        self_url=f"{base}/fact-checks/feed.atom",
        site_url=f"{base}/fact-checks/",
        author=s.PUBLISHER_NAME,
        updated=updated,
    )
    return Response(b"".join(body), mimetype=MEDIA_TYPE)


@bp.get(f"/<{ID}:claim_id>")
@bp.get(f"/<{ID}:claim_id>-<slug>")
def fact_check(claim_id: int, slug: str | None = None) -> ResponseReturnValue:
    record, evidence = _published(claim_id)
    canonical = record.public_url.removeprefix(settings().PUBLIC_URL.rstrip("/"))
    if request.path != canonical:
        return redirect(canonical, code=301)
    return render_template(
        "public/fact_check.html",
        record=record,
        evidence=evidence,
        json_ld=_json_ld(record),
        name=settings().PUBLISHER_NAME,
    )


@bp.get(f"/<{ID}:claim_id>/archive/<{ID}:capture_id>")
def archived(claim_id: int, capture_id: int) -> Response:
    _, evidence = _published(claim_id)
    if capture_id not in {e.capture_id for e in evidence}:
        abort(404)
    capture = session().get(Capture, capture_id)
    if capture is None:
        abort(404)
    return archived_page(capture)
