"""What a user waits for: claimdesk started as a user starts it, against ArchiveBox, same run.

A newsroom citing 300 pages through the HTTP API (one client, 10 sources per claim, one
``POST /claims/{id}/evidence`` each, a bearer token from ``claimdesk users create``), the clock
running from the first POST until every capture is archived and its claims' states updated;
and ArchiveBox 0.7.4 (wget + WARC + headers + title + text, no browser) archiving the same 300
URLs, ``archivebox add`` timed alone. The pages come from a local news site
(``bench.pages``, a process of its own): an article, its stylesheet, a texture and a font the
stylesheet names, the site's logo and the article's photo.

Desks:

- ``embedded``: ``claimdesk db upgrade`` then ``claimdesk run``, exactly as ``make run`` does,
  with the default settings in a fresh directory (SQLite, the SQLite broker, one worker);
- ``scale``: the compose stack's commands run natively on Postgres + Redis (``claimdesk web
  --workers 4``, ``claimdesk worker --concurrency 8 --queues archive,recheck,default``,
  ``claimdesk beat``);
- ``run-pg``: ``claimdesk run`` pointed at Postgres + Redis.

Also, on an idle embedded desk: one source cited → archived and the claim's state updated
(median over ``--latency`` citations), and the response time of ``POST .../evidence``.

    .venv/bin/python -m bench.archivebox_race [--pages 300] [--repeat 3]
        [--modes embedded,scale] [--latency 30] [--no-archivebox] [--profile DIR]

Needs ArchiveBox installed for user ``abx`` (``archivebox-peer.sh``, run once as root) unless
``--no-archivebox``; for ``scale``/``run-pg``, Postgres and Redis reachable at ``--pg-url`` and
``--redis-url`` (the database is emptied and migrated; the Redis db flushed).
``--profile DIR`` adds one profiled run per desk (py-spy, not counted in the figures) and
writes where each process spent its time to DIR.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import Engine, create_engine, text

from tests.support.processes import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
CLAIMDESK = str(Path(sys.executable).with_name("claimdesk"))
HOSTS = ("127.0.0.2", "127.0.0.3")
QUOTE = "40 schools in the region were rebuilt"
PER_CLAIM = 10
ABX_ENV = {
    "SAVE_WGET": "True",
    "SAVE_WARC": "True",
    "SAVE_HTMLTOTEXT": "True",
    "SAVE_TITLE": "True",
    "SAVE_HEADERS": "True",
    "USE_CHROME": "False",
    "SAVE_FAVICON": "False",
    "SAVE_SINGLEFILE": "False",
    "SAVE_PDF": "False",
    "SAVE_SCREENSHOT": "False",
    "SAVE_DOM": "False",
    "SAVE_READABILITY": "False",
    "SAVE_MERCURY": "False",
    "SAVE_GIT": "False",
    "SAVE_MEDIA": "False",
    "SAVE_ARCHIVE_DOT_ORG": "False",
}
DONE = "('archived', 'failed')"


# --- the local news site ------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    port: int
    pid: int


@contextmanager
def news_site(log: Path, delay: float = 0.0) -> Iterator[Site]:
    port = free_port()
    args = [sys.executable, "-m", "bench.pages", "--port", str(port), "--delay", str(delay)]
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _answers(f"http://{HOSTS[0]}:{port}/stats"), timeout=20)
        yield Site(port, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def page_urls(port: int, count: int, run: str) -> list[str]:
    """``count`` article URLs, alternating between the two publishers, unique to ``run``."""
    return [f"http://{HOSTS[i % 2]}:{port}/news/{run}-{i}" for i in range(count)]


# --- desks ------------------------------------------------------------------------------------


@dataclass
class Desk:
    """A claimdesk started from the command line in its own directory."""

    mode: str
    home: Path
    env: dict[str, str]
    db_url: str
    port: int = field(default_factory=free_port)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    token: str = ""
    engine: Engine | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLAIMDESK, *args],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )

    def spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with open(self.home / f"{name}.log", "ab") as out:
            proc = subprocess.Popen(
                [CLAIMDESK, *args],
                cwd=self.home,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def start(self) -> None:
        self.command("db", "upgrade")
        created = self.command("users", "create", "bench@newsroom.example", "--role", "editor")
        self.token = created.stdout.strip().splitlines()[-1]
        host = ["--host", "127.0.0.1", "--port", str(self.port)]
        if self.mode == "scale":
            self.spawn("web", "web", *host, "--workers", "4")
            self.spawn(
                "worker",
                "worker",
                "--concurrency",
                "8",
                "--queues",
                ARCHIVE_QUEUES,
            )
            self.spawn("beat", "beat")
        else:
            self.spawn("run", "run", *host)
        wait_for(lambda: _answers(f"{self.base}/readyz"), timeout=60, interval=0.1)
        self.engine = create_engine(self.db_url, pool_size=1)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self.engine is not None:
            self.engine.dispose()

    def scalar(self, sql: str, **params: Any) -> Any:
        assert self.engine is not None
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()


ARCHIVE_QUEUES = "archive,recheck,default"  # as docker-compose.yml


def make_desk(name: str, tmp: Path, args: argparse.Namespace) -> Desk:
    """The desk ``name``: a mode, or ``mode@before`` for the code at ``--baseline``."""
    mode, _, variant = name.partition("@")
    home = tmp / f"{mode}-{variant or 'now'}-{uuid.uuid4().hex[:6]}"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DATABASE_URL", "CELERY_", "ARCHIVE_", "FETCH_"))
    }
    # Only this: the news site is on loopback, which the fetcher refuses by default.
    env["FETCH_ALLOWED_HOSTS"] = ",".join(HOSTS)
    env["PYTHONUNBUFFERED"] = "1"
    # The code under test shadows the installed one (same dependencies): the baseline's for
    # ``@before``, else this checkout's (an editable install may point at another checkout,
    # e.g. the main one when this is a git worktree).
    env["PYTHONPATH"] = str(args.baseline if variant == "before" else ROOT)
    if mode == "embedded":
        return Desk(mode, home, env, f"sqlite:///{home}/instance/claimdesk.db")
    _reset_postgres(args.pg_url)
    _reset_redis(args.redis_url)
    env.update(
        DATABASE_URL=args.pg_url,
        CELERY_BROKER_URL=args.redis_url,
        ARCHIVE_STORAGE=f"file://{home}/archive",
    )
    if mode == "scale":  # as compose runs it
        env.update(ENV="production", SECRET_KEY=uuid.uuid4().hex + uuid.uuid4().hex)
    return Desk(mode, home, env, args.pg_url)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _reset_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# --- the client ---------------------------------------------------------------------------------


class Client:
    def __init__(self, desk: Desk) -> None:
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {desk.token}"
        self.base = desk.base + "/api/v1"
        self.post_seconds: list[float] = []

    def claim(self, text_: str) -> int:
        r = self.http.post(f"{self.base}/claims", json={"text": text_}, timeout=30)
        r.raise_for_status()
        return int(r.json()["id"])

    def cite(self, claim_id: int, url: str) -> None:
        body = {"url": url, "stance": "supports", "quote": QUOTE}
        started = time.perf_counter()
        r = self.http.post(f"{self.base}/claims/{claim_id}/evidence", json=body, timeout=30)
        self.post_seconds.append(time.perf_counter() - started)
        if r.status_code != 202:
            raise RuntimeError(f"POST evidence answered {r.status_code}: {r.text[:300]}")


def settled(desk: Desk, floor: int) -> int:
    return int(
        desk.scalar(f"SELECT count(*) FROM captures WHERE id > :f AND status IN {DONE}", f=floor)
    )


def warm_up(desk: Desk, client: Client, port: int) -> int:
    """One citation archived before the clock starts: every process is up and consuming.
    Returns the highest capture id so far."""
    claim = client.claim("Warm-up: 40 schools in the region were rebuilt.")
    client.cite(claim, f"http://{HOSTS[0]}:{port}/news/warmup-{uuid.uuid4().hex[:6]}")
    wait_for(lambda: settled(desk, 0) >= 1, timeout=120, interval=0.05)
    client.post_seconds.clear()
    return int(desk.scalar("SELECT max(id) FROM captures"))


@dataclass
class Throughput:
    pages_per_second: float
    failed: int
    post_seconds: list[float]
    cpu: dict[str, float]  # CPU seconds each kind of process spent while the clock ran


def _ticks(pid: int) -> tuple[int, int, str]:
    """(parent, utime + stime in clock ticks, command line) of a live process."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return int(fields[1]), int(fields[11]) + int(fields[12]), cmd


def cpu_by_kind(roots: list[int]) -> dict[str, float]:
    """CPU seconds used so far by the process trees under ``roots``, by kind of process."""
    table: dict[int, tuple[int, int, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                table[int(entry.name)] = _ticks(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    totals: dict[str, float] = {}
    frontier = [p for p in roots if p in table]
    hz = os.sysconf("SC_CLK_TCK")
    while frontier:
        pid = frontier.pop()
        _, ticks, cmd = table[pid]
        kind = (
            "site"
            if "bench.pages" in cmd
            else next((k for k in ("worker", "beat", "web") if f" {k} " in f"{cmd} "), "run")
        )
        totals[kind] = totals.get(kind, 0.0) + ticks / hz
        frontier.extend(children.get(pid, []))
    return totals


def cite_all(desk: Desk, site: Site, pages: int) -> Throughput:
    port = site.port
    client = Client(desk)
    floor = warm_up(desk, client, port)
    urls = page_urls(port, pages, uuid.uuid4().hex[:8])
    roots = [p.pid for p in desk.procs] + [site.pid]
    cpu_before = cpu_by_kind(roots)
    started = time.perf_counter()
    client_cpu = time.process_time()
    for first in range(0, pages, PER_CLAIM):
        claim = client.claim(f"Claim {first // PER_CLAIM}: 40 schools in the region were rebuilt.")
        for url in urls[first : first + PER_CLAIM]:
            client.cite(claim, url)
    wait_for(lambda: settled(desk, floor) >= pages, timeout=900, interval=0.02)
    elapsed = time.perf_counter() - started
    cpu_after = cpu_by_kind(roots)
    cpu = {k: cpu_after[k] - cpu_before.get(k, 0.0) for k in cpu_after}
    cpu["client"] = time.process_time() - client_cpu
    failed = int(
        desk.scalar("SELECT count(*) FROM captures WHERE id > :f AND status = 'failed'", f=floor)
    )
    cpu["wall"] = elapsed
    return Throughput(pages / elapsed, failed, client.post_seconds, cpu)


def latencies(desk: Desk, port: int, count: int) -> tuple[list[float], list[float]]:
    """On an idle desk: seconds from sending one citation until its capture is archived and
    its claim's state moved; and the POST's own response times."""
    client = Client(desk)
    warm_up(desk, client, port)
    waits = []
    for i in range(count):
        claim = client.claim(f"Latency {i}: 40 schools in the region were rebuilt.")
        idle(desk)
        url = f"http://{HOSTS[i % 2]}:{port}/news/latency-{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        client.cite(claim, url)
        wait_for(
            lambda c=claim: (
                desk.scalar("SELECT state FROM claims WHERE id = :c", c=c) != "submitted"
            ),
            timeout=60,
            interval=0.002,
        )
        waits.append(time.perf_counter() - started)
    return waits, client.post_seconds


def idle(desk: Desk) -> None:
    """Nothing queued or running: the outbox is empty and every capture settled."""
    wait_for(
        lambda: (
            desk.scalar(
                "SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM captures "
                "WHERE status IN ('pending', 'fetching'))"
            )
            == 0
        ),
        timeout=60,
    )
    time.sleep(0.5)  # the worker back in its wait for the broker, as an idle desk is


# --- ArchiveBox -------------------------------------------------------------------------------


def archivebox(urls: list[str], tmp: Path) -> tuple[float, int]:
    """Pages per second of ``archivebox add`` on a fresh collection, and how many got a WARC."""
    run = tmp / f"abx-{uuid.uuid4().hex[:6]}"
    data = run / "data"  # init wants an empty directory
    data.mkdir(parents=True)
    listing = run / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    abx = pwd.getpwnam("abx")
    for path in (run, data, listing):
        os.chown(path, abx.pw_uid, abx.pw_gid)
    exports = " ".join(f"{k}={v}" for k, v in ABX_ENV.items())

    def as_abx(command: str) -> None:
        script = f"export PATH=~/abxvenv/bin:$PATH {exports}; cd {data} && {command}"
        subprocess.run(
            ["su", "abx", "-s", "/bin/bash", "-c", script],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    as_abx("archivebox init")
    started = time.perf_counter()
    as_abx(f"archivebox add < {listing}")
    elapsed = time.perf_counter() - started
    warcs = sum(1 for snap in (data / "archive").iterdir() if any(snap.glob("warc/*.warc.gz")))
    return len(urls) / elapsed, warcs


# --- profiling --------------------------------------------------------------------------------


@contextmanager
def profiled(desk: Desk, out: Path, *, idle: bool = True) -> Iterator[None]:
    """py-spy on every process of the desk, as collapsed stacks (``bench.profile_report``
    summarises them): with ``idle``, every sample of every thread, waiting included (where
    the wall-clock time goes); without, only threads on a CPU (where the CPU time goes)."""
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    spies = [
        subprocess.Popen(
            [
                pyspy,
                "record",
                "--pid",
                str(proc.pid),
                "--subprocesses",
                *(["--idle"] if idle else []),
                "--rate",
                "200",
                "--format",
                "raw",
                "--output",
                str(out.with_suffix(f".{i}.txt")),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i, proc in enumerate(desk.procs)
    ]
    time.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        for spy in spies:
            spy.wait(timeout=60)


# --- the race ---------------------------------------------------------------------------------


@contextmanager
def running(desk: Desk) -> Iterator[Desk]:
    try:
        desk.start()
        yield desk
    finally:
        desk.stop()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modes", default="embedded,scale")
    parser.add_argument("--latency", type=int, default=30, help="citations on an idle desk")
    parser.add_argument("--no-archivebox", action="store_true")
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument(
        "--cpu-profile", action="store_true", help="with --profile: CPU time, not wall time"
    )
    parser.add_argument(
        "--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/claimdesk_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="a checkout of the code before (e.g. `git worktree add`): adds each desk "
        "running that code, in the same run",
    )
    args = parser.parse_args()
    if args.pages % PER_CLAIM:
        parser.error(f"--pages must be a multiple of {PER_CLAIM}")
    modes = [m for m in args.modes.split(",") if m]
    if args.baseline is not None:
        modes += [f"{m}@before" for m in modes]
    tmp = Path(tempfile.mkdtemp(prefix="claimdesk-race-"))
    os.chmod(tmp, 0o755)  # ArchiveBox's user works below it
    rates: dict[str, list[float]] = {m: [] for m in modes}
    posts: dict[str, list[float]] = {m: [] for m in modes}
    failures: dict[str, int] = dict.fromkeys(modes, 0)
    abx_rates: list[float] = []
    abx_missing = 0
    try:
        with news_site(tmp / "pages.log") as site:
            port = site.port
            if args.profile is not None:
                args.profile.mkdir(parents=True, exist_ok=True)
                for mode in modes:
                    with running(make_desk(mode, tmp, args)) as desk:
                        with profiled(desk, args.profile / f"{mode}", idle=not args.cpu_profile):
                            result = cite_all(desk, site, args.pages)
                        print(f"profiled {mode}: {result.pages_per_second:.1f} pages/s", flush=True)
            for rep in range(args.repeat):
                # Rotate the order, so a slow patch of the machine does not favour one side.
                order = ["archivebox", *modes]
                order = order[rep % len(order) :] + order[: rep % len(order)]
                for who in order:
                    if who == "archivebox":
                        if args.no_archivebox:
                            continue
                        rate, warcs = archivebox(page_urls(port, args.pages, f"abx{rep}"), tmp)
                        abx_rates.append(rate)
                        abx_missing += args.pages - warcs
                        print(f"run {rep + 1} ArchiveBox: {rate:.1f} pages/s", flush=True)
                        continue
                    with running(make_desk(who, tmp, args)) as desk:
                        result = cite_all(desk, site, args.pages)
                    rates[who].append(result.pages_per_second)
                    posts[who].extend(result.post_seconds)
                    failures[who] += result.failed
                    print(
                        f"run {rep + 1} {who}: {result.pages_per_second:.1f} pages/s, CPU s "
                        + ", ".join(f"{k} {v:.1f}" for k, v in sorted(result.cpu.items())),
                        flush=True,
                    )
            idle: dict[str, tuple[list[float], list[float]]] = {}
            if args.latency:
                for name in ["embedded"] + (["embedded@before"] if args.baseline else []):
                    with running(make_desk(name, tmp, args)) as desk:
                        idle[name] = latencies(desk, port, args.latency)
        report(args, rates, posts, failures, abx_rates, abx_missing, idle)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")


def report(
    args: argparse.Namespace,
    rates: dict[str, list[float]],
    posts: dict[str, list[float]],
    failures: dict[str, int],
    abx_rates: list[float],
    abx_missing: int,
    idle: dict[str, tuple[list[float], list[float]]],
) -> None:
    names = {
        "embedded": "embedded `claimdesk run` (SQLite + SQLite broker)",
        "scale": "compose defaults on Postgres + Redis",
        "run-pg": "`claimdesk run` on Postgres + Redis",
    }
    abx = median(abx_rates)
    print(f"\n{args.pages} pages, {args.repeat} runs each, medians; runs in brackets\n")
    print("| desk | claimdesk pages/s | ArchiveBox pages/s | ratio |")
    print("|---|---|---|---|")
    for mode, values in rates.items():
        runs = ", ".join(f"{v:.1f}" for v in values)
        ratio = median(values) / abx if abx_rates else float("nan")
        base, _, variant = mode.partition("@")
        name = names.get(base, base) + (f", {variant}" if variant else "")
        print(f"| {name} | {median(values):.1f} ({runs}) | {abx:.1f} | {ratio:.1f}x |")
    if abx_rates:
        print(
            f"\nArchiveBox runs: {', '.join(f'{v:.1f}' for v in abx_rates)}; "
            f"pages without a WARC: {abx_missing}"
        )
    print("claimdesk captures failed: " + ", ".join(f"{m} {n}" for m, n in failures.items()))
    for mode, values in posts.items():
        print(f"POST evidence under load, {mode}: median {median(values) * 1000:.1f} ms")
    for name, (waits, idle_posts) in idle.items():
        ordered = sorted(waits)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(
            f"idle {name} desk, {len(waits)} citations: cited -> archived + state updated "
            f"median {median(waits):.3f} s (p90 {p90:.3f} s); "
            f"POST evidence median {median(idle_posts) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
