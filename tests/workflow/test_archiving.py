"""The capture pipeline end to end: API → outbox → broker → real worker → WARC, text, state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from app.archive.storage import LocalStore
from app.db import get_db, session, utcnow
from app.models import Capture, CaptureStatus, Claim, ClaimState, Event, Evidence
from app.outbox import dispatch, enqueue_capture
from app.workflow import recording
from app.workflow.archive_health import health_report
from app.workflow.archiving import run_capture, sweep
from tests.support.backends import is_postgres
from tests.support.hostile_server import HostileServer
from tests.support.live import (
    capture_row,
    cite,
    headers_for,
    new_claim,
    override_settings,
    settled,
)
from tests.support.processes import wait_for, worker

pytestmark = pytest.mark.slow


def test_cited_sources_are_archived_and_the_claim_corroborated(
    live_app: Flask, config: dict[str, Any], web: HostileServer, tmp_path: Path
) -> None:
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    first = cite(
        live_app,
        headers,
        claim_id,
        web.url("/article/a?utm_source=feed#top"),
        quote="“40 schools in the region were REBUILT last year”",
    )
    second = cite(live_app, headers, claim_id, web.url("/article/b", host="127.0.0.3"))
    assert first["source"]["url"] == web.url("/article/a")  # normalised
    assert first["capture"]["status"] == "pending"
    ids = [first["capture"]["id"], second["capture"]["id"]]
    with worker(config, tmp_path / "worker.log"):
        wait_for(lambda: settled(live_app, ids), timeout=60)

    client = live_app.test_client()
    claim = client.get(f"/api/v1/claims/{claim_id}", headers=headers).json
    assert claim["state"] == "corroborated"  # two publishers: 127.0.0.2 and 127.0.0.3
    capture = capture_row(live_app, ids[0])
    assert capture.status is CaptureStatus.ARCHIVED and capture.http_status == 200
    assert capture.title == "Report a" and "40 schools" in (capture.text or "")
    assert capture.sha256 and capture.warc_key and capture.fetch_seconds is not None
    with get_db(live_app).factory() as s:
        evidence = s.get(Evidence, first["id"])
        assert evidence is not None and evidence.quote_found is True
        assert (
            (capture.text or "")[evidence.quote_start : evidence.quote_end]
            .lower()
            .startswith("40 schools")
        )
        kinds = s.scalars(
            select(Event.kind).where(Event.claim_id == claim_id).order_by(Event.id)
        ).all()
    assert kinds.count("capture_archived") == 2 and "state_changed" in kinds

    warc = client.get(f"/api/v1/captures/{ids[0]}/warc", headers=headers)
    assert warc.status_code == 200 and warc.mimetype == "application/warc"
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(warc.data)
    check = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "warcio"), "check", str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    text = client.get(f"/api/v1/captures/{ids[0]}/text", headers=headers)
    assert "40 schools" in text.get_data(as_text=True)
    source = client.get(f"/api/v1/sources/{first['source']['id']}", headers=headers).json
    assert [c["id"] for c in source["captures"]] == [ids[0]] and source["publisher"] == "127.0.0.2"


HOSTILE = {
    # path → (final status, failure reason or None, attempts)
    "/status/404": ("failed", "http-404", 1),
    "/status/410": ("failed", "http-410", 1),
    "/to?url=http://127.0.0.1:9/": ("failed", "blocked-address", 1),
    "/to?url=http://169.254.169.254/": ("failed", "blocked-address", 1),
    "/to?url=file:///etc/passwd": ("failed", "blocked-scheme", 1),
    "/loop/a": ("failed", "redirect-loop", 1),
    "/many": ("failed", "too-many-redirects", 1),
    "/gzipbomb": ("failed", "too-large", 1),
    "/endless": ("failed", "too-large", 1),
    "/flaky/k1/2": ("archived", None, 3),
    "/ratelimited/k2": ("archived", None, 2),
    "/status/503": ("failed", "http-503", 4),
    "/pdf": ("archived", None, 1),
    "/text": ("archived", None, 1),
    "/chain/3": ("archived", None, 1),
}


def test_hostile_server_suite_through_a_worker(
    live_app: Flask, config: dict[str, Any], web: HostileServer, tmp_path: Path
) -> None:
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    ids = {
        path: cite(live_app, headers, claim_id, web.url(path))["capture"]["id"] for path in HOSTILE
    }
    with worker(config, tmp_path / "worker.log", concurrency=4):
        wait_for(lambda: settled(live_app, list(ids.values())), timeout=120)
    for path, (status, reason, attempts) in HOSTILE.items():
        capture = capture_row(live_app, ids[path])
        assert (
            capture.status.value,
            capture.error_reason if status == "failed" else None,
            capture.attempts,
        ) == (status, reason, attempts), path
    assert web.hits["/status/404"] == 1  # a permanent error is not retried
    assert "signed by 14 countries" in (capture_row(live_app, ids["/pdf"]).text or "")
    assert capture_row(live_app, ids["/chain/3"]).redirect_chain[0]["status"] == 302
    with get_db(live_app).factory() as s:
        details = [
            e.detail
            for e in s.scalars(
                select(Event).where(
                    Event.claim_id == claim_id, Event.kind == "capture_attempt_failed"
                )
            )
        ]
        claim = s.get(Claim, claim_id)
        assert claim is not None and claim.state is ClaimState.SOURCED
    retried = [d for d in details if d["capture_id"] == ids["/ratelimited/k2"]]
    assert len(retried) == 1 and retried[0]["reason"] == "http-429" and retried[0]["retry_in"] >= 1
    assert len([d for d in details if d["capture_id"] == ids["/status/503"]]) == 3


def test_duplicate_delivery_archives_once(live_app: Flask, web: HostileServer) -> None:
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    capture_id = cite(live_app, headers, claim_id, web.url("/article/dup"))["capture"]["id"]
    with live_app.app_context():
        outcomes = [
            run_capture(session(), capture_id).status,
            run_capture(session(), capture_id).status,
        ]
    assert outcomes == ["archived", "skipped"]
    assert web.hits["/article/dup"] == 1
    capture = capture_row(live_app, capture_id)
    assert capture.attempts == 1 and capture.status is CaptureStatus.ARCHIVED


def test_a_claim_changed_while_recording_is_recorded_again(
    live_app: Flask, web: HostileServer, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_postgres(db_url):
        pytest.skip("SQLite takes the write lock at BEGIN: no other writer can slip in")
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    capture_id = cite(live_app, headers, claim_id, web.url("/article/conflict"))["capture"]["id"]
    real_citing = recording.citing
    bumped: list[int] = []

    def citing_then_another_writer(session: Any, source_id: int) -> Any:
        found = real_citing(session, source_id)
        if not bumped:  # once, after the worker read the claim: another transaction commits
            with get_db(live_app).engine.begin() as conn:
                conn.execute(
                    update(Claim).where(Claim.id == claim_id).values(version=Claim.version + 1)
                )
            bumped.append(claim_id)
        return found

    monkeypatch.setattr(recording, "citing", citing_then_another_writer)
    with live_app.app_context():
        assert run_capture(session(), capture_id).status == "archived"
    assert bumped == [claim_id]
    assert capture_row(live_app, capture_id).status is CaptureStatus.ARCHIVED
    with get_db(live_app).factory() as s:
        claim = s.get(Claim, claim_id)
        assert claim is not None and claim.state is ClaimState.SOURCED
        kinds = s.scalars(select(Event.kind).where(Event.claim_id == claim_id)).all()
    assert kinds.count("capture_archived") == 1  # the failed first write left nothing behind


def test_same_source_twice_reuses_the_recent_archive(live_app: Flask, web: HostileServer) -> None:
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    first = cite(live_app, headers, claim_id, web.url("/article/reuse"))
    with live_app.app_context():
        run_capture(session(), first["capture"]["id"])
    other = new_claim(live_app, headers, "Another claim citing it, with 40 schools.")
    second = cite(live_app, headers, other, web.url("/article/reuse"), quote="40 schools")
    assert second["capture"]["id"] == first["capture"]["id"]
    assert second["quote_found"] is True  # checked at once against the reused archive
    assert web.hits["/article/reuse"] == 1


def test_worker_killed_mid_fetch_loses_nothing(
    live_app: Flask, config: dict[str, Any], web: HostileServer, tmp_path: Path
) -> None:
    cfg = {**config, "ARCHIVE_STUCK_SECONDS": 1, "FETCH_DEADLINE": 20, "FETCH_READ_TIMEOUT": 20}
    override_settings(live_app, **cfg)
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    capture_id = cite(live_app, headers, claim_id, web.url("/slow/4"))["capture"]["id"]
    with worker(cfg, tmp_path / "w1.log") as proc:
        wait_for(
            lambda: capture_row(live_app, capture_id).status is CaptureStatus.FETCHING, timeout=30
        )
        os.killpg(proc.pid, signal.SIGKILL)  # the whole worker, children included, no warning
        proc.wait()
    assert capture_row(live_app, capture_id).status is CaptureStatus.FETCHING  # left behind

    def swept() -> list[int]:
        with live_app.app_context():
            s = get_db(live_app).factory()
            ids = sweep(s)
            for i in ids:
                enqueue_capture(s, i)
            s.commit()
            s.close()
            return ids

    assert wait_for(swept, timeout=30) == [capture_id]  # the beat sweeper's job
    dispatch(get_db(live_app), live_app.extensions["celery"])
    with worker(cfg, tmp_path / "w2.log"):
        wait_for(lambda: settled(live_app, [capture_id]), timeout=60)
    capture = capture_row(live_app, capture_id)
    assert capture.status is CaptureStatus.ARCHIVED and capture.attempts == 2
    with get_db(live_app).factory() as s:
        assert s.scalar(select(func.count()).select_from(Capture)) == 1


def test_a_storage_failure_is_retried_and_told_to_the_claim(
    live_app: Flask, web: HostileServer, tmp_path: Path
) -> None:
    store = LocalStore(str(tmp_path / "store"))
    store.root = str(tmp_path / "not-a-directory")  # as if the disk went away under it
    (tmp_path / "not-a-directory").write_text("a file where the archive directory should be")
    override_settings(live_app, ARCHIVE_RETRY_BASE_SECONDS=0.01, ARCHIVE_RETRY_MAX_SECONDS=0.01)
    live_app.extensions["claimdesk.store"] = store
    headers = headers_for(live_app)
    claim_ids = [new_claim(live_app, headers) for _ in range(2)]
    url = web.url("/article/store")
    capture_id = cite(live_app, headers, claim_ids[0], url)["capture"]["id"]
    assert cite(live_app, headers, claim_ids[1], url)["capture"]["id"] == capture_id
    with live_app.app_context():
        outcome = run_capture(session(), capture_id)
    assert (outcome.status, outcome.reason) == ("retry", "storage-error")
    capture = capture_row(live_app, capture_id)
    assert capture.status is CaptureStatus.PENDING and capture.error_reason == "storage-error"
    for claim_id in claim_ids:  # every claim citing the source is told
        detail = live_app.test_client().get(f"/api/v1/claims/{claim_id}", headers=headers).json
        failed = [e for e in detail["events"] if e["kind"] == "capture_attempt_failed"]
        assert failed[0]["detail"]["reason"] == "storage-error"
        reason = detail["evidence"][0]["unusable_reason"]
        assert "the archive could not be written to storage" in reason
    with live_app.app_context():  # archive health lists it as waiting, with its reason
        waiting = health_report(session(), "24h").waiting
    assert [(c.id, c.error_reason) for c in waiting] == [(capture_id, "storage-error")]

    live_app.extensions["claimdesk.store"] = LocalStore(str(tmp_path / "fixed"))
    wait_for(lambda: capture_row(live_app, capture_id).next_attempt_at <= utcnow(), timeout=5)
    with live_app.app_context():
        assert run_capture(session(), capture_id).status == "archived"


def test_page_fields_past_their_columns_are_cut_with_a_marker(
    live_app: Flask, web: HostileServer
) -> None:
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    capture_id = cite(live_app, headers, claim_id, web.url("/oversized"))["capture"]["id"]
    with live_app.app_context():
        assert run_capture(session(), capture_id).status == "archived"
    # (Postgres would refuse a longer title; SQLite would store it: both must see it cut)
    capture = capture_row(live_app, capture_id)
    assert capture.title is not None and len(capture.title) == 1000
    assert capture.title.startswith("Report ttt") and capture.title.endswith("…")
    assert capture.content_type == "text/html"  # the media type kept, its parameters not


def test_a_redirect_to_a_very_long_url_is_archived(live_app: Flask, web: HostileServer) -> None:
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    capture_id = cite(live_app, headers, claim_id, web.url("/redirect-long"))["capture"]["id"]
    with live_app.app_context():
        assert run_capture(session(), capture_id).status == "archived"
    capture = capture_row(live_app, capture_id)
    assert capture.final_url is not None and len(capture.final_url) > 3000
