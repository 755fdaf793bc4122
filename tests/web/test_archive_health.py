"""Archive health: outcomes by failure category and by publisher with success rates and
median fetch times, what waits or is stuck, rotted and drifted sources, and Retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict, Invalid
from app.models import Capture, CapturePurpose, CaptureStatus, Event, OutboxMessage, SourceHealth
from app.outbox import CAPTURE_TASK
from app.workflow.archive_health import health_report
from app.workflow.capture_retry import retry_capture
from tests.web.conftest import Browser, Facts


def _finished(
    facts: Facts, publisher: str, status: CaptureStatus, seconds: float, **kw: object
) -> Capture:
    return facts.capture(facts.source(publisher), status, fetch_seconds=seconds, **kw)


def test_outcomes_by_category_and_publisher(app: Flask, db: Session, facts: Facts) -> None:
    for took in (0.2, 0.4, 0.9):
        _finished(facts, "good.example", CaptureStatus.ARCHIVED, took)
    _finished(facts, "blocky.example", CaptureStatus.ARCHIVED, 1.0)
    for took in (3.0, 5.0):
        _finished(facts, "blocky.example", CaptureStatus.FAILED, took, error_reason="http-403")
    _finished(facts, "blocky.example", CaptureStatus.FAILED, 30.0, error_reason="timeout")
    old = _finished(facts, "good.example", CaptureStatus.FAILED, 9.0, error_reason="dns-error")
    old.fetched_at = utcnow() - timedelta(days=2)  # outside 24 h, inside 7 days
    db.flush()
    with app.app_context():
        day = health_report(db, "24h")
        week = health_report(db, "7d")
        with pytest.raises(Invalid):
            health_report(db, "1y")
    assert (day.finished, day.archived, day.failed) == (7, 4, 3)
    assert [(o.category, o.count) for o in day.outcomes] == [
        ("archived", 4),
        ("http-403", 2),
        ("timeout", 1),
    ]
    assert day.median_seconds == 1.0
    worst, best = day.publishers
    assert worst.publisher == "blocky.example" and worst.success_rate == 0.25
    assert worst.median_seconds == 4.0 and worst.top_failure == "http-403"
    assert best.publisher == "good.example" and best.success_rate == 1.0
    assert best.median_seconds == 0.4
    assert week.finished == 8 and ("dns-error", 1) in [(o.category, o.count) for o in week.outcomes]


def test_attention_lists(app: Flask, db: Session, facts: Facts) -> None:
    claim = facts.claim()
    _, waiting = facts.cite(claim, "slow.example", status=CaptureStatus.PENDING)
    _, stuck = facts.cite(claim, "hung.example", status=CaptureStatus.FETCHING)
    stuck.updated_at = utcnow() - timedelta(hours=2)
    _, failed = facts.cite(
        claim, "gone.example", status=CaptureStatus.FAILED, error_reason="http-404"
    )
    _, retried = facts.cite(
        claim, "flaky.example", status=CaptureStatus.FAILED, error_reason="timeout"
    )
    facts.capture(retried.source, CaptureStatus.PENDING)  # already being tried again
    rotted, _ = facts.cite(claim, "rot.example")
    rotted.source.health = SourceHealth.ROTTED
    db.flush()
    with app.app_context():
        report = health_report(db, "24h")
    assert waiting.id in [c.id for c in report.waiting]
    assert [c.id for c in report.stuck] == [stuck.id]
    assert [c.id for c in report.retryable] == [failed.id]
    assert [s.id for s in report.unhealthy] == [rotted.source.id]


def test_retry_makes_a_new_pending_capture(
    app: Flask, db: Session, facts: Facts, browser: Browser
) -> None:
    me = browser.sign_in()
    claim = facts.claim()
    _, failed = facts.cite(
        claim, "gone.example", status=CaptureStatus.FAILED, error_reason="http-503"
    )
    page = browser.page("/archive-health")
    assert f"/captures/{failed.id}/retry" in [f.action for f in page.forms]
    resp = browser.post(f"/captures/{failed.id}/retry", {"window": "7d"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/archive-health?window=7d"
    fresh = db.scalar(
        select(Capture).where(Capture.source_id == failed.source_id, Capture.id > failed.id)
    )
    assert fresh is not None and fresh.status is CaptureStatus.PENDING
    assert fresh.purpose is CapturePurpose.ARCHIVE
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.task == CAPTURE_TASK))
    assert message is not None and message.args == [fresh.id]
    event = db.scalar(select(Event).where(Event.kind == "capture_retried"))
    assert event is not None and event.claim_id == claim.id and event.actor_id == me.id
    assert event.detail == {
        "failed_capture_id": failed.id,
        "capture_id": fresh.id,
        "reason": "http-503",
    }
    again = browser.post(f"/captures/{failed.id}/retry")  # a newer capture exists now
    assert again.status_code == 303
    assert "has a newer capture" in browser.page("/archive-health").html
    with app.app_context(), pytest.raises(Conflict):
        retry_capture(db, fresh, me)  # pending, not failed


def test_the_page_draws_charts_with_the_numbers_beside(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    _finished(facts, "good.example", CaptureStatus.ARCHIVED, 0.5)
    _finished(facts, "blocky.example", CaptureStatus.FAILED, 2.0, error_reason="http-403")
    page = browser.page("/archive-health?window=7d")
    charts = page.find("svg", role="img")
    assert len(charts) == 2
    assert (
        "the site answered 403 Forbidden (it may be blocking archivers)" in page.html
    )  # the failure in plain words
    assert page.find("rect", class_="bar-bad") and page.find("rect", class_="bar-ok")
    assert "50%" in page.html  # the success rate as a figure, not only a bar
    assert "Last 7 days" in page.html
    assert browser.get("/archive-health?window=1y").status_code == 422
