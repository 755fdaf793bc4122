"""Re-checks are polite to publishers and never starve new citations (real workers, either
backend): two re-check fetches to one host never start closer than the minimum delay, never
more than the allowed number run at once (across worker processes), a host's Retry-After holds
its next re-checks back, and a citation is archived while thousands of re-checks wait."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from app.db import get_db, utcnow
from app.models import Capture, CapturePurpose, CaptureStatus, Claim, ClaimState, Evidence, Source
from app.outbox import RECHECK_QUEUE, enqueue_capture
from tests.support.hostile_server import HOSTS
from tests.support.live import cite, headers_for, new_claim, settled
from tests.support.processes import running, wait_for
from tests.support.timed_server import TimedServer, most_at_once

pytestmark = pytest.mark.slow

QUEUES = "archive,recheck,default"


@pytest.fixture()
def timed() -> Iterator[TimedServer]:
    server = TimedServer(delay=1.0).start()
    yield server
    server.stop()


def _archived_sources(app: Flask, urls: list[tuple[str, str]]) -> list[int]:
    """Sources (url, host) cited by one claim and archived once, written directly: the state
    a desk is in when their re-checks come due."""
    now = utcnow()
    with get_db(app).factory() as s:
        claim = Claim(text="Re-checked claim", state=ClaimState.SUBMITTED)
        s.add(claim)
        s.flush()
        ids = []
        for url, host in urls:
            source = Source(url=url, host=host, publisher=host, last_checked_at=now)
            s.add(source)
            s.flush()
            ids.append(source.id)
        s.execute(
            insert(Capture),
            [
                {
                    "source_id": i,
                    "status": CaptureStatus.ARCHIVED,
                    "purpose": CapturePurpose.ARCHIVE,
                    "text_sha256": "0" * 64,
                    "fetched_at": now,
                    "http_status": 200,
                }
                for i in ids
            ],
        )
        s.execute(
            insert(Evidence),
            [{"claim_id": claim.id, "source_id": i, "stance": "supports"} for i in ids],
        )
        s.commit()
        return ids


def _queue_rechecks(app: Flask, source_ids: list[int]) -> list[int]:
    """A re-check capture for each source, all sent at once (no spreading by the scheduler:
    what is tested here is the politeness the workers enforce)."""
    with get_db(app).factory() as s:
        captures = [Capture(source_id=i, purpose=CapturePurpose.RECHECK) for i in source_ids]
        s.add_all(captures)
        s.flush()
        for capture in captures:
            enqueue_capture(s, capture.id, queue=RECHECK_QUEUE)
        s.commit()
        return [c.id for c in captures]


def _workers(stack: ExitStack, config: dict[str, Any], tmp: Path, count: int) -> None:
    for n in range(count):
        stack.enter_context(
            running(
                ["worker", "-c", "3", "-Q", QUEUES, "-n", f"polite{n}@%h"],
                config,
                tmp / f"worker{n}.log",
            )
        )


def _purge(app: Flask) -> None:
    with app.extensions["celery"].connection_for_write() as conn:
        conn.default_channel.queue_purge(RECHECK_QUEUE)


def test_one_host_gets_spaced_and_bounded_rechecks_from_several_workers(
    live_app: Flask, config: dict[str, Any], timed: TimedServer, tmp_path: Path
) -> None:
    delay, concurrency = 0.4, 2
    settings = {
        **config,
        "RECHECK_HOST_MIN_DELAY": delay,
        "RECHECK_HOST_CONCURRENCY": concurrency,
    }
    host = HOSTS[0]
    sources = _archived_sources(
        live_app, [(timed.url(f"/page/p{n}", host), host) for n in range(8)]
    )
    rechecks = _queue_rechecks(live_app, sources)
    with ExitStack() as stack:
        _workers(stack, settings, tmp_path, count=2)  # six fetches could run at once
        wait_for(lambda: settled(live_app, rechecks), timeout=120)
    visits = timed.visits(host, "/page/")
    assert sorted(v.path for v in visits) == sorted(f"/page/p{n}" for n in range(8))
    gaps = [b.start - a.start for a, b in itertools.pairwise(visits)]
    # The host sees the starts at least the delay apart, less the trip from the worker's clock
    # reading to the request arriving, which varies between fetches (more on a loaded machine).
    assert min(gaps) >= delay - 0.2, gaps
    # A page takes 1 s, so the delay alone would let three overlap; the cap allows two.
    assert most_at_once(visits) <= concurrency


def test_retry_after_holds_the_hosts_next_rechecks(
    live_app: Flask, config: dict[str, Any], timed: TimedServer, tmp_path: Path
) -> None:
    settings = {**config, "RECHECK_HOST_MIN_DELAY": 0.0, "RECHECK_HOST_CONCURRENCY": 4}
    host = HOSTS[1]
    throttled, other = _archived_sources(
        live_app,
        [(timed.url("/page/busy", host), host), (timed.url("/page/calm", host), host)],
    )
    timed.throttle("/page/busy", 2)
    with ExitStack() as stack:
        _workers(stack, settings, tmp_path, count=1)
        first = _queue_rechecks(live_app, [throttled])
        wait_for(lambda: timed.visits(host, "/page/busy"), timeout=60)
        second = _queue_rechecks(live_app, [other])
        wait_for(lambda: settled(live_app, first + second), timeout=120)
    refused = timed.visits(host, "/page/busy")[0]
    assert refused.status == 429
    calm = timed.visits(host, "/page/calm")
    assert len(calm) == 1 and calm[0].status == 200
    assert calm[0].start >= refused.end + 2 - 0.1  # the host asked for two seconds' rest


def test_a_citation_is_archived_while_thousands_of_rechecks_wait(
    live_app: Flask, config: dict[str, Any], timed: TimedServer, tmp_path: Path
) -> None:
    settings = {**config, "RECHECK_HOST_MIN_DELAY": 0.0, "RECHECK_HOST_CONCURRENCY": 1000}
    host = HOSTS[1]
    queued = 2000
    sources = _archived_sources(
        live_app, [(timed.url(f"/page/r{n}", host), host) for n in range(queued)]
    )
    rechecks = _queue_rechecks(live_app, sources)
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    citation = cite(live_app, headers, claim_id, timed.url("/page/new-story", HOSTS[0]))
    capture_id = citation["capture"]["id"]
    try:
        with ExitStack() as stack:
            _workers(stack, settings, tmp_path, count=1)
            wait_for(lambda: settled(live_app, [capture_id]), timeout=120)
            with get_db(live_app).factory() as s:
                done = s.scalar(
                    select(func.count())
                    .select_from(Capture)
                    .where(
                        Capture.id.in_(rechecks),
                        Capture.status.in_([CaptureStatus.ARCHIVED, CaptureStatus.FAILED]),
                    )
                )
        # The citation went ahead of the queue: at most the few re-checks already in hand
        # (three threads or processes, each with one prefetched) were done before it.
        assert done is not None and done < 50, done
        with get_db(live_app).factory() as s:
            state = s.scalar(select(Claim.state).where(Claim.id == claim_id))
            assert state is ClaimState.SOURCED
    finally:
        _purge(live_app)
