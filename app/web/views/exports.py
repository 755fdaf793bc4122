"""Exports (``/exports``): the filters the API takes, then a download per format of the
verified claim set: ClaimReview (JSON-LD) and its DataFeed, claims and evidence as CSV and JSON
Lines, and for editors the evidence package (with its progress shown while it streams). The
files are the exports service's (``app.exports.service``), exactly what the API and the CLI
give."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import Forbidden, Invalid, status_of
from app.exports import service
from app.exports.query import ExportFilters
from app.exports.streaming import stream_package
from app.models import ClaimState, Document, Role
from app.web import bp
from app.web.export_filters import FIELDS, read_filters, wants_bom
from app.web.pages import render
from app.workflow.verdicts import scale

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


def _available() -> list[tuple[str, str, str]]:
    user = current_user()
    return [
        (fmt, name, about) for fmt, (name, role, about) in OFFERED.items() if has_role(user, role)
    ]


@bp.get("/exports")
@require_role(Role.FACT_CHECKER)
def exports() -> ResponseReturnValue:
    try:
        _, shown = read_filters(request.args)
        error, status = None, 200
    except Invalid as exc:
        shown = {name: request.args.get(name, "") for name in FIELDS}
        error, status = exc.detail, status_of(exc)
    query: dict[str, str] = {k: v for k, v in shown.items() if v}
    bom = wants_bom(request.args)
    links = []
    for fmt, name, about in _available():
        values: dict[str, Any] = dict(query)
        if bom and fmt.endswith(".csv"):
            values["bom"] = "1"
        links.append((fmt, name, about, url_for("web.download_export", fmt=fmt, **values)))
    return render(
        "exports/page.html",
        status=status,
        formats=links,
        shown=shown,
        query=query,
        bom=bom,
        error=error,
        ratings=list(scale()),
        states=list(ClaimState),
        documents=list(session().scalars(select(Document).order_by(Document.id.desc()).limit(100))),
    )


def download(fmt: str, filters: ExportFilters, *, prefix: str = "", bom: bool = False) -> Response:
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
        body = stream_with_context(service.stream_text(run.id, bom=bom))
        resp = Response(body, mimetype=kind.media_type)
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
    filters, _ = read_filters(request.args)
    return download(fmt, filters, bom=wants_bom(request.args) and fmt.endswith(".csv"))
