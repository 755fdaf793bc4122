"""`claimdesk run` owns its children: they die with it, a busy port is refused at once, and
the work a crashed run left in flight is sent again at start (issue 13, point 10)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import make_engine
from app.migrate import upgrade
from app.models import Capture, CaptureStatus, Source
from app.supervisor import PortUnavailable, ensure_port_free
from tests.support.hostile_server import HOSTS, HostileServer
from tests.support.processes import (
    CLI,
    alive,
    descendants,
    free_port,
    ready,
    subprocess_env,
    wait_for,
)


def _embedded_env(**extra: str) -> dict[str, str]:
    env = subprocess_env({})
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "ARCHIVE_STORAGE", "ENV", "SECRET_KEY"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.getcwd()
    env.update(extra)
    return env


def _orphan(db_url: str, url: str) -> int:
    """A capture left `fetching` by a run that died mid-fetch."""
    upgrade(db_url)
    engine = make_engine(db_url)
    with Session(engine) as s:
        source = Source(url=url, host=HOSTS[0], publisher=HOSTS[0])
        capture = Capture(source=source, status=CaptureStatus.FETCHING, attempts=1)
        s.add(capture)
        s.commit()
        capture_id = capture.id
    engine.dispose()
    return capture_id


def _capture_status(db_url: str, capture_id: int) -> CaptureStatus:
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            status = s.scalar(select(Capture.status).where(Capture.id == capture_id))
            assert status is not None
            return status
    finally:
        engine.dispose()


@pytest.mark.slow
def test_restart_recovers_a_busy_port_is_refused_and_sigkill_takes_the_children(
    tmp_path: Path,
) -> None:
    db_url = f"sqlite:///{tmp_path}/instance/claimdesk.db"
    with HostileServer() as web:
        capture_id = _orphan(db_url, web.url("/article/orphaned"))
        port = free_port()
        # A stuck threshold of an hour: only the start-up recovery can send the capture again.
        env = _embedded_env(FETCH_ALLOWED_HOSTS=",".join(HOSTS), ARCHIVE_STUCK_SECONDS="3600")
        first = subprocess.Popen(
            [*CLI, "run", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        children: set[int] = set()
        try:
            wait_for(lambda: ready(port) or first.poll() is not None, timeout=90)
            assert first.poll() is None, first.stdout.read().decode() if first.stdout else ""
            wait_for(
                lambda: _capture_status(db_url, capture_id) is CaptureStatus.ARCHIVED, timeout=60
            )
            assert web.hits["/article/orphaned"] >= 1

            second = subprocess.run(
                [*CLI, "run", "--port", str(port)],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode != 0
            assert f"port {port} on 127.0.0.1 is already in use" in second.stderr
            assert ready(port)  # the running desk is untouched

            children = wait_for(lambda: len(descendants(first.pid)) >= 3 and descendants(first.pid))
            first.kill()  # SIGKILL: no chance to clean up
            first.wait(timeout=10)
            wait_for(lambda: not any(alive(p) for p in children), timeout=30)
            wait_for(lambda: not _port_taken(port), timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
            for pid in children | descendants(first.pid):
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)


def _port_taken(port: int) -> bool:
    try:
        ensure_port_free("127.0.0.1", port)
    except PortUnavailable:
        return True
    return False


PARENT = """
import sys, time
from app.supervisor import Supervisor
supervisor = Supervisor(pdeathsig=False)
child = supervisor.spawn("beat", ["beat"])
print(child.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_without_pdeathsig_the_pipe_still_takes_the_children(config: dict[str, Any]) -> None:
    env = subprocess_env(config)
    env["PYTHONPATH"] = os.getcwd()
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(PARENT)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    child = 0
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert alive(child)
        # Beat is up and has its app (the watcher thread starts before the command runs).
        wait_for(lambda: len(_threads(child)) >= 2, timeout=30)
        parent.kill()
        parent.wait(timeout=10)
        wait_for(lambda: not alive(child), timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
        if child and alive(child):
            os.kill(child, signal.SIGKILL)


def _threads(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return []


def test_a_taken_port_is_named() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortUnavailable, match=f"port {port} on 127.0.0.1 is already in use"):
            ensure_port_free("127.0.0.1", port)
    ensure_port_free("127.0.0.1", port)  # free again once the holder is gone
    with pytest.raises(PortUnavailable, match=r"cannot listen on no-such-host\.invalid"):
        ensure_port_free("no-such-host.invalid", port)
