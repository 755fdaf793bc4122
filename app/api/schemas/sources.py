from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from app.models import CapturePurpose, CaptureStatus, SourceHealth


class CaptureOut(BaseModel):
    id: int
    source_id: int
    purpose: CapturePurpose
    status: CaptureStatus
    attempts: int
    http_status: int | None
    final_url: str | None
    redirect_chain: list[dict[str, Any]]
    content_type: str | None
    size: int | None
    sha256: str | None
    title: str | None
    published_at: date | None
    canonical_url: str | None
    fetched_at: datetime | None
    error_reason: str | None
    error_detail: str | None
    created_at: datetime


class SourceBrief(BaseModel):
    id: int
    url: str
    host: str
    publisher: str
    health: SourceHealth


class SourceOut(SourceBrief):
    captures: list[CaptureOut]


def capture_out(capture: Any) -> CaptureOut:
    return CaptureOut.model_validate(capture, from_attributes=True)


def source_brief(source: Any) -> SourceBrief:
    return SourceBrief.model_validate(source, from_attributes=True)
