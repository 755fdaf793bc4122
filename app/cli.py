"""The ``claimdesk`` command: a Flask CLI group; each command runs in one app context."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command

from app.db import session
from config import settings

# The only commands that look at the views; every other one starts faster without them.
_COMMANDS_WITH_VIEWS = {"routes", "shell"}


def _create_app() -> Flask:
    from app import create_app

    command = click.get_current_context(silent=True)
    return create_app(http=command is not None and command.info_name in _COMMANDS_WITH_VIEWS)


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

ROLES = click.Choice(["fact_checker", "editor", "admin"])


@contextmanager
def _refusals() -> Iterator[None]:
    """A rule's refusal (no such user, last admin, ...) is a one-line error, exit code 1."""
    from app.errors import DomainError

    try:
        yield
    except DomainError as exc:
        session().rollback()
        raise click.ClickException(exc.detail) from None


@main.group()
def users() -> None:
    """User accounts and API tokens (the console acts as an admin)."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=ROLES, required=True, help="What the user may do (SPEC §2).")
@click.option("--password", default=None, help="For browser sign-in; omit for API-only users.")
@click.option("--name", default="", help="Display name.")
def users_create(email: str, role: str, password: str | None, name: str) -> None:
    """Create a user and print a new API token on the last line."""
    from app.models import Role
    from app.workflow import users as service

    s = session()
    with _refusals():
        user, issued = service.create_user(
            s,
            None,
            email=email,
            role=Role(role),
            name=name,
            password=password,
            token_label="created by CLI",
        )
        s.commit()
    click.echo(f"created user {user.id} <{user.email}> with role {role}")
    click.echo("API token (shown once, keep it safe):")
    click.echo(issued.secret)


@users.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Shut a user out: their sessions end and their tokens are refused at once."""
    from app.workflow import users as service

    s = session()
    with _refusals():
        user = service.deactivate(s, None, service.find_user(s, email))
        s.commit()
    click.echo(f"deactivated {user.email}")


@users.command("activate")
@click.argument("email")
def users_activate(email: str) -> None:
    """Let a deactivated user back in (their unrevoked tokens work again)."""
    from app.workflow import users as service

    s = session()
    with _refusals():
        user = service.activate(s, None, service.find_user(s, email))
        s.commit()
    click.echo(f"activated {user.email}")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLES)
def users_set_role(email: str, role: str) -> None:
    """Change a user's role; their sessions end so the new role applies at once."""
    from app.models import Role
    from app.workflow import users as service

    s = session()
    with _refusals():
        user = service.set_role(s, None, service.find_user(s, email), Role(role))
        s.commit()
    click.echo(f"{user.email} is now {user.role.value}")


@users.command("tokens")
@click.argument("email")
def users_tokens(email: str) -> None:
    """List a user's tokens (id, state, label, dates); never their secrets."""
    from app.db import utcnow
    from app.workflow import users as service

    s = session()
    with _refusals():
        tokens = service.list_tokens(s, None, service.find_user(s, email))
    now = utcnow()
    click.echo("id\tstate\tcreated\texpires\tlast used\tlabel")
    for t in tokens:
        state = "revoked" if t.revoked_at else "active" if t.usable_at(now) else "expired"
        cells = [t.created_at, t.expires_at, t.last_used_at]
        dates = [d.strftime("%Y-%m-%d %H:%M") if d else "-" for d in cells]
        click.echo("\t".join([str(t.id), state, *dates, t.label]))


@users.command("new-token")
@click.argument("email")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None, help="Default: never.")
@click.option("--label", default="created by CLI", show_default=True)
def users_new_token(email: str, expires_days: int | None, label: str) -> None:
    """Issue a new API token and print it on the last line (rotate: then revoke the old)."""
    from app.workflow import users as service

    s = session()
    with _refusals():
        issued = service.issue_token(
            s, None, service.find_user(s, email), label=label, expires_days=expires_days
        )
        s.commit()
    until = issued.token.expires_at
    click.echo(
        f"token {issued.token.id} for {email.strip().lower()}"
        + (f", expires {until:%Y-%m-%d %H:%M} UTC" if until else ", never expires")
    )
    click.echo("API token (shown once, keep it safe):")
    click.echo(issued.secret)


@users.command("revoke-token")
@click.argument("token_id", type=click.IntRange(min=1))
def users_revoke_token(token_id: int) -> None:
    """Revoke a token by its id (see `users tokens EMAIL`)."""
    from app.workflow import users as service

    s = session()
    with _refusals():
        token = service.revoke_token(s, None, service.get_token(s, token_id))
        s.commit()
    click.echo(f"revoked token {token.id} of {token.user.email}")


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


_EXPORT_FORMATS = {
    "claimreview": "claimreview",
    "feed": "feed",
    "csv": "claims.csv",
    "jsonl": "claims.jsonl",
    "evidence-csv": "evidence.csv",
    "evidence-jsonl": "evidence.jsonl",
    "package": "package",
}


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(_EXPORT_FORMATS)))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output; required for package).",
)
@click.option("--since", type=click.DateTime(), default=None, help="Verdicts approved since (UTC).")
@click.option("--until", type=click.DateTime(), default=None, help="... and before (UTC).")
@click.option("--state", type=click.Choice(["corroborated", "disputed"]), default=None)
@click.option("-q", "--query", "q", default=None, help="Words in the claim or its speaker.")
@click.option("--tag", default=None)
@click.option("--rating", default=None)
@click.option("--document", type=int, default=None)
@click.option("--cluster", type=int, default=None)
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte order mark (Excel).")
def export(
    fmt: str,
    output: Path | None,
    since: Any,
    until: Any,
    state: str | None,
    q: str | None,
    tag: str | None,
    rating: str | None,
    document: int | None,
    cluster: int | None,
    bom: bool,
) -> None:
    """Export the verified claim set (approved, current verdicts), recorded as an export run.

    FORMAT: claimreview, feed (schema.org DataFeed), csv, jsonl (claims), evidence-csv,
    evidence-jsonl, package (zip with a WACZ of every cited capture; check it with
    `claimdesk verify`).
    """
    from datetime import UTC

    from app.exports import service
    from app.exports.query import ExportFilters
    from app.models import ClaimState

    if fmt == "package" and output is None:
        raise click.UsageError("package needs -o FILE.zip")
    filters = ExportFilters(
        q=q,
        tag=tag,
        document=document,
        rating=rating,
        approved_from=since.replace(tzinfo=UTC) if since is not None else None,
        approved_to=until.replace(tzinfo=UTC) if until is not None else None,
        cluster=cluster,
        state=ClaimState(state) if state else None,
    )
    s = session()
    run = service.start(s, _EXPORT_FORMATS[fmt], filters, actor=None)
    s.commit()
    if fmt == "package":
        assert output is not None
        with output.open("wb") as fh:
            manifest = service.package_to(fh, run.id, actor_id=None)
        counts = ", ".join(f"{v} {k}" for k, v in manifest.counts.items())
        click.echo(f"wrote {output}: {counts}; manifest sha256 {manifest.sha256}", err=True)
        return
    with output.open("w", encoding="utf-8", newline="") if output else _stdout() as fh:
        for chunk in service.stream_text(run.id, bom=bom):
            fh.write(chunk)
    click.echo(f"export run {run.id}: {run.count} claims", err=True)


# --- audit -----------------------------------------------------------------------------------


@main.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("verify")
def audit_verify() -> None:
    """Walk every claim's event chain; exit 1 naming the first event that does not match."""
    from app.workflow.audit import verify_chains

    checked, mismatch = verify_chains(session())
    if mismatch is not None:
        click.echo(f"audit chain broken at {mismatch}", err=True)
        sys.exit(1)
    click.echo(f"audit chains intact: {checked} events checked")


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

    from app.ingest.lexicon import warm_up

    warm_up()  # this process forks the gunicorn workers: they inherit the word data

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


# Every queue a desk's workers consume: citations first, then re-checks and the rest. A worker
# asks its queues in turn, so thousands of queued re-checks never hold a citation back.
WORKER_QUEUES = "archive,recheck,default"
# The embedded desk's one worker: threads, so one capture's waits (the page, its requisites,
# the database) overlap another's work. Four measured best on two cores (bench.archivebox_race:
# 2 threads 22, 4 threads 34, 8 threads 29 pages/s).
EMBEDDED_THREADS = 4


@main.command()
@click.option("--concurrency", "-c", default=2, show_default=True, type=int)
@click.option("--queues", "-Q", default=WORKER_QUEUES, show_default=True)
@click.option(
    "--pool",
    default=None,
    help="Celery pool; default prefork, or threads on the embedded SQLite broker.",
)
@click.option("--hostname", "-n", default=None, help="Node name (several workers on one host).")
def worker(concurrency: int, queues: str, pool: str | None, hostname: str | None) -> None:
    """Run a Celery worker for the given queues."""
    from app.ingest.lexicon import warm_up

    celery = current_app.extensions["celery"]
    warm_up()  # before the pool starts: forked children inherit the word data
    if pool is None:
        # Celery drives polling brokers with a loop that picks up prefork results only every
        # couple of seconds (measured: 0.5 tasks/s); threads report back by themselves.
        embedded = settings().CELERY_BROKER_URL.startswith("sqla+")
        pool = "threads" if embedded else "prefork"
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
    from app.supervisor import PortUnavailable, Supervisor, ensure_port_free
    from app.workflow.recovery import recover_orphaned_captures

    try:
        ensure_port_free(host, port)
    except PortUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    upgrade(settings().DATABASE_URL)
    # This desk runs the only worker, so whatever is still `fetching` was cut off when the
    # last run died; hand it out now rather than after the sweeper's timeout.
    s = session()
    recovered = recover_orphaned_captures(s)
    s.commit()
    if recovered:
        click.echo(f"sent again {len(recovered)} capture(s) cut off when the last run stopped")

    stopping = False

    def _stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    supervisor = Supervisor()
    supervisor.spawn("web", ["web", "--host", host, "--port", str(port), "--workers", "1"])
    supervisor.spawn("worker", ["worker", "--concurrency", str(EMBEDDED_THREADS)])
    supervisor.spawn("beat", ["beat"])
    click.echo(f"claimdesk is running at http://{host}:{port}/  (Ctrl-C stops it)")
    click.echo(
        "Create the first user: claimdesk users create you@example.org --role admin --password ..."
    )
    exit_code = 0
    while not stopping:
        exited = supervisor.exited()
        if exited is not None:
            click.echo(f"{exited[0]} exited with {exited[1]}; stopping the rest", err=True)
            stopping, exit_code = True, 1
            break
        time.sleep(0.2)
    supervisor.stop()
    sys.exit(exit_code)


# --- verify ---------------------------------------------------------------------------------


@main.command("verify", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Check an evidence package (or a .wacz): every hash, WARC record digest and cited capture.

    Prints each mismatch with the file or record it is in and exits 1; prints a summary and
    exits 0 when everything matches. Needs no database.
    """
    from app.exports.verify import verify_package, verify_wacz

    report = verify_wacz(file) if file.suffix == ".wacz" else verify_package(file)
    for problem in report.problems:
        click.echo(f"MISMATCH {problem}")
    if not report.ok:
        click.echo(f"{file}: {len(report.problems)} mismatch(es)", err=True)
        sys.exit(1)
    click.echo(f"OK {report.summary()}")


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
    from app.supervisor import watch_if_supervised

    watch_if_supervised()  # a child of `claimdesk run` stops when the supervisor is gone
    main(prog_name="claimdesk")
