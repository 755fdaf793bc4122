"""The exported set, from the database to records (``app.exports.records``), streamed.

An export is first recorded as a run (``record_run``): one INSERT ... SELECT copies the chosen
claims into ``exported_claims`` with their verdict and audit-chain head, inside the database.
Every format then reads that run, so what was recorded is exactly what was served, however
long the stream takes. Each reader is a handful of queries streamed with server-side cursors
(``yield_per``) in claim order, joined in Python by claim id: memory stays flat whatever the
size of the set.

Public interface::

    ExportFilters(q, tag, document, rating, approved_from, approved_to, cluster, state,
                  claim_ids)
    record_run(session, fmt, filters, *, actor) -> ExportRun
    run_selection(run_id), published_selection(filters)     what the readers below read
    claim_records(session, chosen) -> Iterator[ClaimRecord]
    evidence_records(session, chosen) -> Iterator[EvidenceRecord]
    capture_blobs(session, chosen, store) -> Iterator[CaptureBlob]
    chain_heads(session, run_id) -> {claim_id: head}
    public_path(claim_id, slug) -> "/fact-checks/<id>-<slug>"
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, insert, literal, select
from sqlalchemy.orm import Session, aliased

from app.archive.storage import BlobStore
from app.exports.records import (
    Appearance,
    CaptureBlob,
    ClaimRecord,
    Correction,
    EvidenceRecord,
    Person,
    RatingScale,
)
from app.models import (
    Capture,
    CaptureStatus,
    Claim,
    ClaimState,
    Document,
    Event,
    Evidence,
    ExportedClaim,
    ExportRun,
    Source,
    User,
    Verdict,
    VerdictStatus,
)
from app.workflow.queue import mentions
from app.workflow.verified import verified_clause
from config import settings

CHUNK = 2000  # rows fetched per round trip of a server-side cursor


@dataclass(frozen=True)
class ExportFilters:
    q: str | None = None  # words in the claim or its speaker
    tag: str | None = None
    document: int | None = None
    rating: str | None = None
    approved_from: datetime | None = None  # the current verdict approved at or after
    approved_to: datetime | None = None  # ... and before
    cluster: int | None = None
    state: ClaimState | None = None
    claim_ids: tuple[int, ...] | None = None  # an explicit selection (the queue's bulk export)

    def as_dict(self) -> dict[str, Any]:
        """The filters that were set, as the run and the package manifest record them."""
        out: dict[str, Any] = {}
        for name, value in vars(self).items():
            if value is None:
                continue
            if isinstance(value, datetime | date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, ClaimState):
                value = value.value
            out[name] = value
        return out

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [verified_clause()]
        if self.q:
            found.append(mentions(self.q))
        if self.tag:
            # Tags are a JSON list on both backends; the tag's JSON form is matched in its text.
            found.append(cast(Claim.tags, String).like(_like(json.dumps(self.tag)), escape="\\"))
        if self.document is not None:
            found.append(Claim.document_id == self.document)
        if self.rating:
            found.append(Verdict.rating == self.rating)
        if self.approved_from is not None:
            found.append(Verdict.reviewed_at >= self.approved_from)
        if self.approved_to is not None:
            found.append(Verdict.reviewed_at < self.approved_to)
        if self.cluster is not None:
            found.append(Claim.cluster_id == self.cluster)
        if self.state is not None:
            found.append(Claim.state == self.state)
        if self.claim_ids is not None:
            found.append(Claim.id.in_(self.claim_ids))
        return found


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def record_run(
    session: Session, fmt: str, filters: ExportFilters, *, actor: User | None
) -> ExportRun:
    """Record the export: the run, and each chosen claim with its verdict and chain head."""
    run = ExportRun(
        actor_id=actor.id if actor is not None else None, format=fmt, filters=filters.as_dict()
    )
    session.add(run)
    session.flush()
    head = (
        select(Event.hash)
        .where(Event.claim_id == Verdict.claim_id)
        .order_by(Event.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    chosen = (
        select(literal(run.id), Verdict.claim_id, Verdict.id, head)
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(*filters.conditions())
    )
    session.execute(
        insert(ExportedClaim).from_select(
            ["run_id", "claim_id", "verdict_id", "chain_head"], chosen
        )
    )
    counted = select(func.count()).where(ExportedClaim.run_id == run.id)
    run.count = session.scalar(counted) or 0
    return run


# A selection is a subquery of (claim_id, verdict_id): an export run's claims, or the claims
# published right now (the public pages). Every reader below takes one.
Selection = Any


def run_selection(run_id: int) -> Selection:
    return (
        select(ExportedClaim.claim_id, ExportedClaim.verdict_id)
        .where(ExportedClaim.run_id == run_id)
        .subquery("chosen")
    )


def published_selection(filters: ExportFilters = ExportFilters()) -> Selection:
    return (
        select(Verdict.claim_id.label("claim_id"), Verdict.id.label("verdict_id"))
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(*filters.conditions())
        .subquery("chosen")
    )


def chain_heads(session: Session, run_id: int) -> dict[int, str]:
    """Each claim of the run and the head of its audit chain when it was exported."""
    query = select(ExportedClaim.claim_id, ExportedClaim.chain_head).where(
        ExportedClaim.run_id == run_id, ExportedClaim.chain_head.is_not(None)
    )
    rows = session.execute(query.execution_options(yield_per=CHUNK))
    return {claim_id: head for claim_id, head in rows if head is not None}


# --- claims -----------------------------------------------------------------------------------


def public_path(claim_id: int, slug: str | None) -> str:
    """The published fact-check's path: the id makes it stable, the slug readable."""
    return f"/fact-checks/{claim_id}-{slug}" if slug else f"/fact-checks/{claim_id}"


def claim_records(session: Session, chosen: Selection) -> Iterator[ClaimRecord]:
    s = settings()
    scale = RatingScale.from_setting(s.RATING_SCALE)
    base = s.PUBLIC_URL.rstrip("/")
    proposer, approver = aliased(User), aliased(User)
    rows = (
        select(
            Claim.id.label("cid"),
            Claim.text,
            Claim.public_slug,
            Claim.speaker,
            Claim.speaker_kind,
            Claim.claim_date,
            Claim.appearance_url,
            Claim.tags,
            Claim.cluster_id,
            Claim.state,
            Verdict.id.label("vid"),
            Verdict.rating,
            Verdict.rationale,
            Verdict.reviewed_at,
            Verdict.corrects_id,
            proposer.email.label("p_email"),
            proposer.name.label("p_name"),
            approver.email.label("a_email"),
            approver.name.label("a_name"),
            Document.url.label("doc_url"),
            Document.published_at.label("doc_date"),
            Document.title.label("doc_title"),
            Document.publisher.label("doc_publisher"),
        )
        .select_from(chosen)
        .join(Claim, Claim.id == chosen.c.claim_id)
        .join(Verdict, Verdict.id == chosen.c.verdict_id)
        .outerjoin(proposer, proposer.id == Verdict.proposed_by_id)
        .outerjoin(approver, approver.id == Verdict.reviewed_by_id)
        .outerjoin(Document, Document.id == Claim.document_id)
        .order_by(Claim.id)
    )
    history = _corrections(session, chosen)
    elsewhere = _restatement_appearances(session, chosen)
    for row in session.execute(rows.execution_options(yield_per=CHUNK)):
        own: list[_Seen] = []
        if row.appearance_url:
            own.append(_Seen(Appearance(row.appearance_url, row.claim_date), 0, 0))
        if row.doc_url:
            seen = Appearance(row.doc_url, row.doc_date, row.doc_title, row.doc_publisher)
            own.append(_Seen(seen, 1, 0))
        corrections, first_published = (
            _chain(history[row.cid], row.vid) if row.corrects_id else ([], None)
        )
        yield ClaimRecord(
            id=row.cid,
            text=row.text,
            speaker=row.speaker,
            speaker_kind=row.speaker_kind.value if row.speaker_kind is not None else None,
            claim_date=row.claim_date,
            appearances=_first_first(own + elsewhere.get(row.cid, [])),
            tags=list(row.tags or []),
            cluster_id=row.cluster_id,
            state=row.state.value,
            rating=row.rating,
            rating_label=scale.label(row.rating),
            rating_value=scale.value(row.rating),
            summary=row.rationale,
            proposed_by=Person(row.p_email, row.p_name or "") if row.p_email else None,
            approved_by=Person(row.a_email, row.a_name or "") if row.a_email else None,
            approved_at=row.reviewed_at,
            corrections=corrections,
            public_url=base + public_path(row.cid, row.public_slug),
            verdict_id=row.vid,
            first_published_at=first_published,
        )


@dataclass(frozen=True)
class _Seen:
    """An appearance and where it came from: 0 the claim's own URL, 1 its document, 2 and 3 a
    restatement's (``member``, its id) URL and document."""

    appearance: Appearance
    origin: int
    member: int


def _first_first(candidates: list[_Seen]) -> list[Appearance]:
    """Distinct URLs (the claim's own before a restatement's), the earliest dated first (the
    first appearance), undated after; ties in a fixed order, as the Postgres path gives them."""
    best: dict[str, _Seen] = {}
    for seen in candidates:
        kept = best.get(seen.appearance.url)
        if kept is None or (seen.origin, seen.member) < (kept.origin, kept.member):
            best[seen.appearance.url] = seen
    ordered = sorted(
        best.values(),
        key=lambda s: (
            s.appearance.published_at is None,
            s.appearance.published_at or date.max,
            s.origin,
            s.member,
            s.appearance.url,
        ),
    )
    return [s.appearance for s in ordered]


def _corrections(session: Session, chosen: Selection) -> dict[int, dict[int, Any]]:
    """The approved and superseded verdicts of each chosen claim that has a correction."""
    verdicts = session.execute(
        select(
            Verdict.claim_id,
            Verdict.id,
            Verdict.corrects_id,
            Verdict.correction_note,
            Verdict.reviewed_at,
        )
        .join(chosen, chosen.c.claim_id == Verdict.claim_id)
        .where(
            Verdict.status.in_([VerdictStatus.APPROVED, VerdictStatus.SUPERSEDED]),
            Verdict.claim_id.in_(select(Verdict.claim_id).where(Verdict.corrects_id.is_not(None))),
        )
    ).all()
    by_claim: dict[int, dict[int, Any]] = defaultdict(dict)
    for row in verdicts:
        by_claim[row.claim_id][row.id] = row
    return by_claim


def _chain(rows: dict[int, Any], verdict_id: int) -> tuple[list[Correction], datetime | None]:
    """The corrections that led to the exported verdict, oldest first, and when the first
    verdict of the line was published."""
    current = rows[verdict_id]
    corrections: list[Correction] = []
    while current.corrects_id is not None and current.corrects_id in rows:
        corrections.append(
            Correction(current.reviewed_at.date(), current.correction_note or "Corrected.")
        )
        current = rows[current.corrects_id]
    return corrections[::-1], current.reviewed_at


def _restatement_appearances(session: Session, chosen: Selection) -> dict[int, list[_Seen]]:
    """Where the restatements of each exported claim (its cluster) appeared."""
    member = aliased(Claim)
    rows = session.execute(
        select(
            Claim.id,
            member.id,
            member.appearance_url,
            member.claim_date,
            Document.url,
            Document.published_at,
            Document.title,
            Document.publisher,
        )
        .select_from(chosen)
        .join(Claim, Claim.id == chosen.c.claim_id)
        .join(member, and_(member.cluster_id == Claim.cluster_id, member.id != Claim.id))
        .outerjoin(Document, Document.id == member.document_id)
        .execution_options(yield_per=CHUNK)
    )
    out: dict[int, list[_Seen]] = defaultdict(list)
    for cid, mid, url, when, doc_url, doc_date, title, publisher in rows:
        if url:
            out[cid].append(_Seen(Appearance(url, when), 2, mid))
        if doc_url:
            out[cid].append(_Seen(Appearance(doc_url, doc_date, title, publisher), 3, mid))
    return out


# --- evidence and captures --------------------------------------------------------------------


def _cited_capture() -> Any:
    """The archived capture an evidence item stood on: its source's newest archive made no
    later than the verdict's approval (what the editor saw); for an item archived only after
    approval (context added later), its newest archive."""
    archived = select(func.max(Capture.id)).where(
        Capture.source_id == Evidence.source_id, Capture.status == CaptureStatus.ARCHIVED
    )
    seen = archived.where(Capture.fetched_at <= Verdict.reviewed_at)
    return func.coalesce(seen.scalar_subquery(), archived.scalar_subquery())


def _evidence_rows(chosen: Selection) -> Any:
    cited = _cited_capture().label("capture_id")
    return (
        select(
            Evidence.claim_id,
            Source.url,
            Source.publisher,
            Evidence.stance,
            Evidence.quote,
            Evidence.quote_found,
            cited,
        )
        .select_from(chosen)
        .join(Verdict, Verdict.id == chosen.c.verdict_id)
        .join(Evidence, Evidence.claim_id == chosen.c.claim_id)
        .join(Source, Source.id == Evidence.source_id)
        .order_by(Evidence.claim_id, Evidence.id)
    )


def evidence_records(session: Session, chosen: Selection) -> Iterator[EvidenceRecord]:
    base = settings().PUBLIC_URL.rstrip("/")
    rows = _evidence_rows(chosen).subquery()
    query = (
        select(rows, Capture.fetched_at, Capture.sha256)
        .outerjoin(Capture, Capture.id == rows.c.capture_id)
        .order_by(rows.c.claim_id)
    )
    for row in session.execute(query.execution_options(yield_per=CHUNK)):
        capture_id = row.capture_id
        yield EvidenceRecord(
            claim_id=row.claim_id,
            url=row.url,
            publisher=row.publisher,
            stance=row.stance.value,
            quote=row.quote,
            quote_found=row.quote_found,
            capture_id=capture_id,
            captured_at=row.fetched_at,
            sha256=row.sha256,
            archive_url=(
                f"{base}/fact-checks/{row.claim_id}/archive/{capture_id}" if capture_id else None
            ),
        )


def capture_blobs(session: Session, chosen: Selection, store: BlobStore) -> Iterator[CaptureBlob]:
    """Each archived capture the chosen claims' evidence stands on, once."""
    cited = _evidence_rows(chosen).subquery()
    query = (
        select(Capture, Source.url)
        .join(Source, Source.id == Capture.source_id)
        .where(Capture.id.in_(select(cited.c.capture_id)), Capture.warc_key.is_not(None))
        .order_by(Capture.id)
    )
    for capture, url in session.execute(query.execution_options(yield_per=200)):
        key = capture.warc_key
        assert key is not None
        yield CaptureBlob(
            capture_id=capture.id,
            url=url,
            final_url=capture.final_url or url,
            fetched_at=capture.fetched_at or capture.created_at,
            title=capture.title,
            warc=partial(store.open, key),
            size=store.size(key),
        )
        session.expunge(capture)
