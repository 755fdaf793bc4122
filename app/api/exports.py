"""Exports of the verified claim set: ClaimReview (array or DataFeed), CSV and JSON Lines of
claims and of evidence, and the evidence package. Each GET is recorded as one export run and
streamed from it; reading an export writes nothing on the claims."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from flask import Response, current_app, stream_with_context
from pydantic import BaseModel, ConfigDict, Field
from spectree import Response as Resp

from app.api import bp
from app.api.responses import streamed
from app.api.schemas.common import UtcMoment
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, require_role
from app.db import session
from app.exports import service
from app.exports.query import ExportFilters
from app.exports.streaming import stream_package
from app.ids import MAX_ID
from app.models import ClaimState, Role

_ERRORS = {"HTTP_401": ProblemModel, "HTTP_403": ProblemModel, "HTTP_422": ProblemModel}


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(None, min_length=1, max_length=200, description="Words in the claim.")
    tag: str | None = Field(None, min_length=1, max_length=100)
    document: int | None = Field(None, ge=1, le=MAX_ID, description="Claims from this document.")
    rating: str | None = Field(None, min_length=1, max_length=50)
    approved_from: UtcMoment | date | None = Field(
        None, description="Current verdict approved at or after (a date, or a time with a zone)."
    )
    approved_to: UtcMoment | date | None = Field(None, description="... and before this.")
    since: UtcMoment | None = Field(None, description="Same as approved_from.")
    cluster: int | None = Field(None, ge=1, le=MAX_ID, description="Restatements of one claim.")
    state: ClaimState | None = None
    bom: bool = Field(False, description="CSV only: start with a UTF-8 byte order mark (Excel).")

    def filters(self) -> ExportFilters:
        return ExportFilters(
            q=self.q,
            tag=self.tag,
            document=self.document,
            rating=self.rating,
            approved_from=_moment(self.approved_from or self.since),
            approved_to=_moment(self.approved_to),
            cluster=self.cluster,
            state=self.state,
        )


class ClaimReviewQuery(ExportQuery):
    format: Literal["array", "feed"] = Field(
        "array", description="`feed`: a schema.org DataFeed of the same ClaimReviews."
    )


def _moment(value: datetime | date | None) -> datetime | None:
    """A date means its first moment, UTC."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _stream(fmt: str, query: ExportQuery) -> Response:
    s = session()
    run = service.start(s, fmt, query.filters(), actor=current_user())
    s.commit()
    kind = service.FORMATS[fmt]
    body = stream_with_context(service.stream_text(run.id, bom=query.bom))
    resp = streamed(body, kind.media_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{kind.filename}"'
    resp.headers["X-Export-Run"] = str(run.id)
    return resp


@bp.get("/exports/claimreview")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ClaimReviewQuery, resp=Resp(**_ERRORS), tags=["exports"])
def export_claimreview(query: ClaimReviewQuery) -> Response:
    """schema.org ClaimReview (JSON-LD) of every published fact-check the filters choose; with
    `format=feed`, a schema.org DataFeed of them."""
    return _stream("feed" if query.format == "feed" else "claimreview", query)


@bp.get("/exports/claims.csv")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(**_ERRORS), tags=["exports"])
def export_claims_csv(query: ExportQuery) -> Response:
    """One row per claim with its verdict; spreadsheet-safe cells."""
    return _stream("claims.csv", query)


@bp.get("/exports/claims.jsonl")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(**_ERRORS), tags=["exports"])
def export_claims_jsonl(query: ExportQuery) -> Response:
    """One JSON object per line per claim with its verdict."""
    return _stream("claims.jsonl", query)


@bp.get("/exports/evidence.csv")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(**_ERRORS), tags=["exports"])
def export_evidence_csv(query: ExportQuery) -> Response:
    """One row per evidence item of the chosen claims, with its archived copy."""
    return _stream("evidence.csv", query)


@bp.get("/exports/evidence.jsonl")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(**_ERRORS), tags=["exports"])
def export_evidence_jsonl(query: ExportQuery) -> Response:
    """One JSON object per line per evidence item."""
    return _stream("evidence.jsonl", query)


@bp.get("/exports/package")
@require_role(Role.EDITOR)
@spec.validate(query=ExportQuery, resp=Resp(**_ERRORS), tags=["exports"])
def export_package(query: ExportQuery) -> Response:
    """Editors: the evidence package (zip: claims and evidence as JSON Lines and CSV, the
    ClaimReview DataFeed, a WACZ of every cited capture, and `manifest.json` with every file's
    SHA-256), streamed as it is built. Check it with `claimdesk verify FILE.zip`."""
    s = session()
    user = current_user()
    run = service.start(s, "package", query.filters(), actor=user)
    s.commit()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    resp = streamed(stream_package(app, run.id, user.id), "application/zip")
    resp.headers["Content-Disposition"] = 'attachment; filename="evidence-package.zip"'
    resp.headers["X-Export-Run"] = str(run.id)
    return resp
