"""Two admins demoting each other at the same moment still leave one admin (both backends)."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import func, select

from app.db import get_db
from app.errors import Conflict, Forbidden
from app.models import Role, User
from app.workflow import users as service
from tests import factories


def test_two_admins_deactivating_each_other_leave_one(live_app: Flask) -> None:
    first = factories.UserFactory(role=Role.ADMIN)
    second = factories.UserFactory(role=Role.ADMIN)
    factories.UserFactory._meta.sqlalchemy_session.commit()
    pairs = [(first.id, second.id), (second.id, first.id)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor_id: int, target_id: int) -> None:
        with get_db(live_app).factory() as s:
            barrier.wait()  # both start together: each sees two active admins if unlocked
            actor, target = s.get(User, actor_id), s.get(User, target_id)
            assert actor is not None and target is not None
            try:
                service.deactivate(s, actor, target)
                s.commit()
                outcomes.append("deactivated")
            except (Conflict, Forbidden):  # refused as the last admin, or as no admin any more
                s.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=act, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["deactivated", "refused"]
    with get_db(live_app).factory() as s:
        admins = s.scalar(
            select(func.count()).where(User.role == Role.ADMIN, User.is_active.is_(True))
        )
    assert admins == 1
