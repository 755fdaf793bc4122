"""Re-checks: drift makes an approved verdict stale; rot (N failures, soft 404s) does not."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.db import get_db, session, utcnow
from app.models import (
    Capture,
    CapturePurpose,
    Claim,
    Event,
    Source,
    SourceHealth,
    Verdict,
    VerdictStatus,
)
from app.workflow.archiving import run_capture
from app.workflow.rechecks import schedule_rechecks
from tests.support.hostile_server import HostileServer, article_html
from tests.support.live import cite, headers_for, new_claim, override_settings


@pytest.fixture()
def recheck_app(live_app: Flask) -> Flask:
    # Back-to-back re-checks of one page: politeness (tests/workflow/test_politeness.py)
    # would rightly make the next one wait.
    override_settings(
        live_app,
        RECHECK_INTERVAL_HOURS=0.0,
        RECHECK_ROT_FAILURES=3,
        ARCHIVE_MAX_ATTEMPTS=1,
        RECHECK_HOST_MIN_DELAY=0.0,
    )
    return live_app


def _approved_claim(app: Flask, web: HostileServer, key: str) -> tuple[int, int]:
    """A claim citing /mutable/<key>, archived, with an approved verdict."""
    headers = headers_for(app)
    claim_id = new_claim(app, headers)
    capture_id = cite(app, headers, claim_id, web.url(f"/mutable/{key}"))["capture"]["id"]
    with app.app_context():
        assert run_capture(session(), capture_id).status == "archived"
    with get_db(app).factory() as s:
        claim = s.get(Claim, claim_id)
        assert claim is not None
        s.add(
            Verdict(
                claim=claim,
                rating="true",
                rationale="checked",
                proposed_by_id=1,
                claim_state=claim.state,
                status=VerdictStatus.APPROVED,
                reviewed_at=utcnow(),
                reviewed_by_id=1,
            )
        )
        s.commit()
    return claim_id, capture_id


def _recheck_once(app: Flask) -> list[str]:
    with app.app_context():
        s = get_db(app).factory()
        ids = schedule_rechecks(s)
        s.commit()
        s.close()
        return [run_capture(session(), i).status for i in ids]


def _events(app: Flask, claim_id: int, kind: str) -> list[Event]:
    with get_db(app).factory() as s:
        return list(s.scalars(select(Event).where(Event.claim_id == claim_id, Event.kind == kind)))


def _verdict(app: Flask, claim_id: int) -> Verdict:
    with get_db(app).factory() as s:
        verdict = s.scalars(select(Verdict).where(Verdict.claim_id == claim_id)).one()
        s.expunge(verdict)
        return verdict


def _source(app: Flask) -> Source:
    with get_db(app).factory() as s:
        source = s.scalars(select(Source)).one()
        s.expunge(source)
        return source


@pytest.fixture()
def approver(live_app: Flask) -> None:
    # Verdicts reference users 1 (proposer) and 1 (reviewer) in these storage-level tests.
    headers_for(live_app)


def test_unchanged_page_keeps_verdict(
    recheck_app: Flask, web: HostileServer, approver: Any
) -> None:
    claim_id, _ = _approved_claim(recheck_app, web, "same")
    assert _recheck_once(recheck_app) == ["archived"]
    assert _source(recheck_app).health is SourceHealth.LIVE
    assert not _verdict(recheck_app, claim_id).stale
    assert len(_events(recheck_app, claim_id, "source_rechecked")) == 1


def test_drift_marks_the_verdict_stale(
    recheck_app: Flask, web: HostileServer, approver: Any
) -> None:
    claim_id, first = _approved_claim(recheck_app, web, "drift")
    web.set_page("drift", article_html("drift", extra="<p>Correction: it was 14 schools.</p>"))
    assert _recheck_once(recheck_app) == ["archived"]
    assert _source(recheck_app).health is SourceHealth.DRIFTED
    verdict = _verdict(recheck_app, claim_id)
    assert verdict.stale and "changed since it was archived" in (verdict.stale_reason or "")
    drifted = _events(recheck_app, claim_id, "source_drifted")
    assert len(drifted) == 1 and drifted[0].before["capture_id"] == first
    with get_db(recheck_app).factory() as s:  # every capture is kept
        assert s.scalars(select(Capture.purpose).order_by(Capture.id)).all() == [
            CapturePurpose.ARCHIVE,
            CapturePurpose.RECHECK,
        ]


def test_rot_needs_repeated_failures_and_keeps_the_verdict(
    recheck_app: Flask, web: HostileServer, approver: Any
) -> None:
    claim_id, _ = _approved_claim(recheck_app, web, "rot")
    web.set_page("rot", None)  # now a 404
    assert _recheck_once(recheck_app) == ["failed"]
    assert _source(recheck_app).health is SourceHealth.LIVE  # one failure is not rot
    assert _recheck_once(recheck_app) == ["failed"]
    assert _source(recheck_app).health is SourceHealth.LIVE
    assert _recheck_once(recheck_app) == ["failed"]
    source = _source(recheck_app)
    assert source.health is SourceHealth.ROTTED and source.consecutive_failures == 3
    assert len(_events(recheck_app, claim_id, "source_rotted")) == 1
    assert len(_events(recheck_app, claim_id, "source_recheck_failed")) == 2
    assert not _verdict(recheck_app, claim_id).stale  # the archive keeps the verdict standing
    with get_db(recheck_app).factory() as s:
        claim = s.get(Claim, claim_id)
        assert claim is not None and claim.state.value == "sourced"  # still usable: archived
