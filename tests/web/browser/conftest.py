"""A live desk (`claimdesk run`: web, worker and beat) and Debian's Chromium driven by
Playwright. One desk per test module: starting one takes seconds, so the tests of a module
share it.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.credentials import hash_password, issue_token
from app.db import make_engine
from app.models import Role, User
from tests.conftest import LOCAL_HOSTS
from tests.support.backends import truncate_all
from tests.support.browser import chromium
from tests.support.processes import CLI, free_port, spawn, stop, subprocess_env, wait_for

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
WIDTHS = {"wide": (1280, 900), "phone": (390, 844)}

# Every control on the page, with no accessible name (label, aria-label(ledby), title, text).
UNLABELLED_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea, button'))
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    const byLabel = el.labels ? Array.from(el.labels).map(l => l.textContent).join(' ') : '';
    const byRefs = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
    const own = el.tagName === 'BUTTON' ? el.textContent : '';
    const name = [byLabel, byRefs, el.getAttribute('aria-label') || '', el.title || '', own]
      .join(' ').trim();
    return name === '';
  })
  .map(el => el.outerHTML.slice(0, 160))
"""


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    role: Role


@dataclass
class LiveDesk:
    url: str
    env: dict[str, Any]
    engine: Any
    log: Path

    def account(self, role: Role) -> Account:
        """A new user of ``role`` with a password, written straight into the desk's database."""
        email = f"{role.value}-{secrets.token_hex(3)}@newsroom.test"
        password = secrets.token_urlsafe(12)
        with Session(self.engine) as s:
            s.add(
                User(
                    email=email,
                    name=email.split("@")[0],
                    role=role,
                    password_hash=hash_password(password),
                )
            )
            s.commit()
        return Account(email, password, role)

    def token(self, account: Account) -> str:
        """A new API token for ``account`` (its secret), written into the desk's database."""
        with Session(self.engine) as s:
            user = s.scalar(select(User).where(User.email == account.email))
            assert user is not None
            secret = issue_token(s, user, label="browser test")
            s.commit()
        return secret

    def cli(self, *args: str) -> str:
        """Run a ``claimdesk`` command against the desk's database; its standard output."""
        done = subprocess.run(
            [*CLI, *args], env=subprocess_env(self.env), capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def live_desk(
    db_url: str, broker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveDesk]:
    tmp = tmp_path_factory.mktemp("desk")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "ENV": "test",
        "SECRET_KEY": secrets.token_hex(16),
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker,
        "ARCHIVE_STORAGE": f"file://{tmp}/archive",
        "FETCH_ALLOWED_HOSTS": LOCAL_HOSTS,
        "BEAT_SCHEDULE_FILE": f"{tmp}/celerybeat-schedule",
        "LOG_LEVEL": "WARNING",
        "PUBLIC_URL": url,
        "FETCH_DEADLINE": 5.0,
        "ARCHIVE_RETRY_BASE_SECONDS": 0.5,
    }
    engine = make_engine(db_url)
    truncate_all(engine)
    log = tmp / "desk.log"
    proc = spawn(["run", "--port", str(port)], env, log)
    try:
        wait_for(lambda: _ready(url) or proc.poll() is not None, timeout=90, interval=0.2)
        assert proc.poll() is None, log.read_text()
        yield LiveDesk(url, env, engine, log)
    finally:
        stop(proc)
        truncate_all(engine)
        engine.dispose()


@pytest.fixture(scope="module", name="chromium")
def chromium_browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@dataclass
class Watch:
    """What went wrong on a page while the test used it: console errors, uncaught exceptions,
    server errors, requests that failed."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._failed)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} {response.url}")

    def _failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # navigating away cancels a poll in flight
            self.problems.append(f"failed: {request.url} {failure}")

    def unlabelled(self) -> list[str]:
        return list(self.page.evaluate(UNLABELLED_JS))


def sign_in(page: Page, desk: LiveDesk, account: Account) -> None:
    page.goto(f"{desk.url}/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/(queue)?$"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/login$"))


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str, part: Locator | None = None) -> Path:
    """The whole page, or only ``part`` of it, as ``<name>-<viewport width>.png``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}.png"
    if part is not None:
        part.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    return path
