"""Exports (``/exports``): filters, then a download per format of the verified claim set:
ClaimReview (JSON-LD), CSV, JSON Lines, and for editors the evidence package. The files are
the exports service's (``app.exports.service``), exactly what the API and the CLI give."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app, request, stream_with_context
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import Forbidden, Invalid
from app.exports import service
from app.exports.query import ExportFilters
from app.exports.streaming import stream_package
from app.models import ClaimState, Role
from app.web import bp
from app.web.pages import render

# The formats offered (the service's names), their names on the page and who may have them.
OFFERED: dict[str, tuple[str, Role, str]] = {
    "claimreview": ("ClaimReview", Role.FACT_CHECKER, "schema.org ClaimReview, JSON-LD"),
    "feed": ("DataFeed", Role.FACT_CHECKER, "schema.org DataFeed of the same reviews"),
    "claims.csv": ("CSV", Role.FACT_CHECKER, "one row per claim, for spreadsheets"),
    "claims.jsonl": ("JSON Lines", Role.FACT_CHECKER, "one JSON object per claim"),
    "evidence.csv": ("Evidence CSV", Role.FACT_CHECKER, "one row per source cited"),
    "evidence.jsonl": ("Evidence JSON Lines", Role.FACT_CHECKER, "one object per source"),
    "package": (
        "Evidence package",
        Role.EDITOR,
        "zip: the data files, a WACZ of every cited capture, a manifest to verify",
    ),
}


def _filters() -> tuple[ExportFilters, dict[str, str]]:
    since_raw = request.args.get("since", "").strip()
    state_raw = request.args.get("state", "").strip()
    since = None
    if since_raw:
        try:
            since = datetime.strptime(since_raw, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise Invalid("since: give a date as YYYY-MM-DD.", field="since") from None
    if state_raw and state_raw not in (ClaimState.CORROBORATED, ClaimState.DISPUTED):
        raise Invalid("state: choose corroborated or disputed.", field="state")
    filters = ExportFilters(approved_from=since, state=ClaimState(state_raw) if state_raw else None)
    return filters, {"since": since_raw, "state": state_raw}


def _available() -> list[tuple[str, str, str]]:
    user = current_user()
    return [
        (fmt, name, about) for fmt, (name, role, about) in OFFERED.items() if has_role(user, role)
    ]


@bp.get("/exports")
@require_role(Role.FACT_CHECKER)
def exports() -> ResponseReturnValue:
    try:
        _, shown = _filters()
        error = None
    except Invalid as exc:
        shown, error = {"since": "", "state": ""}, exc.detail
    return render(
        "exports/page.html",
        status=422 if error else 200,
        formats=_available(),
        shown=shown,
        query={k: v for k, v in shown.items() if v},
        error=error,
    )


def download(fmt: str, filters: ExportFilters, *, prefix: str = "") -> Response:
    """Record the export and stream it: the same run and bytes as the API's."""
    user = current_user()
    s = session()
    run = service.start(s, fmt, filters, actor=user)
    s.commit()
    kind = service.FORMATS[fmt]
    if kind.binary:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        resp = Response(stream_package(app, run.id, user.id), mimetype=kind.media_type)
    else:
        resp = Response(stream_with_context(service.stream_text(run.id)), mimetype=kind.media_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{prefix}{kind.filename}"'
    resp.headers["X-Export-Run"] = str(run.id)
    return resp


@bp.get("/exports/download/<fmt>")
@require_role(Role.FACT_CHECKER)
def download_export(fmt: str) -> ResponseReturnValue:
    if fmt not in OFFERED:
        raise Invalid(f"format: {fmt!r} is not an export this desk offers.", field="format")
    name, role, _ = OFFERED[fmt]
    user = current_user()
    if not has_role(user, role):
        raise Forbidden(f"The {name} needs the {role.value} role; you are {user.role.value}.")
    filters, _ = _filters()
    return download(fmt, filters)
