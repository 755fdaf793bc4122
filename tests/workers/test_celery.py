"""A real Celery worker (not eager) executes tasks that write to the database, and tasks are
only sent when the transaction that asked for them commits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.db import get_db
from app.models import Claim, Event, OutboxMessage
from app.outbox import CLUSTER_TASK, dispatch, janitor
from app.workflow.claims import NewClaim, create_claim
from tests.support.processes import RedisServer, wait_for, worker


class SendSpy:
    """Wraps Celery's send_task to record what was really handed to the broker."""

    def __init__(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[str, Any]] = []
        celery = app.extensions["celery"]
        original = celery.send_task

        def spy(name: str, *args: Any, **kwargs: Any) -> Any:
            result = original(name, *args, **kwargs)
            self.sent.append((name, kwargs.get("args")))
            return result

        monkeypatch.setattr(celery, "send_task", spy)


def _restated_pair(app: Flask) -> tuple[int, int]:
    with get_db(app).factory() as s:
        first = create_claim(s, NewClaim(text="Forty schools were rebuilt in 2025."), actor=None)
        s.commit()
        second = create_claim(s, NewClaim(text="forty  schools were REBUILT in 2025."), actor=None)
        s.commit()
        return first.id, second.id


def _cluster_of(app: Flask, claim_id: int) -> int | None:
    with get_db(app).factory() as s:
        return s.get(Claim, claim_id).cluster_id  # type: ignore[union-attr]


@pytest.mark.slow
def test_real_worker_runs_task_that_writes(live_app: Flask, config: dict, tmp_path: Path) -> None:
    first, second = _restated_pair(live_app)
    with worker(config, tmp_path / "worker.log"):
        wait_for(lambda: _cluster_of(live_app, second) == first, timeout=60)
    with get_db(live_app).factory() as s:
        kinds = s.scalars(select(Event.kind).where(Event.claim_id == second)).all()
        assert "clustered" in kinds
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_rolled_back_transaction_sends_nothing(
    live_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = SendSpy(live_app, monkeypatch)
    with get_db(live_app).factory() as s:
        create_claim(s, NewClaim(text="Inflation was 2.1% in October."), actor=None)
        s.flush()
        s.rollback()
    assert spy.sent == []
    with get_db(live_app).factory() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        claim = create_claim(s, NewClaim(text="Inflation was 2.1% in October."), actor=None)
        assert spy.sent == []  # not before the commit...
        s.commit()
    assert spy.sent == [(CLUSTER_TASK, [claim.id])]  # ...and once right after it


@pytest.mark.slow
def test_work_submitted_during_broker_outage_is_delivered_after(
    config: dict, engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import create_app
    from tests.support.backends import truncate_all

    redis = RedisServer(tmp_path)
    redis.start()
    cfg = {**config, "CELERY_BROKER_URL": redis.url}
    app = create_app(cfg)
    truncate_all(engine)
    try:
        # Users and a claim to restate, written while the broker is up.
        from tests import factories
        from tests.conftest import Users

        with get_db(app).factory() as s:
            for f in factories.ALL:
                f._meta.sqlalchemy_session = s
            _, headers = Users(s).make()
            s.commit()
        client = app.test_client()
        first = client.post(
            "/api/v1/claims", json={"text": "The bridge cost 12 million euros."}, headers=headers
        ).json["id"]
        # Sent at once while the broker was up; the row goes in the background.
        assert janitor(get_db(app)).flush()
        with get_db(app).factory() as s:
            assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0

        redis.kill()
        resp = client.post(
            "/api/v1/claims", json={"text": "the bridge cost 12 million  euros."}, headers=headers
        )
        assert resp.status_code == 201  # the newsroom is not blocked by a broker outage
        second = resp.json["id"]
        with get_db(app).factory() as s:
            pending = s.scalars(select(OutboxMessage)).all()
            assert [(m.task, m.args) for m in pending] == [(CLUSTER_TASK, [second])]
            assert pending[0].attempts == 1 and pending[0].last_error

        redis.start()  # same port: the broker is back, empty
        # The beat sweeper's job: send what is left, then a worker runs it.
        assert dispatch(get_db(app), app.extensions["celery"]) == 1
        with worker(cfg, tmp_path / "worker.log"):
            wait_for(lambda: _cluster_of(app, second) == first, timeout=60)
    finally:
        redis.kill()
        get_db(app).engine.dispose()
        truncate_all(engine)


def test_sent_rows_are_deleted_in_the_background(
    live_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = SendSpy(live_app, monkeypatch)
    db = get_db(live_app)
    with db.factory() as s:
        claims = [
            create_claim(s, NewClaim(text=f"Exports grew {n}% in May."), actor=None)
            for n in range(3)
        ]
        s.commit()
    assert spy.sent == [(CLUSTER_TASK, [c.id]) for c in claims]  # sent right after the commit
    assert janitor(db).flush()  # ... and their rows deleted by the janitor, not the request
    with db.factory() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_row_rolled_back_with_its_savepoint_is_never_sent(
    live_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.outbox import enqueue

    spy = SendSpy(live_app, monkeypatch)
    with get_db(live_app).factory() as s:
        kept = create_claim(s, NewClaim(text="Rents rose 4% in 2025."), actor=None)
        nested = s.begin_nested()
        enqueue(s, CLUSTER_TASK, -1)
        s.flush()
        nested.rollback()
        s.commit()
    assert spy.sent == [(CLUSTER_TASK, [kept.id])]
