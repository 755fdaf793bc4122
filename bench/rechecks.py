"""A day of re-checks at newsroom scale: how long N cited sources take to re-check, politely.

A desk on Postgres + Redis with compose's worker (``claimdesk worker --concurrency 8 --queues
archive,recheck,default``) and beat, N cited and archived sources spread over ``--hosts``
local publishers (``bench.pages``), all of them due. The clock runs from beat's start until
every source has a settled re-check. Run at several sizes to show the time grows linearly;
the rate then says how long 100k take. The publishers report what they saw: per host, the
shortest gap between two re-check starts and the most re-checks at once, against the
politeness settings the run used.

    .venv/bin/python -m bench.rechecks [--sizes 1000,3000,10000] [--hosts 20]
        [--min-delay 0.1] [--concurrency 2] [--round 5]

The database at ``--pg-url`` is emptied and migrated; the Redis db at ``--redis-url`` flushed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from app.db import utcnow
from app.migrate import upgrade
from app.models import Capture, CapturePurpose, CaptureStatus, Claim, ClaimState, Evidence, Source
from bench.archivebox_race import _reset_postgres, _reset_redis, cpu_by_kind
from bench.pages import host_addresses
from tests.support.processes import free_port, spawn, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
DAY = 86_400
PER_CLAIM = 10


@contextmanager
def publishers(hosts: int, log: Path) -> Iterator[tuple[int, int]]:
    """``bench.pages`` on ``hosts`` addresses; (port, pid)."""
    port = free_port()
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.pages", "--port", str(port), "--hosts", str(hosts)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: _stats(port) is not None, timeout=20)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _stats(port: int, which: str = "stats") -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.2:{port}/{which}", timeout=10) as r:
            return dict(json.load(r))
    except OSError:
        return None


def gaps(starts: dict[str, list[float]]) -> list[float]:
    """Every gap between two successive article requests at one host, as the host saw it."""
    found: list[float] = []
    for times in starts.values():
        ordered = sorted(times)
        found.extend(b - a for a, b in itertools.pairwise(ordered))
    return sorted(found)


def seed(url: str, count: int, port: int, hosts: tuple[str, ...]) -> None:
    """``count`` sources, each cited (ten to a claim) and archived a day and a bit ago."""
    engine = create_engine(url)
    then = utcnow() - timedelta(hours=25)
    run = uuid.uuid4().hex[:6]
    with engine.begin() as conn:
        claim_ids = [
            conn.execute(
                insert(Claim).returning(Claim.id),
                {
                    "text": f"Claim {n}: 40 schools were rebuilt.",
                    "state": ClaimState.SUBMITTED,
                    "checkworthiness": 0.5,
                    "priority": 0.5,
                    "tags": [],
                    "version": 1,
                },
            ).scalar_one()
            for n in range(-(-count // PER_CLAIM))
        ]
        rows = [
            {
                "url": f"http://{hosts[n % len(hosts)]}:{port}/news/{run}-{n}",
                "host": hosts[n % len(hosts)],
                "publisher": hosts[n % len(hosts)],
                "last_checked_at": then,
                "created_at": then,
            }
            for n in range(count)
        ]
        source_ids = list(conn.execute(insert(Source).returning(Source.id), rows).scalars())
        conn.execute(
            insert(Capture),
            [
                {
                    "source_id": sid,
                    "purpose": CapturePurpose.ARCHIVE,
                    "status": CaptureStatus.ARCHIVED,
                    "attempts": 1,
                    "http_status": 200,
                    "text_sha256": "0" * 64,
                    "fetched_at": then,
                    "created_at": then,
                    "updated_at": then,
                    "redirect_chain": [],
                }
                for sid in source_ids
            ],
        )
        conn.execute(
            insert(Evidence),
            [
                {
                    "claim_id": claim_ids[n // PER_CLAIM],
                    "source_id": sid,
                    "stance": "supports",
                    "created_at": then,
                }
                for n, sid in enumerate(source_ids)
            ],
        )
    engine.dispose()


def settled_rechecks(url: str) -> int:
    engine = create_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM captures WHERE purpose = 'recheck' "
                        "AND status IN ('archived', 'failed')"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def run(args: argparse.Namespace, count: int, tmp: Path) -> dict[str, Any]:
    hosts = host_addresses(args.hosts)
    _reset_postgres(args.pg_url)
    _reset_redis(args.redis_url)
    upgrade(args.pg_url)
    config = {
        "ENV": "development",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": args.pg_url,
        "CELERY_BROKER_URL": args.redis_url,
        "ARCHIVE_STORAGE": f"file://{tmp}/archive-{count}",
        "BEAT_SCHEDULE_FILE": f"{tmp}/beat-{count}-{uuid.uuid4().hex[:6]}",
        "FETCH_ALLOWED_HOSTS": ",".join(hosts),
        "LOG_LEVEL": "WARNING",
        "RECHECK_HOST_MIN_DELAY": args.min_delay,
        "RECHECK_HOST_CONCURRENCY": args.concurrency,
        "RECHECK_SCHEDULE_SECONDS": args.round,
    }
    with publishers(args.hosts, tmp / "pages.log") as (port, site_pid):
        seed(args.pg_url, count, port, hosts)
        worker = spawn(
            ["worker", "--concurrency", "8", "--queues", "archive,recheck,default"],
            config,
            tmp / f"worker-{count}.log",
        )
        time.sleep(3)  # the worker's processes up before beat's first round
        roots = [worker.pid, site_pid]
        cpu_before = cpu_by_kind(roots)
        started = time.perf_counter()
        beat = spawn(["beat"], config, tmp / f"beat-{count}.log")
        try:
            wait_for(lambda: settled_rechecks(args.pg_url) >= count, timeout=6 * 3600, interval=1)
            elapsed = time.perf_counter() - started
            cpu_after = cpu_by_kind([*roots, beat.pid])
        finally:
            stop(beat)
            stop(worker)
        stats = _stats(port) or {}
        seen = gaps(_stats(port, "stats/starts") or {})
    cpu = {k: v - cpu_before.get(k, 0.0) for k, v in cpu_after.items()}
    return {
        "count": count,
        "seconds": elapsed,
        "rate": count / elapsed,
        "cpu": cpu,
        "min_gap": seen[0] if seen else float("nan"),
        "p1_gap": seen[len(seen) // 100] if seen else float("nan"),
        "short": sum(1 for g in seen if g < args.min_delay),
        "gaps": len(seen),
        "peak": max(stats.get("peak", {}).values(), default=0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--min-delay", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--round", type=float, default=5.0, help="RECHECK_SCHEDULE_SECONDS")
    parser.add_argument(
        "--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/claimdesk_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="claimdesk-rechecks-"))
    results = []
    try:
        for size in (int(n) for n in args.sizes.split(",")):
            result = run(args, size, tmp)
            results.append(result)
            print(
                f"{size} re-checks: {result['seconds']:.0f} s, {result['rate']:.1f}/s; "
                f"gaps between starts at a host: shortest {result['min_gap']:.3f} s, 1st "
                f"percentile {result['p1_gap']:.3f} s, {result['short']} of {result['gaps']} "
                f"under {args.min_delay} s; most at once {result['peak']}; "
                "CPU s " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(result["cpu"].items())),
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"\n{args.hosts} publishers, at most {args.concurrency} re-checks at once and "
        f"{args.min_delay} s between starts per publisher, rounds every {args.round} s\n"
    )
    print("| sources | seconds | re-checks/s | 100k at this rate |")
    print("|---|---|---|---|")
    for r in results:
        day = 100_000 / r["rate"]
        print(
            f"| {r['count']:,} | {r['seconds']:.0f} | {r['rate']:.1f} | "
            f"{day / 3600:.1f} h ({100 * day / DAY:.0f}% of a day) |"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
