"""Review-queue latency: 20k claims on Postgres, gunicorn via ``claimdesk web``, 32 concurrent
clients; p50/p99 of ``POST /queue/next`` and ``GET /claims`` next to ``GET /healthz`` (the
floor: the same server, no database) in the same run.

    .venv/bin/python -m bench.queue [--claims 20000] [--clients 32] [--requests 40]
                                    [--workers 4] [--threads 4]

Each client sends ``--requests`` rounds of the three calls in turn, so the three share the
server's load. Needs Postgres on 127.0.0.1:5432 (user postgres, trust); the benchmark creates
and drops its own database. Leases are not released, so with more rounds than claims the
queue empties and ``queue/next`` answers 204 (counted separately).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from app.auth.credentials import issue_token
from app.db import make_engine, utcnow
from app.migrate import upgrade
from app.models import Claim, ClaimState, Role, User
from tests.support.processes import free_port, spawn, stop, wait_for

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _seed(url: str, claims: int, users: int) -> list[str]:
    engine = make_engine(url)
    rng = random.Random(7)
    now = utcnow()
    rows = [
        {
            "text": f"Claim {i}: the port handled {i} ships in 2025.",
            "state": ClaimState.SUBMITTED,
            "checkworthiness": round(rng.random(), 3),
            "priority": round(rng.random() + rng.choice([0, 0, 0, 0.1, 0.3]), 3),
            "tags": [],
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for i in range(claims)
    ]
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        for start in range(0, len(rows), 5000):
            s.execute(insert(Claim), rows[start : start + 5000])
        s.execute(text("UPDATE claims SET cluster_id = id"))
        tokens = []
        for n in range(users):
            user = User(email=f"bench{n}@newsroom.test", role=Role.FACT_CHECKER)
            s.add(user)
            s.flush()
            tokens.append(issue_token(s, user, label="bench"))
        s.commit()
        s.execute(text("ANALYZE"))
        s.commit()
    engine.dispose()
    return tokens


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _run_clients(base: str, tokens: list[str], clients: int, rounds: int) -> dict[str, Any]:
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    calls = [
        ("POST /queue/next", "post", "/api/v1/queue/next"),
        ("GET /claims", "get", "/api/v1/claims?limit=50"),
        ("GET /healthz", "get", "/healthz"),
    ]

    def client(n: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[n % len(tokens)]}"
        barrier.wait()
        for r in range(rounds):
            for offset in range(len(calls)):  # rotate so no call always goes first
                name, method, path = calls[(r + offset + n) % len(calls)]
                start = time.perf_counter()
                resp = session.request(method, base + path, timeout=60)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies[name].append(elapsed)
                    statuses[name][resp.status_code] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "statuses": statuses, "seconds": time.perf_counter() - began}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=40, help="rounds per client")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    args = parser.parse_args()

    name = f"cd_bench_queue_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    tmp = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    proc = None
    try:
        upgrade(url)
        t0 = time.perf_counter()
        tokens = _seed(url, args.claims, users=args.clients)
        print(f"seeded {args.claims} claims in {time.perf_counter() - t0:.1f}s")
        port = free_port()
        config = {
            "ENV": "test",
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp}/broker.db",
            "ARCHIVE_STORAGE": f"file://{tmp}/archive",
            "LOG_LEVEL": "WARNING",
        }
        proc = spawn(
            [
                "web",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ],
            config,
            tmp / "web.log",
        )
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return requests.get(base + "/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_for(up, timeout=60)
        _run_clients(base, tokens, 4, 3)  # warm every worker's connections and caches
        result = _run_clients(base, tokens, args.clients, args.requests)
    finally:
        if proc is not None:
            stop(proc)
        admin.dispose()
        with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    print(
        f"\n{args.claims} claims on Postgres; gunicorn {args.workers} workers x {args.threads} "
        f"threads; {args.clients} clients x {args.requests} rounds in {result['seconds']:.1f}s "
        f"(cpu count {os.cpu_count()})\n"
    )
    print(f"{'call':<18} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for call, values in result["latencies"].items():
        ms = [v * 1000 for v in values]
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"][call].items()))
        print(
            f"{call:<18} {len(ms):>6} {statistics.median(ms):>8.1f} {_percentile(ms, 99):>8.1f} "
            f"{max(ms):>8.1f}  {codes}"
        )


if __name__ == "__main__":
    main()
