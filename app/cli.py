"""The ``claimdesk`` command: a Flask CLI group; each command runs in one app context."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command
from sqlalchemy import select

from app.db import session
from config import settings


def _create_app() -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """claimdesk: source verification for fact-checking newsrooms."""


main.add_command(shell_command)
main.add_command(routes_command)


# --- database -------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database schema (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from app.migrate import upgrade

    upgrade(settings().DATABASE_URL, revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    from app.migrate import downgrade

    downgrade(settings().DATABASE_URL, revision)
    click.echo(f"database at {revision}")


# --- users ----------------------------------------------------------------------------------


@main.group()
def users() -> None:
    """User accounts and API tokens."""


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["fact_checker", "editor", "admin"]),
    required=True,
    help="What the user may do (SPEC §2).",
)
@click.option("--password", default=None, help="For browser login; omit for API-only users.")
@click.option("--name", default="", help="Display name.")
def users_create(email: str, role: str, password: str | None, name: str) -> None:
    """Create a user and print a new API token on the last line."""
    from app.auth.credentials import hash_password, issue_token
    from app.models import Role, User

    s = session()
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if s.scalar(select(User).where(User.email == email)) is not None:
        raise click.ClickException(f"a user with email {email} already exists")
    user = User(
        email=email,
        name=name,
        role=Role(role),
        password_hash=hash_password(password) if password else None,
    )
    s.add(user)
    token = issue_token(s, user, label="created by CLI")
    s.commit()
    click.echo(f"created user {user.id} <{email}> with role {role}")
    click.echo("API token (shown once, keep it safe):")
    click.echo(token)


# --- ingest ---------------------------------------------------------------------------------


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", default=None, help="Defaults to the file name.")
@click.option("--url", default=None, help="Where the article was published.")
@click.option(
    "--accept-above",
    type=float,
    default=None,
    help="Make claims of candidates scoring at least this.",
)
def ingest(file: Path, title: str | None, url: str | None, accept_above: float | None) -> None:
    """Store an article from a text file and print its claim candidates, best first."""
    from app.workflow.documents import accept_candidates, ingest_document

    text = file.read_text(encoding="utf-8")
    if not text.strip():
        raise click.ClickException(f"{file} is empty")
    s = session()
    result = ingest_document(s, title=title or file.stem, text=text, url=url)
    accepted = []
    if accept_above is not None:
        chosen = [i for i, c in enumerate(result.candidates) if c.score >= accept_above]
        accepted = accept_candidates(s, result.document, chosen, result.candidates, actor=None)
    s.commit()
    state = "stored" if result.created else "already stored"
    click.echo(f"document {result.document.id} {state}: {len(result.candidates)} candidates")
    ranked = sorted(enumerate(result.candidates), key=lambda ic: (-ic[1].score, ic[0]))
    for index, cand in ranked:
        reasons = ", ".join(cand.reasons)
        click.echo(
            f"[{index:3d}] {cand.score:.2f}  {cand.start}-{cand.end}  {cand.text}  ({reasons})"
        )
    if accepted:
        click.echo(f"claims: {', '.join(str(c.id) for c in accepted)}")


# --- export ---------------------------------------------------------------------------------


@main.command()
@click.argument(
    "fmt", metavar="FORMAT", type=click.Choice(["claimreview", "csv", "jsonl", "package"])
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output; required for package).",
)
@click.option("--since", type=click.DateTime(), default=None, help="Only verdicts approved since.")
@click.option("--state", type=click.Choice(["corroborated", "disputed"]), default=None)
def export(fmt: str, output: Path | None, since: Any, state: str | None) -> None:
    """Export the verified claim set (approved, current verdicts)."""
    from datetime import UTC

    from app.exports.package import write_package
    from app.exports.rows import Filters
    from app.exports.service import render, select_for_export

    if fmt == "package" and output is None:
        raise click.UsageError("package needs -o FILE.zip")
    s = session()
    since_utc = since.replace(tzinfo=UTC) if since is not None else None
    items = select_for_export(s, fmt, Filters(since=since_utc, state=state), actor=None)
    if fmt == "package":
        assert output is not None
        with output.open("wb") as fh:
            warcs = write_package(s, items, fh)
        click.echo(f"wrote {output}: {len(items)} claims, {warcs} WARCs", err=True)
    else:
        with output.open("w", encoding="utf-8", newline="") if output else _stdout() as fh:
            for chunk in render(items, fmt):
                fh.write(chunk)
    s.commit()


def _stdout() -> Any:
    import contextlib

    return contextlib.nullcontext(sys.stdout)


# --- processes ------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn processes")
@click.option("--threads", default=4, show_default=True, type=int, help="threads per process")
def web(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web app and API with gunicorn."""
    from gunicorn.app.wsgiapp import run as gunicorn_run

    sys.argv = [
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        "app:create_app()",
    ]
    gunicorn_run()


@main.command()
@click.option("--concurrency", "-c", default=2, show_default=True, type=int)
@click.option("--queues", "-Q", default="archive,default", show_default=True)
@click.option(
    "--pool",
    default=None,
    help="Celery pool; default prefork, or solo on the embedded SQLite broker.",
)
@click.option("--hostname", "-n", default=None, help="Node name (several workers on one host).")
def worker(concurrency: int, queues: str, pool: str | None, hostname: str | None) -> None:
    """Run a Celery worker for the given queues."""
    celery = current_app.extensions["celery"]
    if pool is None:
        # Celery drives polling brokers with a loop that picks up prefork results only every
        # couple of seconds (measured: 0.5 tasks/s); the solo pool runs tasks in the loop.
        embedded = settings().CELERY_BROKER_URL.startswith("sqla+")
        pool = "solo" if embedded else "prefork"
    celery.worker_main(
        [
            "worker",
            "--loglevel",
            settings().LOG_LEVEL,
            "-Q",
            queues,
            "-c",
            str(concurrency),
            "-P",
            pool,
            "--without-gossip",
            "--without-mingle",
            *(["--hostname", hostname] if hostname else []),
        ]
    )


@main.command()
def beat() -> None:
    """Run Celery beat (periodic re-checks and sweepers). Run exactly one."""
    celery = current_app.extensions["celery"]
    celery.start(["beat", "--loglevel", settings().LOG_LEVEL])


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def run_all(host: str, port: int) -> None:
    """Embedded mode: migrate, then web, one worker and beat together until Ctrl-C."""
    from app.migrate import upgrade

    upgrade(settings().DATABASE_URL)
    exe = [sys.executable, "-m", "app.cli"]
    children = {
        "web": [*exe, "web", "--host", host, "--port", str(port), "--workers", "1"],
        "worker": [*exe, "worker", "--concurrency", "1"],
        "beat": [*exe, "beat"],
    }
    procs: dict[str, subprocess.Popen[Any]] = {}
    stopping = False

    def _stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    for name, argv in children.items():
        # Own process group per child, so a terminal's Ctrl-C reaches only us; we stop them.
        procs[name] = subprocess.Popen(argv, start_new_session=True)
    click.echo(f"claimdesk is running at http://{host}:{port}/  (Ctrl-C stops it)")
    click.echo(
        "Create the first user: claimdesk users create you@example.org --role admin --password ..."
    )
    exit_code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                click.echo(f"{name} exited with {proc.returncode}; stopping the rest", err=True)
                stopping, exit_code = True, 1
                break
        time.sleep(0.2)
    _terminate_all(procs)
    sys.exit(exit_code)


def _terminate_all(procs: dict[str, subprocess.Popen[Any]], grace: float = 8.0) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- demo -----------------------------------------------------------------------------------


@main.command()
def demo() -> None:
    """Fill the desk with demo people, an article, claims and archived sources.

    Migrates first; run it on an empty desk (or again, to get new passwords), then
    `claimdesk run` and sign in with one of the printed accounts.
    """
    from app.demo.content import SOURCES
    from app.demo.desk import build_demo
    from app.demo.server import HOSTS, serving
    from app.migrate import upgrade

    click.echo("claimdesk demo: migrating the database…")
    upgrade(settings().DATABASE_URL)
    pages = {page.path: page.html() for page in SOURCES.values()}
    config = settings()
    allowed = config.FETCH_ALLOWED_HOSTS
    # The demo's sources live on this machine; the fetcher refuses loopback addresses unless
    # allowed, so the two demo hosts are allowed for this command only, and it archives them
    # itself: the tasks stay in the outbox instead of reaching a worker that may be running
    # without those hosts allowed (``build_demo`` drops them once the captures are done).
    config.FETCH_ALLOWED_HOSTS = ",".join(h for h in (allowed, *HOSTS) if h)
    current_app.config["OUTBOX_SEND_ON_COMMIT"] = False
    try:
        with serving(pages) as port:
            click.echo(f"serving the demo sources on http://127.0.0.1:{port}/ while archiving…")
            desk = build_demo(session(), port, lambda line: click.echo(f"  {line}"))
    finally:
        config.FETCH_ALLOWED_HOSTS = allowed
        current_app.config["OUTBOX_SEND_ON_COMMIT"] = True
    click.echo("")
    click.echo("Demo desk ready. Sign in with one of these (passwords are new on every run):")
    for person in desk.people:
        click.echo(f"  {person.role.value:<12}  {person.email:<24}  {person.password}")
    click.echo("")
    click.echo(f"Then: claimdesk run   and open {settings().PUBLIC_URL}/")


if __name__ == "__main__":
    main()
