"""Which database and broker the suite runs on, from TEST_DATABASE_URL / TEST_BROKER_URL.

Unset, both are SQLite files in a temporary directory: the embedded mode.
"""

from __future__ import annotations

import os

from sqlalchemy import Engine, MetaData, text

import app.models  # noqa: F401
from app.db import Base


def database_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/claimdesk-test.db"


def broker_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_BROKER_URL") or f"sqla+sqlite:///{tmp_dir}/broker-test.db"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def truncate_all(engine: Engine) -> None:
    """Empty every table (for tests that really commit).

    The events table refuses DELETE by trigger; Postgres' TRUNCATE fires no row trigger, and
    on SQLite the triggers are set aside for the moment of the cleanup, exactly as they were.
    """
    metadata: MetaData = Base.metadata
    names = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
            return
        triggers = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, _ in triggers:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        for table in names:
            conn.execute(text(f"DELETE FROM {table}"))
        for _, sql in triggers:
            conn.execute(text(sql))
