"""Exports of the verified claim set (approved, not stale)."""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, stream_with_context
from pydantic import BaseModel, ConfigDict
from spectree import Response as Resp

from app.api import bp
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, require_role
from app.db import session
from app.exports.formats import to_claimreview, to_csv, to_jsonl
from app.exports.rows import Filters, VerifiedClaim, verified_claims
from app.models import ClaimState, Role
from app.workflow import events


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: datetime | None = None
    state: ClaimState | None = None


def _items(query: ExportQuery, fmt: str) -> list[VerifiedClaim]:
    s = session()
    items = list(
        verified_claims(
            s, Filters(since=query.since, state=query.state.value if query.state else None)
        )
    )
    actor = current_user()
    for item in items:
        events.record(
            s, item.claim, "exported", actor=actor, format=fmt, verdict_id=item.verdict.id
        )
    s.commit()
    return items


@bp.get("/exports/claimreview")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(HTTP_401=ProblemModel), tags=["exports"])
def export_claimreview(query: ExportQuery) -> Response:
    """schema.org ClaimReview (JSON-LD array) for every approved, current verdict."""
    cfg = current_app.config
    body = to_claimreview(
        _items(query, "claimreview"), cfg["RATING_SCALE"], cfg["PUBLIC_URL"], cfg["PUBLISHER_NAME"]
    )
    return Response(body, mimetype="application/ld+json")


@bp.get("/exports/claims.csv")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(HTTP_401=ProblemModel), tags=["exports"])
def export_csv(query: ExportQuery) -> Response:
    """The verified claim set as CSV."""
    items = _items(query, "csv")
    resp = Response(
        stream_with_context(to_csv(items, current_app.config["RATING_SCALE"])), mimetype="text/csv"
    )
    resp.headers["Content-Disposition"] = 'attachment; filename="claims.csv"'
    return resp


@bp.get("/exports/claims.jsonl")
@require_role(Role.FACT_CHECKER)
@spec.validate(query=ExportQuery, resp=Resp(HTTP_401=ProblemModel), tags=["exports"])
def export_jsonl(query: ExportQuery) -> Response:
    """The verified claim set as JSON Lines."""
    items = _items(query, "jsonl")
    return Response(
        stream_with_context(to_jsonl(items, current_app.config["RATING_SCALE"])),
        mimetype="application/jsonl",
    )
