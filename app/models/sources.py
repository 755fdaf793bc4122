from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.enums import CapturePurpose, CaptureStatus, SourceHealth, checked

if TYPE_CHECKING:
    from app.models.evidence import Evidence


MAX_URL = 2048  # a cited URL, normalised; longer ones are refused when cited


class Source(Base):
    """One cited URL, normalised, and its publisher (registrable domain or bare host)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(MAX_URL), unique=True)
    host: Mapped[str] = mapped_column(String(253))
    publisher: Mapped[str] = mapped_column(String(253), index=True)
    health: Mapped[SourceHealth] = mapped_column(
        checked(SourceHealth, "source_health"), default=SourceHealth.UNKNOWN
    )
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    captures: Mapped[list[Capture]] = relationship(
        back_populates="source", order_by="Capture.id.desc()"
    )
    evidence: Mapped[list[Evidence]] = relationship(back_populates="source")


class Capture(Base):
    """One archiving of a source. Captures are never overwritten: a re-check adds a new one."""

    __tablename__ = "captures"
    __table_args__ = (Index("ix_captures_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[CapturePurpose] = mapped_column(
        checked(CapturePurpose, "capture_purpose"), default=CapturePurpose.ARCHIVE
    )
    status: Mapped[CaptureStatus] = mapped_column(
        checked(CaptureStatus, "capture_status"), default=CaptureStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    http_status: Mapped[int | None]
    # Taken from the fetched page and its redirects, so unbounded: a long redirect target must
    # never stop an archive from being recorded.
    final_url: Mapped[str | None] = mapped_column(Text)
    redirect_chain: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    content_type: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    warc_key: Mapped[str | None] = mapped_column(String(300))
    text_key: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(1000))
    published_at: Mapped[date | None]
    canonical_url: Mapped[str | None] = mapped_column(Text)
    peer_ip: Mapped[str | None] = mapped_column(String(45))
    fetch_seconds: Mapped[float | None]
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error_reason: Mapped[str | None] = mapped_column(String(64))
    error_detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    source: Mapped[Source] = relationship(back_populates="captures")
