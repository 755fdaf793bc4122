"""Exports (``/exports``): filters, then a download per format of the verified claim set:
ClaimReview (JSON-LD), CSV, JSON Lines, and for editors the evidence package. The files are
the exports service's (``app.exports.service``), exactly what the API and the CLI give."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime

from flask import Response, request, send_file
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import Forbidden, Invalid
from app.exports.package import write_package
from app.exports.rows import Filters
from app.exports.service import FORMATS, select_for_export
from app.exports.service import render as render_export
from app.models import ClaimState, Role
from app.web import bp
from app.web.pages import render

# The formats offered, their names on the page and who may download them.
OFFERED: dict[str, tuple[str, Role, str]] = {
    "claimreview": ("ClaimReview", Role.FACT_CHECKER, "schema.org ClaimReview, JSON-LD"),
    "feed": ("DataFeed", Role.FACT_CHECKER, "schema.org DataFeed of the same reviews"),
    "csv": ("CSV", Role.FACT_CHECKER, "one row per claim, for spreadsheets"),
    "jsonl": ("JSON Lines", Role.FACT_CHECKER, "one JSON object per line"),
    "package": ("Evidence package", Role.EDITOR, "zip with the data files and every cited WARC"),
}


def _filters() -> tuple[Filters, dict[str, str]]:
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
    return Filters(since=since, state=state_raw or None), {"since": since_raw, "state": state_raw}


def _available() -> list[tuple[str, str, str]]:
    user = current_user()
    return [
        (fmt, name, about)
        for fmt, (name, role, about) in OFFERED.items()
        if fmt in FORMATS and has_role(user, role)
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


@bp.get("/exports/download/<fmt>")
@require_role(Role.FACT_CHECKER)
def download_export(fmt: str) -> ResponseReturnValue:
    if fmt not in OFFERED or fmt not in FORMATS:
        raise Invalid(f"format: {fmt!r} is not an export this desk offers.", field="format")
    name, role, _ = OFFERED[fmt]
    user = current_user()
    if not has_role(user, role):
        raise Forbidden(f"The {name} needs the {role.value} role; you are {user.role.value}.")
    filters, _ = _filters()
    s = session()
    items = select_for_export(s, fmt, filters, actor=user)
    media_type, filename = FORMATS[fmt]
    if fmt == "package":
        # Built into a temporary file first: a half-written zip must never reach the reader.
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        write_package(s, items, spool)
        s.commit()
        spool.seek(0)
        return send_file(spool, mimetype=media_type, as_attachment=True, download_name=filename)
    body = "".join(render_export(items, fmt))
    s.commit()
    resp = Response(body, mimetype=media_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp
