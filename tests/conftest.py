"""Shared fixtures: a migrated database (SQLite or Postgres), apps, clients, users.

Most tests run inside a transaction rolled back at the end (``db``/``client``). Tests that need
real commits seen by other processes or threads use ``live_app`` and the tables are emptied after.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from app.auth.credentials import issue_token
from app.db import get_db, make_engine
from app.migrate import upgrade
from app.models import Role, User
from tests import factories
from tests.support.backends import broker_url, database_url, truncate_all
from tests.support.desk import Desk
from tests.support.hostile_server import HostileServer

LOCAL_HOSTS = "127.0.0.2,127.0.0.3"

# No per-example deadline: timing on a shared 2-core machine says nothing about correctness.
# CI derandomizes (HYPOTHESIS_PROFILE=ci) so a landing never hinges on a lucky draw; a run on
# a developer's machine keeps exploring new examples.
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("dev"), derandomize=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("claimdesk")


@pytest.fixture(scope="session")
def db_url(tmp_root: Path) -> str:
    url = database_url(str(tmp_root))
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def broker(tmp_root: Path) -> str:
    return broker_url(str(tmp_root))


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture()
def config(db_url: str, broker: str, tmp_root: Path, tmp_path: Path) -> dict[str, Any]:
    """Settings every test app gets; the same values go to worker subprocesses as env vars."""
    return {
        "ENV": "test",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker,
        "ARCHIVE_STORAGE": f"file://{tmp_path}/archive",
        "FETCH_ALLOWED_HOSTS": LOCAL_HOSTS,
        "LOG_LEVEL": "WARNING",
        "BEAT_SCHEDULE_FILE": f"{tmp_path}/celerybeat-schedule",
        # Archiving sized for tests: short deadlines, quick retries.
        "FETCH_DEADLINE": 3.0,
        "FETCH_READ_TIMEOUT": 2.0,
        "FETCH_MAX_BYTES": 2 * 1024 * 1024,
        "ARCHIVE_MAX_ATTEMPTS": 4,
        "ARCHIVE_RETRY_BASE_SECONDS": 0.2,
        "ARCHIVE_RETRY_MAX_SECONDS": 5.0,
    }


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[HostileServer]:
    """The local page server every archiving test fetches from (tests/support/hostile_server)."""
    with HostileServer() as server:
        yield server


@pytest.fixture()
def web(hostile_server: HostileServer) -> HostileServer:
    """The hostile server with no hits counted and no mutable pages set."""
    hostile_server.reset()
    return hostile_server


@pytest.fixture()
def app(config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(config)
    yield application
    get_db(application).engine.dispose()


@pytest.fixture()
def db(app: Flask, engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    Every request of the test shares the transaction: commits become savepoints.
    """
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    database = get_db(app)
    database.factory = database.reader = factory
    sess = factory()
    for f in factories.ALL:
        f._meta.sqlalchemy_session = sess
    yield sess
    sess.close()
    outer.rollback()
    connection.close()


@pytest.fixture()
def client(app: Flask, db: Session) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def live_app(app: Flask, engine: Engine) -> Iterator[Flask]:
    """An app whose transactions really commit; tables are emptied before and after.

    No app context stays pushed, so each request gets (and closes) its own session, as in
    production; use ``with live_app.app_context()`` around direct calls.
    """
    truncate_all(engine)
    sess = get_db(app).factory()
    for f in factories.ALL:
        f._meta.sqlalchemy_session = sess
    yield app
    sess.close()
    truncate_all(engine)


class Users:
    """Creates users with tokens and gives their auth headers."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def make(self, role: Role = Role.FACT_CHECKER, **kw: Any) -> tuple[User, dict[str, str]]:
        user = factories.UserFactory(role=role, **kw)
        token = issue_token(self.session, user)
        self.session.flush()
        return user, {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def users(db: Session) -> Users:
    return Users(db)


@pytest.fixture()
def checker(users: Users) -> tuple[User, dict[str, str]]:
    return users.make(Role.FACT_CHECKER)


@pytest.fixture()
def editor(users: Users) -> tuple[User, dict[str, str]]:
    return users.make(Role.EDITOR)


def worker_env(config: dict[str, Any]) -> dict[str, str]:
    """Environment for a subprocess (worker, beat, web) using the test's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({k: str(v) for k, v in config.items() if v is not None})
    return env


@pytest.fixture()
def desk(app: Flask, client: FlaskClient, db: Session) -> Desk:
    return Desk(app, client, db)
