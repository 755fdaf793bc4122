"""The schema comes only from Alembic, and the models never drift from it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.db import Base, make_engine
from app.migrate import downgrade, upgrade
from tests.support.backends import database_url, is_postgres


@pytest.fixture()
def empty_db(tmp_path: Path) -> Iterator[str]:
    """A brand-new, empty database on the suite's backend."""
    base = database_url(str(tmp_path))
    if not is_postgres(base):
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    name = f"claimdesk_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_then_no_drift_then_downgrade(empty_db: str) -> None:
    upgrade(empty_db)
    engine = make_engine(empty_db)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"

        downgrade(empty_db, "base")
        remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade(empty_db)  # and back up again cleanly
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_constraints_live_in_the_database(empty_db: str) -> None:
    upgrade(empty_db)
    engine = make_engine(empty_db)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sources (url, host, publisher, health, consecutive_failures,"
                    " created_at) VALUES ('https://a.example/', 'a.example', 'a.example',"
                    " 'unknown', 0, CURRENT_TIMESTAMP)"
                )
            )
        with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sources (url, host, publisher, health, consecutive_failures,"
                    " created_at) VALUES ('https://a.example/', 'a.example', 'a.example',"
                    " 'unknown', 0, CURRENT_TIMESTAMP)"
                )
            )
        with pytest.raises(Exception, match=r"(?i)check"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sources (url, host, publisher, health, consecutive_failures,"
                    " created_at) VALUES ('https://b.example/', 'b.example', 'b.example',"
                    " 'exploded', 0, CURRENT_TIMESTAMP)"
                )
            )
        with pytest.raises(Exception, match=r"(?i)foreign key"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO api_tokens (user_id, token_hash, label, created_at)"
                    " VALUES (999, 'x', '', CURRENT_TIMESTAMP)"
                )
            )
    finally:
        engine.dispose()
