from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class ExportRun(Base):
    """One export of the verified claim set: who, when, what, and which claims it held.

    Reading an export writes this row and one ``ExportedClaim`` per claim, never events: an
    export changes nothing about a claim. The chain head recorded per claim is the audit
    trail's hash at export time, so a later change to that history is detectable.
    """

    __tablename__ = "export_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    format: Mapped[str] = mapped_column(String(30))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    count: Mapped[int] = mapped_column(default=0)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))


class ExportedClaim(Base):
    """One claim of an export run. No foreign keys: the rows are written by one INSERT ...
    SELECT from existing verdicts (``app.exports.query.record_run``) in the transaction that
    creates their run, runs and claims with a history are never deleted, and checking three
    keys on each of 100k rows would cost more than writing them."""

    __tablename__ = "exported_claims"

    run_id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    verdict_id: Mapped[int]
    chain_head: Mapped[str | None] = mapped_column(String(64))
