"""The audit trail is append-only in the database and hash-chained, so rewritten history shows."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.db import get_db
from app.models import Claim, Event, Evidence, Role
from app.workflow import events
from app.workflow.audit import hash_of, verify_chains
from tests.conftest import Users
from tests.support.desk import Desk
from tests.support.live import headers_for, new_claim


def _trail(desk: Desk, users: Users) -> tuple[int, list[Event]]:
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(editor)
    desk.corroborate(claim["id"])
    patch = {"speaker": "Minister"}
    desk.client.patch(
        f"/api/v1/claims/{claim['id']}",
        json=patch,
        headers={**editor, "If-Match": f'"{desk.get(claim["id"], editor)["version"]}"'},
    )
    events = list(
        desk.db.scalars(select(Event).where(Event.claim_id == claim["id"]).order_by(Event.seq))
    )
    return claim["id"], events


def test_each_event_is_chained_to_the_one_before(desk: Desk, users: Users) -> None:
    _, events = _trail(desk, users)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash is None
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert all(hash_of(e) == e.hash for e in events)
    assert verify_chains(desk.db) == (desk.db.scalar(select(func.count(Event.id))), None)


def test_events_of_one_transaction_follow_each_other_and_a_rolled_back_one_is_forgotten(
    desk: Desk, users: Users
) -> None:
    """A transaction reads a claim's chain head once; its later events follow from the last
    one it wrote, and an event taken back with its savepoint leaves no gap or fork."""
    _, editor = users.make(Role.EDITOR)
    claim = desk.db.get(Claim, desk.create_claim(editor)["id"])
    assert claim is not None
    s = desk.db
    with s.begin_nested():
        events.record(s, claim, "note_added", after={"n": 1})
        events.record(s, claim, "note_added", after={"n": 2})
    savepoint = s.begin_nested()
    events.record(s, claim, "note_added", after={"n": "taken back"})
    savepoint.rollback()
    with s.begin_nested():
        events.record(s, claim, "note_added", after={"n": 3})
        events.record(s, claim, "note_added", after={"n": 4})
    trail = list(s.scalars(select(Event).where(Event.claim_id == claim.id).order_by(Event.seq)))
    assert [e.after for e in trail[-4:]] == [{"n": n} for n in (1, 2, 3, 4)]
    assert [e.seq for e in trail] == list(range(1, len(trail) + 1))
    for before, after in itertools.pairwise(trail):
        assert after.prev_hash == before.hash
    assert all(hash_of(e) == e.hash for e in trail)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE events SET kind = 'forged' WHERE id = :id", "DELETE FROM events WHERE id = :id"],
)
def test_the_database_refuses_to_change_or_remove_an_event(
    desk: Desk, users: Users, statement: str
) -> None:
    _, events = _trail(desk, users)
    with pytest.raises(DBAPIError, match="append-only"), desk.db.begin_nested():
        desk.db.execute(text(statement), {"id": events[1].id})
    assert desk.db.get(Event, events[1].id) is not None


def test_a_claim_with_history_cannot_be_deleted(desk: Desk, users: Users) -> None:
    claim_id, _ = _trail(desk, users)
    with pytest.raises(DBAPIError), desk.db.begin_nested():
        desk.db.execute(text("DELETE FROM evidence WHERE claim_id = :id"), {"id": claim_id})
        desk.db.execute(text("DELETE FROM claims WHERE id = :id"), {"id": claim_id})
    assert desk.db.get(Claim, claim_id) is not None


# --- tampering behind the triggers' back ------------------------------------------------------


@pytest.fixture()
def without_triggers(live_app: Flask, engine: Engine) -> Iterator[None]:
    """The events table with its triggers dropped, as an intruder with DDL rights would; put
    back exactly as they were afterwards."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:
            conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
        else:
            saved = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
            for name, _ in saved:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
    try:
        yield
    finally:
        with engine.begin() as conn:
            if postgres:
                conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
            else:
                for _, sql in saved:
                    conn.execute(text(sql))


def _committed_trail(app: Flask) -> list[int]:
    headers = headers_for(app, Role.EDITOR)
    claim_id = new_claim(app, headers)
    client = app.test_client()
    for n in range(3):
        version = client.get(f"/api/v1/claims/{claim_id}", headers=headers).json["version"]
        client.patch(
            f"/api/v1/claims/{claim_id}",
            json={"tags": [f"t{n}"]},
            headers={**headers, "If-Match": f'"{version}"'},
        )
    with get_db(app).factory() as s:
        return list(
            s.scalars(select(Event.id).where(Event.claim_id == claim_id).order_by(Event.seq))
        )


def _verify(app: Flask) -> Any:
    return app.test_cli_runner().invoke(main, ["audit", "verify"])


def test_audit_verify_names_an_edited_event(
    live_app: Flask, engine: Engine, without_triggers: None
) -> None:
    ids = _committed_trail(live_app)
    assert _verify(live_app).exit_code == 0
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE events SET detail = :d WHERE id = :id"),
            {"d": '{"meaning_changed": true}', "id": ids[2]},
        )
    result = _verify(live_app)
    assert result.exit_code == 1
    assert f"event {ids[2]}" in result.output and "content does not match" in result.output


def test_audit_verify_names_a_removed_event(
    live_app: Flask, engine: Engine, without_triggers: None
) -> None:
    ids = _committed_trail(live_app)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE id = :id"), {"id": ids[1]})
    result = _verify(live_app)
    assert result.exit_code == 1
    assert f"event {ids[2]}" in result.output and "#2 is missing" in result.output


# --- concurrency ------------------------------------------------------------------------------


def test_parallel_citations_of_one_source_make_one_item_and_one_chain(live_app: Flask) -> None:
    headers = headers_for(live_app)
    claim_id = new_claim(live_app, headers)
    body = {"url": "https://example.org/one-report", "stance": "supports"}
    start = threading.Barrier(6)
    answers: list[tuple[int, int]] = []

    def cite() -> None:
        client = live_app.test_client()
        start.wait()
        resp = client.post(f"/api/v1/claims/{claim_id}/evidence", json=body, headers=headers)
        answers.append((resp.status_code, resp.json["id"]))

    threads = [threading.Thread(target=cite) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in answers) == [200] * 5 + [202]
    assert len({evidence_id for _, evidence_id in answers}) == 1
    with get_db(live_app).factory() as s:
        count = s.scalar(select(func.count()).where(Evidence.claim_id == claim_id))
        assert count == 1
        assert verify_chains(s)[1] is None


def test_parallel_writers_never_fork_a_chain(live_app: Flask) -> None:
    headers = headers_for(live_app, Role.EDITOR)
    claim_id = new_claim(live_app, headers)
    start = threading.Barrier(4)

    def cite(n: int) -> None:
        client = live_app.test_client()
        start.wait()
        for k in range(3):
            client.post(
                f"/api/v1/claims/{claim_id}/evidence",
                json={"url": f"https://example.org/{n}/{k}", "stance": "context"},
                headers=headers,
            )

    threads = [threading.Thread(target=cite, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with get_db(live_app).factory() as s:
        seqs = list(s.scalars(select(Event.seq).where(Event.claim_id == claim_id)))
        assert sorted(seqs) == list(range(1, len(seqs) + 1)) and len(seqs) >= 13
        assert verify_chains(s)[1] is None
