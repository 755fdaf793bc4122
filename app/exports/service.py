"""Exporting the verified claim set: the one service the API, the CLI and the pages call.

An export is recorded first (``start``: one ``ExportRun`` listing the claims it holds and
their audit-chain heads; no event on any claim), then rendered from that record as a stream.

Public interface::

    FORMATS                                  name -> Format(media_type, filename, binary)
    start(session, fmt, filters, *, actor) -> ExportRun
    stream_text(run_id, *, bom=False) -> Iterator[str]       every text format, read-only
    write_package(session, run, out, *, actor) -> Manifest   the evidence package (zip)
    package_to(out, run_id, *, actor_id) -> Manifest          ... read-only, then recorded

Reading happens in a read-only session (``Database.reader``): an export of any size never
holds a write lock (SQLite) and cannot write by mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.archive.storage import blob_store
from app.db import get_db
from app.exports import formats, package, postgres
from app.exports.claimreview import claimreview_array, iter_datafeed
from app.exports.query import (
    ExportFilters,
    capture_blobs,
    chain_heads,
    claim_records,
    evidence_records,
    record_run,
    run_selection,
)
from app.exports.records import Person, Publisher, RatingScale
from app.models import ExportRun, User
from config import settings


@dataclass(frozen=True)
class Format:
    media_type: str
    filename: str
    binary: bool = False


FORMATS: dict[str, Format] = {
    "claimreview": Format("application/ld+json", "claimreview.json"),
    "feed": Format("application/ld+json", "claimreview-feed.json"),
    "claims.csv": Format("text/csv", "claims.csv"),
    "claims.jsonl": Format("application/jsonl", "claims.jsonl"),
    "evidence.csv": Format("text/csv", "evidence.csv"),
    "evidence.jsonl": Format("application/jsonl", "evidence.jsonl"),
    "package": Format("application/zip", "evidence-package.zip", binary=True),
}


def publisher() -> Publisher:
    s = settings()
    scale = RatingScale.from_setting(s.RATING_SCALE)
    return scale.publisher(s.PUBLISHER_NAME, s.PUBLISHER_URL or s.PUBLIC_URL)


def start(session: Session, fmt: str, filters: ExportFilters, *, actor: User | None) -> ExportRun:
    """Record an export of the claims ``filters`` choose (the caller commits)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return record_run(session, fmt, filters, actor=actor)


def render(session: Session, run: ExportRun, *, bom: bool = False) -> Iterator[str]:
    """The run's claims in its (text) format, streamed from the database."""
    fmt, chosen = run.format, run_selection(run.id)
    if fmt == "claimreview":
        yield from claimreview_array(claim_records(session, chosen), publisher())
    elif fmt == "feed":
        yield from iter_datafeed(claim_records(session, chosen), publisher(), run.created_at)
    elif fmt == "claims.csv":
        yield from formats.claims_csv(claim_records(session, chosen), bom=bom)
    elif fmt == "claims.jsonl" and session.get_bind().dialect.name == "postgresql":
        yield from postgres.claims_jsonl(session, run.id)  # the same rows, built by Postgres
    elif fmt == "claims.jsonl":
        yield from formats.claims_jsonl(claim_records(session, chosen))
    elif fmt == "evidence.csv":
        yield from formats.evidence_csv(evidence_records(session, chosen), bom=bom)
    elif fmt == "evidence.jsonl":
        yield from formats.evidence_jsonl(evidence_records(session, chosen))
    else:
        raise ValueError(f"{fmt!r} is not a text format")


def stream_text(run_id: int, *, bom: bool = False) -> Iterator[str]:
    """The run's text export, read in its own read-only session (the caller has committed the
    run and keeps an app context around the iteration)."""
    with get_db().reader() as s:
        run = s.get(ExportRun, run_id)
        assert run is not None
        yield from render(s, run, bom=bom)


def package_to(out: IO[bytes], run_id: int, *, actor_id: int | None) -> package.Manifest:
    """Write the run's package to ``out`` from a read-only session, then record the manifest's
    hash on the run."""
    db = get_db()
    with db.reader() as s:
        run = s.get(ExportRun, run_id)
        assert run is not None
        actor = s.get(User, actor_id) if actor_id is not None else None
        manifest = write_package(s, run, out, actor=actor)
    with db.factory() as s:
        s.execute(
            update(ExportRun).where(ExportRun.id == run_id).values(manifest_sha256=manifest.sha256)
        )
        s.commit()
    return manifest


def write_package(
    session: Session, run: ExportRun, out: IO[bytes], *, actor: User | None
) -> package.Manifest:
    """The evidence package of the run, written to ``out``."""
    who = Person(actor.email, actor.name) if actor is not None else Person("console")
    chosen = run_selection(run.id)
    meta = package.ExportMeta(
        exported_by=who,
        filters=dict(run.filters),
        audit_chain_heads=chain_heads(session, run.id),
        created=run.created_at,
    )
    return package.write_package(
        out,
        claims=claim_records(session, chosen),
        evidence=evidence_records(session, chosen),
        captures=capture_blobs(session, chosen, blob_store()),
        claimreview_org=publisher(),
        meta=meta,
    )
