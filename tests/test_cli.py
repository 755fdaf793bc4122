from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.auth.credentials import hash_token
from app.cli import main
from app.db import get_db
from app.models import ApiToken, Role, User
from tests.support.processes import (
    CLI,
    alive,
    descendants,
    free_port,
    ready,
    subprocess_env,
    wait_for,
)


def test_users_create_prints_token_last(live_app: Flask) -> None:
    result = live_app.test_cli_runner().invoke(
        main, ["users", "create", "Ed@Desk.example", "--role", "editor", "--password", "pw12345678"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with get_db(live_app).factory() as s:
        user = s.scalar(select(User).where(User.email == "ed@desk.example"))
        assert user is not None and user.role is Role.EDITOR and user.password_hash
        assert (
            s.scalar(select(ApiToken.user_id).where(ApiToken.token_hash == hash_token(token)))
            == user.id
        )
    resp = live_app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.json["email"] == "ed@desk.example"


def test_users_create_refuses_bad_role_and_duplicates(live_app: Flask) -> None:
    runner = live_app.test_cli_runner()
    bad = runner.invoke(main, ["users", "create", "x@desk.example", "--role", "boss"])
    assert bad.exit_code != 0 and "boss" in bad.output
    assert (
        runner.invoke(main, ["users", "create", "x@desk.example", "--role", "admin"]).exit_code == 0
    )
    again = runner.invoke(main, ["users", "create", "x@desk.example", "--role", "admin"])
    assert again.exit_code != 0 and "already exists" in again.output


@pytest.mark.slow
def test_run_starts_everything_and_ctrl_c_stops_all(tmp_path: Path) -> None:
    """`claimdesk run` on pure embedded defaults, in an empty directory."""
    port = free_port()
    env = subprocess_env({})
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "ARCHIVE_STORAGE", "ENV"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.getcwd()
    proc = subprocess.Popen(
        [*CLI, "run", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: ready(port) or proc.poll() is not None, timeout=90)
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert (tmp_path / "instance" / "claimdesk.db").exists()
        children = wait_for(lambda: len(descendants(proc.pid)) >= 3 and descendants(proc.pid))
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        proc.wait(timeout=15)
        wait_for(lambda: not any(alive(p) for p in children), timeout=10)
        assert time.monotonic() - started < 10
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
