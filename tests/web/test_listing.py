"""The queue list's service (app.workflow.listing): the caller's claims first, then the rest
in the order queue/next hands them out, filters on both backends, keyset paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Invalid
from app.models import CaptureStatus, ClaimState, Role
from app.workflow import queue
from app.workflow.listing import QueueFilters, queue_page
from tests.conftest import Users
from tests.web.conftest import Facts


def _ids(rows: list) -> list[int]:
    return [r.claim.id for r in rows]


def test_mine_first_then_the_order_take_next_uses(
    app: Flask, db: Session, users: Users, facts: Facts
) -> None:
    me, _ = users.make()
    other, _ = users.make()
    low = facts.claim("Exports rose 2 percent in May.", priority=0.2)
    high = facts.claim("Imports fell 9 percent in May.", priority=0.9)
    tie_old = facts.claim("Rents rose 4 percent in June.", priority=0.5)
    tie_new = facts.claim("Wages rose 3 percent in June.", priority=0.5)
    held = facts.claim("Prices rose 1 percent in July.", priority=0.1)
    held.assignee_id, held.lease_expires_at = me.id, utcnow() + timedelta(minutes=5)
    taken = facts.claim("Output fell 5 percent in July.", priority=0.8)
    taken.assignee_id, taken.lease_expires_at = other.id, utcnow() + timedelta(minutes=5)
    db.flush()
    with app.app_context():
        page = queue_page(db, me, QueueFilters(), cursor=None, limit=50)
        assert _ids(page.mine) == [held.id]
        assert _ids(page.rows) == [high.id, taken.id, tie_old.id, tie_new.id, low.id]
        assert page.rows[1].assignee == other and page.rows[1].lease_running
        # The first free claim of the list is the one queue/next hands out.
        free = [r.claim.id for r in page.rows if not r.lease_running]
        assert queue.take_next(db, me).id == free[0]  # type: ignore[union-attr]


def test_filters(app: Flask, db: Session, users: Users, facts: Facts) -> None:
    me, _ = users.make()
    editor, _ = users.make(Role.EDITOR)
    document = facts.document("The port handled 20 ships. Exports rose.")
    tagged = facts.claim("The port handled 20 ships in March.", tags=["ports", "trade"])
    tagged.document_id = document.id
    sourced = facts.claim("The mayor said 3 bridges were repaired.")
    facts.cite(sourced, "gamma.example", status=CaptureStatus.ARCHIVED)
    proposed = facts.corroborated("The council said 12 parks opened in 2025.")
    facts.proposal(proposed, me)
    stale = facts.corroborated("The minister said 40 schools were rebuilt.")
    drifted = facts.published(stale, me, editor, rating="true")
    drifted.stale, drifted.stale_reason = True, "source drifted"
    db.flush()

    def ids(**kw: object) -> set[int]:
        with app.app_context():
            page = queue_page(db, me, QueueFilters(**kw), cursor=None, limit=50)  # type: ignore[arg-type]
        return set(_ids(page.rows))

    assert ids(tag="ports") == {tagged.id}
    assert ids(tag="port") == set()  # whole tags, not substrings
    assert ids(document_id=document.id) == {tagged.id}
    assert ids(state=ClaimState.SOURCED) == {sourced.id}
    assert ids(q="BRIDGES") == {sourced.id}
    assert ids(q="100%") == set()  # LIKE wildcards are searched for, not obeyed
    assert proposed.id not in ids()  # open queue: a proposal waits for an editor
    assert stale.id in ids()  # a stale verdict sends the claim back
    assert ids(verdict="proposed") == {proposed.id}
    assert ids(verdict="stale") == {stale.id}
    assert ids(verdict="none") == {tagged.id, sourced.id}
    assert ids(verdict="all") == {tagged.id, sourced.id, proposed.id, stale.id}


def test_keyset_paging_and_a_foreign_cursor(
    app: Flask, db: Session, users: Users, facts: Facts
) -> None:
    me, _ = users.make()
    made = [facts.claim(f"Claim {i}: {i} trains ran late.", priority=1 - i / 10) for i in range(5)]
    with app.app_context():
        first = queue_page(db, me, QueueFilters(), cursor=None, limit=2)
        second = queue_page(db, me, QueueFilters(), cursor=first.next_cursor, limit=2)
        third = queue_page(db, me, QueueFilters(), cursor=second.next_cursor, limit=2)
        assert _ids(first.rows) + _ids(second.rows) + _ids(third.rows) == [c.id for c in made]
        assert third.next_cursor is None
        with pytest.raises(Invalid):
            queue_page(db, me, QueueFilters(), cursor="not-a-cursor", limit=2)


def test_cluster_size_and_age(app: Flask, db: Session, users: Users, facts: Facts) -> None:
    me, _ = users.make()
    first = facts.claim("The port handled 20 ships.")
    again = facts.claim("20 ships were handled by the port.")
    again.cluster_id = first.id
    first.created_at = utcnow() - timedelta(hours=3)
    db.flush()
    with app.app_context():
        rows = {
            r.claim.id: r for r in queue_page(db, me, QueueFilters(), cursor=None, limit=9).rows
        }
    assert rows[first.id].cluster_size == 2 and rows[again.id].cluster_size == 2
    assert timedelta(hours=3) <= rows[first.id].age < timedelta(hours=3, minutes=5)
