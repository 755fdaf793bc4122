"""Exports of the verified claim set (approved, not stale)."""

from __future__ import annotations

from flask import Response, stream_with_context
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from spectree import Response as Resp

from app.api import bp
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, require_role
from app.db import session
from app.exports.rows import Filters
from app.exports.service import FORMATS, render, select_for_export
from app.models import ClaimState, Role


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: AwareDatetime | None = Field(
        None, description="Verdicts approved at or after this time (with a timezone)."
    )
    state: ClaimState | None = None


def _export(fmt: str, query: ExportQuery, *, download: bool) -> Response:
    s = session()
    filters = Filters(since=query.since, state=query.state.value if query.state else None)
    items = select_for_export(s, fmt, filters, actor=current_user())
    s.commit()
    media_type, filename = FORMATS[fmt]
    resp = Response(stream_with_context(render(items, fmt)), mimetype=media_type)
    if download:
        resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@bp.get("/exports/claimreview")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(HTTP_401=ProblemModel), tags=["exports"])
def export_claimreview(query: ExportQuery) -> Response:
    """schema.org ClaimReview (JSON-LD array) for every approved, current verdict."""
    return _export("claimreview", query, download=False)


@bp.get("/exports/claims.csv")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(HTTP_401=ProblemModel), tags=["exports"])
def export_csv(query: ExportQuery) -> Response:
    """The verified claim set as CSV."""
    return _export("csv", query, download=True)


@bp.get("/exports/claims.jsonl")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(HTTP_401=ProblemModel), tags=["exports"])
def export_jsonl(query: ExportQuery) -> Response:
    """The verified claim set as JSON Lines."""
    return _export("jsonl", query, download=False)
