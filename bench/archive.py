"""Archiving throughput: N local pages through the real pipeline (outbox → broker → worker
processes → fetch → WARC → extraction → quote check → state update), with 1, 2 and 4 worker
processes, on Redis + Postgres and on the embedded SQLite broker + SQLite; next to
``wget --warc-file`` on the same URLs in the same run (the raw floor: fetch and WARC only).

    .venv/bin/python -m bench.archive [--pages 300] [--repeat 3] [--workers 1,2,4]

Needs Postgres on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379 for the
"scale" rows; it creates and drops its own database and uses Redis db 13.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.db import get_db
from app.migrate import upgrade
from app.models import Capture, CaptureStatus, OutboxMessage, Stance
from app.outbox import CLUSTER_TASK, dispatch
from app.workflow.citing import cite
from app.workflow.claims import NewClaim, create_claim
from app.workflow.clusters import assign_cluster
from tests.support.backends import truncate_all
from tests.support.hostile_server import HostileServer
from tests.support.processes import spawn, stop, wait_for

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _prepare(app: Any, urls: list[str]) -> None:
    """One claim per URL citing it with a quote; archiving is queued, not yet dispatched.

    The claims are clustered here, before the clock starts, and their clustering tasks
    dropped: the benchmark times archiving, not the duplicate search of claim intake.
    """
    with app.app_context():
        s = get_db(app).factory()
        for i, url in enumerate(urls):
            claim = create_claim(
                s, NewClaim(text=f"Claim {i}: 40 schools were rebuilt."), actor=None
            )
            cite(
                s, claim, url, Stance.SUPPORTS, "40 schools in the region were rebuilt", actor=None
            )
            assign_cluster(s, claim.id)
        s.execute(delete(OutboxMessage).where(OutboxMessage.task == CLUSTER_TASK))
        s.commit()
        s.close()


def _archived(app: Any) -> int:
    with get_db(app).factory() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(Capture)
                .where(Capture.status.in_([CaptureStatus.ARCHIVED, CaptureStatus.FAILED]))
            )
            or 0
        )


def run_pipeline(config: dict[str, Any], urls: list[str], workers: int, tmp: Path) -> float:
    """Pages per second from dispatch until every capture is archived."""
    app = create_app({**config, "OUTBOX_SEND_ON_COMMIT": False})
    truncate_all(get_db(app).engine)
    if config["CELERY_BROKER_URL"].startswith("redis"):
        import redis

        redis.Redis.from_url(config["CELERY_BROKER_URL"]).flushdb()
    # N single-process (solo pool) workers: every process consumes from the broker itself,
    # with no prefork parent relaying each message to a child over a pipe.
    procs = [
        spawn(
            ["worker", "--pool", "solo", "-n", f"bench{i}@%h", "-Q", "archive,default"],
            config,
            tmp / f"worker-{workers}-{i}.log",
        )
        for i in range(workers)
    ]
    try:
        # A warm-up page proves the workers are consuming before the clock starts.
        _prepare(app, [urls[0] + "-warmup"])
        dispatch(get_db(app), app.extensions["celery"])
        wait_for(lambda: _archived(app) >= 1, timeout=60)
        _prepare(app, urls)
        started = time.perf_counter()
        while dispatch(get_db(app), app.extensions["celery"]):
            pass
        wait_for(lambda: _archived(app) >= len(urls) + 1, timeout=600, interval=0.02)
        elapsed = time.perf_counter() - started
    finally:
        for proc in procs:
            stop(proc)
        get_db(app).engine.dispose()
    return len(urls) / elapsed


def run_wget(urls: list[str], tmp: Path) -> float:
    listing = tmp / "urls.txt"
    listing.write_text("\n".join(urls))
    started = time.perf_counter()
    subprocess.run(
        [
            "wget",
            "-q",
            "--no-proxy",
            "-i",
            str(listing),
            "-O",
            "/dev/null",
            f"--warc-file={tmp / 'wget'}",
            "--no-warc-keep-log",
        ],
        check=False,
        cwd=tmp,
    )
    return len(urls) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--skip-scale", action="store_true", help="embedded rows only")
    parser.add_argument("--skip-embedded", action="store_true", help="scale rows only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    server = HostileServer().start()
    tmp = Path(tempfile.mkdtemp(prefix="claimdesk-bench-"))
    urls = [server.url(f"/article/bench-{uuid.uuid4().hex[:8]}-{i}") for i in range(args.pages)]
    base = {
        "ENV": "test",
        "SECRET_KEY": "bench",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "FETCH_ALLOWED_HOSTS": "127.0.0.2,127.0.0.3",
        "ARCHIVE_STORAGE": f"file://{tmp}/archive",
        "BEAT_SCHEDULE_FILE": f"{tmp}/beat",
        "ARCHIVE_REUSE_SECONDS": 0,
    }
    setups: dict[str, dict[str, Any]] = {
        "embedded (SQLite + SQLite broker)": {
            **base,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp}/broker.db",
        },
    }
    if args.skip_embedded:
        setups.clear()
    pg_name = f"claimdesk_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    if not args.skip_scale:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
        setups["scale (Postgres + Redis)"] = {
            **base,
            "DATABASE_URL": make_url(PG_ADMIN).set(database=pg_name).render_as_string(False),
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        }
    try:
        for cfg in setups.values():
            upgrade(cfg["DATABASE_URL"])
        rows: list[tuple[str, int, list[float]]] = []
        wget = [run_wget(urls, tmp) for _ in range(args.repeat)]
        for name, cfg in setups.items():
            for n in counts:
                rates = []
                for _ in range(args.repeat):
                    # Fresh URLs each run, so nothing is served from an earlier archive.
                    run_urls = [u + f"-{uuid.uuid4().hex[:6]}" for u in urls]
                    rates.append(run_pipeline(cfg, run_urls, n, tmp))
                rows.append((name, n, rates))
        floor = statistics.median(wget)
        print(f"\n{args.pages} pages, median of {args.repeat} runs\n")
        print(f"{'pipeline':40} {'workers':>7} {'pages/s':>9} {'runs':>24} {'vs wget':>8}")
        print(
            f"{'wget --warc-file (fetch + WARC only)':40} {1:>7} {floor:>9.1f} "
            f"{' '.join(f'{r:.0f}' for r in wget):>24} {1.0:>8.2f}"
        )
        for name, n, rates in rows:
            median = statistics.median(rates)
            print(
                f"{name:40} {n:>7} {median:>9.1f} {' '.join(f'{r:.0f}' for r in rates):>24} "
                f"{median / floor:>8.2f}"
            )
    finally:
        server.stop()
        if not args.skip_scale:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
