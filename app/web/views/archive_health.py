"""Archive health (``/archive-health``): capture outcomes of the last 24 hours or 7 days by
failure category and by publisher, as small SVG charts with the figures beside them; what is
waiting or stuck; rotted and drifted sources; Retry on a failed capture."""

from __future__ import annotations

from flask import flash, request
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, require_role
from app.db import session
from app.errors import DomainError, Invalid
from app.ids import ID
from app.models import Capture, Role
from app.web import bp
from app.web.charts import Chart, bars
from app.web.pages import render, see_other
from app.workflow.archive_health import ARCHIVED, WINDOWS, HealthReport, health_report
from app.workflow.capture_retry import retry_capture
from app.workflow.lookup import load
from app.workflow.reasons import failure_words as describe


def _charts(report: HealthReport) -> tuple[Chart, Chart]:
    outcome_chart = bars(
        [
            (o.category, o.count, f"{o.count}", "ok" if o.category == ARCHIVED else "bad")
            for o in report.outcomes
        ]
    )
    publisher_chart = bars(
        [
            (p.publisher, p.success_rate, f"{p.success_rate * 100:.0f}%", "ok")
            for p in report.publishers[:15]
        ],
        maximum=1.0,
    )
    return outcome_chart, publisher_chart


@bp.get("/archive-health")
@require_role(Role.FACT_CHECKER)
def archive_health() -> ResponseReturnValue:
    window = request.args.get("window", "24h")
    status = 200
    try:
        report = health_report(session(), window)
    except Invalid as exc:
        flash(exc.detail, "error")
        report, status = health_report(session(), "24h"), 422
    outcomes, publishers = _charts(report)
    return render(
        "health/page.html",
        status=status,
        report=report,
        windows=list(WINDOWS),
        describe=describe,
        outcome_chart=outcomes,
        publisher_chart=publishers,
    )


@bp.post(f"/captures/<{ID}:capture_id>/retry")
@require_role(Role.FACT_CHECKER)
def retry(capture_id: int) -> ResponseReturnValue:
    s = session()
    failed = load(s, Capture, capture_id)
    window = request.form.get("window", "24h")
    window = window if window in WINDOWS else "24h"
    try:
        capture = retry_capture(s, failed, current_user())
        s.commit()
    except DomainError as exc:
        s.rollback()
        flash(exc.detail, "error")
        return see_other("web.archive_health", window=window)
    flash(f"Archiving {failed.source.url} again (capture {capture.id}).", "success")
    return see_other("web.archive_health", window=window)
