"""Exports at newsroom scale: 100k published claims with 3 evidence items each, on Postgres.

    .venv/bin/python -m bench.export [--claims 100000] [--captures 10000] [--runs 3]

For every format, ``claimdesk export`` runs as its own process (as an operator or a cron job
would); the benchmark takes its wall time and peak RSS (``wait4``). The user's path, the API
(``GET /api/v1/exports/claims.jsonl`` and ``/exports/package`` through ``claimdesk web``), is
timed too. The baseline, in the same run: ``psql \\copy`` of the same claim rows (claims joined
with their verdict, people and document) and of the same evidence rows, to CSV. Figures are
medians of ``--runs``. The benchmark creates and drops its own database and archive store.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.archive.storage import LocalStore
from app.archive.warc import build_warc
from app.auth.credentials import issue_token
from app.db import make_engine, utcnow
from app.migrate import upgrade
from app.models import (
    Capture,
    CaptureStatus,
    Claim,
    ClaimState,
    Event,
    Evidence,
    Role,
    Source,
    Stance,
    User,
    Verdict,
    VerdictStatus,
)
from tests.support.pages import fetched, news_page
from tests.support.processes import free_port, spawn, stop, wait_for

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
FORMATS = ["jsonl", "csv", "claimreview", "feed", "evidence-jsonl", "evidence-csv", "package"]
CLAIM_ROWS_SQL = """
SELECT c.id, c.text, c.speaker, c.claim_date, c.appearance_url, c.tags, c.cluster_id, c.state,
       v.id, v.rating, v.rationale, v.reviewed_at, p.email, p.name, a.email, a.name, d.url
FROM claims c JOIN verdicts v ON v.claim_id = c.id AND v.status = 'approved' AND NOT v.stale
LEFT JOIN users p ON p.id = v.proposed_by_id LEFT JOIN users a ON a.id = v.reviewed_by_id
LEFT JOIN documents d ON d.id = c.document_id ORDER BY c.id
"""
EVIDENCE_ROWS_SQL = """
SELECT e.claim_id, s.url, s.publisher, e.stance, e.quote, e.quote_found, k.id, k.fetched_at,
       k.sha256
FROM evidence e JOIN sources s ON s.id = e.source_id
LEFT JOIN captures k ON k.source_id = s.id AND k.status = 'archived' ORDER BY e.claim_id, e.id
"""


def _seed(url: str, store_dir: Path, claims: int, captures: int) -> str:
    """Published claims, their verdicts, sources with archived captures, evidence, one event per
    claim (the chain head an export records); returns an editor's API token."""
    engine = make_engine(url)
    rng = random.Random(11)
    now = utcnow()
    store = LocalStore(str(store_dir))
    warcs = []
    for n in range(100):  # distinct WARCs, shared by the captures (content-addressed store)
        page_url = f"http://127.0.0.2:8000/article/{n}"
        body = news_page(str(n))
        warc = build_warc(fetched(body, url=page_url, final_url=page_url, redirects=[]))
        warcs.append((store.put(warc, suffix=".warc.gz"), len(warc)))
    with Session(engine) as s:
        checker = User(email="checker@bench.test", name="Checker", role=Role.FACT_CHECKER)
        editor = User(email="editor@bench.test", name="Editor", role=Role.EDITOR)
        s.add_all([checker, editor])
        s.flush()
        token = issue_token(s, editor, label="bench")
        s.execute(
            insert(Source),
            [
                {
                    "url": f"https://news{n % 400}.example/story/{n}",
                    "host": f"news{n % 400}.example",
                    "publisher": f"news{n % 400}.example",
                    "health": "live",
                    "consecutive_failures": 0,
                    "created_at": now,
                }
                for n in range(captures)
            ],
        )
        s.execute(
            insert(Capture),
            [
                {
                    "source_id": n + 1,
                    "purpose": "archive",
                    "status": CaptureStatus.ARCHIVED,
                    "attempts": 1,
                    "http_status": 200,
                    "final_url": f"https://news{n % 400}.example/story/{n}",
                    "redirect_chain": [],
                    "content_type": "text/html",
                    "size": 20000,
                    "sha256": "0" * 64,
                    "warc_key": warcs[n % 100][0],
                    "title": f"Story {n}",
                    "fetched_at": now - timedelta(days=2),
                    "created_at": now - timedelta(days=2),
                    "updated_at": now - timedelta(days=2),
                }
                for n in range(captures)
            ],
        )
        for start in range(0, claims, 10_000):
            ids = range(start + 1, min(claims, start + 10_000) + 1)
            s.execute(
                insert(Claim),
                [
                    {
                        "id": i,
                        "text": f"Claim {i}: the port handled {rng.randint(1, 9999)} ships in "
                        f"{rng.choice(['2023', '2024', '2025'])}, the minister said.",
                        "speaker": rng.choice(["The minister", "The mayor", "Port authority"]),
                        "tags": [rng.choice(["ports", "economy", "transport"])],
                        "state": ClaimState.CORROBORATED,
                        "checkworthiness": 0.5,
                        "priority": 0.5,
                        "cluster_id": i,
                        "created_at": now,
                        "updated_at": now,
                        "version": 3,
                    }
                    for i in ids
                ],
            )
            s.execute(
                insert(Verdict),
                [
                    {
                        "claim_id": i,
                        "rating": rng.choice(["true", "mostly-true", "mixed", "false"]),
                        "rationale": "Port statistics for the year show a different figure. " * 3,
                        "status": VerdictStatus.APPROVED,
                        "proposed_by_id": checker.id,
                        "proposed_at": now - timedelta(days=1),
                        "claim_state": ClaimState.CORROBORATED,
                        "reviewed_by_id": editor.id,
                        "reviewed_at": now - timedelta(hours=rng.randint(1, 20)),
                        "stale": False,
                    }
                    for i in ids
                ],
            )
            s.execute(
                insert(Evidence),
                [
                    {
                        "claim_id": i,
                        "source_id": (i * 3 + k) % captures + 1,
                        "stance": Stance.SUPPORTS if k < 2 else Stance.CONTEXT,
                        "quote": "ships",
                        "quote_found": True,
                        "created_at": now,
                    }
                    for i in ids
                    for k in range(3)
                ],
            )
            s.execute(
                insert(Event),
                [
                    {
                        "claim_id": i,
                        "seq": 1,
                        "prev_hash": None,
                        "hash": uuid.uuid5(uuid.NAMESPACE_OID, str(i)).hex * 2,
                        "kind": "created",
                        "at": now,
                        "before": None,
                        "after": None,
                        "detail": {},
                    }
                    for i in ids
                ],
            )
        s.execute(text("SELECT setval('claims_id_seq', (SELECT max(id) FROM claims))"))
        s.commit()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return token


def _child_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        assert proc.stderr is not None
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def _copy(db_name: str, sql: str, out: Path) -> float:
    started = time.perf_counter()
    query = " ".join(sql.split())
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            db_name,
            "-q",
            "-c",
            f"\\copy ({query}) TO '{out}' CSV HEADER",
        ],
        check=True,
    )
    return time.perf_counter() - started


def _http(base: str, path: str, token: str, out: Path) -> float:
    started = time.perf_counter()
    with requests.get(
        base + path, headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=600
    ) as resp:
        resp.raise_for_status()
        with out.open("wb") as fh:
            for chunk in resp.iter_content(1 << 16):
                fh.write(chunk)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--captures", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    name = f"claimdesk_bench_export_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    web = None
    try:
        upgrade(url)
        print(f"seeding {args.claims} claims, {3 * args.claims} evidence items ...", flush=True)
        token = _seed(url, tmp / "archive", args.claims, args.captures)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp}/broker.db",
            "ARCHIVE_STORAGE": f"file://{tmp}/archive",
            "SECRET_KEY_FILE": str(tmp / "secret_key"),
            "LOG_LEVEL": "WARNING",
        }
        cli = [sys.executable, "-m", "app.cli", "export"]
        results: dict[str, list[tuple[float, float]]] = {f: [] for f in FORMATS}
        baseline: dict[str, list[float]] = {"claims": [], "evidence": []}
        port = free_port()
        web = spawn(["web", "--port", str(port), "--workers", "1"], env, tmp / "web.log")
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _up(base), timeout=60)
        api: dict[str, list[float]] = {"claims.jsonl": [], "package": []}
        for run in range(args.runs):
            baseline["claims"].append(_copy(name, CLAIM_ROWS_SQL, tmp / "copy-claims.csv"))
            baseline["evidence"].append(_copy(name, EVIDENCE_ROWS_SQL, tmp / "copy-evidence.csv"))
            for fmt in FORMATS:
                out = tmp / f"out-{fmt}"
                results[fmt].append(_child_run([*cli, fmt, "-o", str(out)], env))
            for path in api:
                api[path].append(_http(base, f"/api/v1/exports/{path}", token, tmp / "api.out"))
            print(f"run {run + 1}/{args.runs} done", flush=True)
        _report(args.claims, results, baseline, api)
    finally:
        if web is not None:
            stop(web)
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        shutil.rmtree(tmp, ignore_errors=True)


def _up(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _report(
    claims: int,
    results: dict[str, list[tuple[float, float]]],
    baseline: dict[str, list[float]],
    api: dict[str, list[float]],
) -> None:
    rows = {"claims": claims, "evidence": 3 * claims}
    copy_rate = {k: rows[k] / statistics.median(v) for k, v in baseline.items()}
    line = "{:26} {:>8} {:>9} {:>9} {:>8} {:>9}"
    print("\n" + line.format("format", "rows", "median s", "rows/s", "vs copy", "peak MiB"))
    for kind, seconds in baseline.items():
        median = statistics.median(seconds)
        rate = rows[kind] / median
        print(
            line.format(
                "psql \\copy " + kind, rows[kind], f"{median:.2f}", f"{rate:.0f}", "1.00", ""
            )
        )
    for fmt, measured in results.items():
        kind = "evidence" if fmt.startswith("evidence") else "claims"
        median = statistics.median(s for s, _ in measured)
        rate = rows[kind] / median
        peak = max(m for _, m in measured)
        print(
            line.format(
                "claimdesk export " + fmt,
                rows[kind],
                f"{median:.2f}",
                f"{rate:.0f}",
                f"{rate / copy_rate[kind]:.2f}",
                f"{peak:.0f}",
            )
        )
    for path, seconds in api.items():
        median = statistics.median(seconds)
        rate = claims / median
        print(
            line.format(
                "GET /exports/" + path,
                claims,
                f"{median:.2f}",
                f"{rate:.0f}",
                f"{rate / copy_rate['claims']:.2f}",
                "(web)",
            )
        )


if __name__ == "__main__":
    main()
