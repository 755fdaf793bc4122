"""Re-checks: drift makes an approved verdict stale; rot (N failures, soft 404s) does not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.archive.pipeline import run_capture
from app.archive.rechecks import is_soft_404, schedule_rechecks
from app.archive.types import FetchResult, Hop
from app.db import get_db, utcnow
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
from tests.archiving.test_pipeline import _cite, _claim, _headers
from tests.support.hostile import HostileServer, article_html


@pytest.fixture()
def recheck_app(live_app: Flask) -> Flask:
    live_app.config.update(
        RECHECK_INTERVAL_HOURS=0.0, RECHECK_ROT_FAILURES=3, ARCHIVE_MAX_ATTEMPTS=1
    )
    return live_app


def _approved_claim(app: Flask, web: HostileServer, key: str) -> tuple[int, int]:
    """A claim citing /mutable/<key>, archived, with an approved verdict."""
    headers = _headers(app)
    claim_id = _claim(app, headers)
    capture_id = _cite(app, headers, claim_id, web.url(f"/mutable/{key}"))["capture"]["id"]
    with app.app_context():
        assert run_capture(capture_id).status == "archived"
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
        ids = schedule_rechecks(s, app.config)
        s.commit()
        s.close()
        return [run_capture(i).status for i in ids]


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
    _headers(live_app)


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


def test_soft_404_counts_as_failure() -> None:
    now = datetime.now(UTC)

    def result(final: str, redirects: list[Hop]) -> FetchResult:
        return FetchResult(
            url="http://a.example/story/1",
            final_url=final,
            status=200,
            reason="OK",
            http_version="HTTP/1.1",
            request_headers=[],
            response_headers=[],
            raw_body=b"",
            body=b"",
            content_type="text/html",
            peer_ip="1.2.3.4",
            started_at=now,
            elapsed=0.1,
            redirects=redirects,
        )

    home = Capture(title="Home", text="Welcome to the front page. " * 100)
    to_root = result("http://a.example/", [Hop("http://a.example/story/1", 301, "/")])
    assert is_soft_404("http://a.example/story/1", home, to_root)
    assert not is_soft_404("http://a.example/", home, result("http://a.example/", []))
    missing = Capture(title="Page not found", text="Sorry, this page could not be found.")
    assert is_soft_404("http://a.example/story/1", missing, result("http://a.example/story/1", []))
    story = Capture(title="Story", text="The page was found; 404 people attended. " * 60)
    assert not is_soft_404(
        "http://a.example/story/1", story, result("http://a.example/story/1", [])
    )
