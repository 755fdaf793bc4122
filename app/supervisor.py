"""The process tree of ``claimdesk run``: web, one worker and beat under one supervisor.

The children must never outlive the supervisor, however it ends (Ctrl-C, SIGTERM, or SIGKILL
by an OOM killer), or the next start finds the port held by a stale server. Two guards:

- Linux: each child asks the kernel for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``,
  set between fork and exec), and checks that the parent did not die before it asked.
- Everywhere: each child inherits the read end of a pipe whose only write end the supervisor
  holds; a thread in the child waits on it and, at end-of-file (the supervisor is gone, the
  kernel closed its end), sends the child SIGTERM.

SIGTERM lets each child stop cleanly: gunicorn closes its socket and finishes requests,
Celery finishes (or, with late acks, returns) the task in hand.

Children run as ``python -m app.cli COMMAND ...``: the ordinary ``claimdesk`` command, which
first starts the pipe watcher when ``watch_if_supervised`` finds the pipe in its environment.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

WATCH_FD_ENV = "CLAIMDESK_SUPERVISOR_FD"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class PortUnavailable(RuntimeError):
    pass


def ensure_port_free(host: str, port: int) -> None:
    """Fail at once, naming the port, if the web server could not listen on it."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As gunicorn does, so a port left in TIME_WAIT by the last run does not count as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortUnavailable(
                    f"port {port} on {host} is already in use (is another claimdesk still "
                    f"running?); stop it, or choose another port with --port"
                ) from None
            raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _pdeathsig_setter() -> Callable[[], None] | None:
    """A function to run in the child before exec, or None where the kernel has no such call."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        # Resolved here, in the parent: after fork only async-signal-safe work is allowed.
        prctl = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_pdeathsig() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return set_pdeathsig


class Supervisor:
    """Starts children that die with it, watches them, and stops them all together."""

    def __init__(self, *, pdeathsig: bool = True) -> None:
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        # The write end never leaves this process (close_fds), so the read end sees
        # end-of-file exactly when this process is gone.
        self._watch_read, self._watch_write = os.pipe()
        self._preexec = _pdeathsig_setter() if pdeathsig else None

    def spawn(self, name: str, args: list[str], **popen: Any) -> subprocess.Popen[bytes]:
        env = {**os.environ, **popen.pop("env", {}), WATCH_FD_ENV: str(self._watch_read)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            env=env,
            pass_fds=(self._watch_read,),
            preexec_fn=self._preexec,
            # Each child in its own session, so a terminal's Ctrl-C reaches only the
            # supervisor, which then stops the children in order.
            start_new_session=True,
            **popen,
        )
        self.children[name] = proc
        return proc

    def exited(self) -> tuple[str, int] | None:
        """The first child found to have exited, with its code."""
        for name, proc in self.children.items():
            code = proc.poll()
            if code is not None:
                return name, code
        return None

    def stop(self, grace: float = 8.0) -> None:
        """SIGTERM every child's process group; SIGKILL what is still there after ``grace``."""
        for proc in self.children.values():
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def watch_supervisor(fd: int) -> threading.Thread:
    """In a child: SIGTERM this process once the supervisor's end of the pipe closes."""

    def wait_for_eof() -> None:
        try:
            while os.read(fd, 64):
                pass  # the supervisor never writes; anything read is ignored
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=wait_for_eof, name="supervisor-watch", daemon=True)
    thread.start()
    return thread


def watch_if_supervised() -> None:
    """In a child of ``claimdesk run``: stop when the supervisor is gone."""
    fd = os.environ.pop(WATCH_FD_ENV, None)
    if fd is not None:
        watch_supervisor(int(fd))
