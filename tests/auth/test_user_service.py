"""The user-administration rules themselves (both backends via the suite's database)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models import Role
from app.workflow import users as service
from tests.conftest import Users


def test_only_admins_act(db: Session, users: Users) -> None:
    editor, _ = users.make(Role.EDITOR)
    target, _ = users.make(Role.FACT_CHECKER)
    for call in (
        lambda: service.deactivate(db, editor, target),
        lambda: service.set_role(db, editor, target, Role.ADMIN),
        lambda: service.list_tokens(db, editor, target),
        lambda: service.issue_token(db, editor, target),
        lambda: service.create_user(db, editor, email="x@y.example", role=Role.ADMIN),
    ):
        with pytest.raises(Forbidden):
            call()
    # A deactivated admin acts no more.
    admin, _ = users.make(Role.ADMIN)
    users.make(Role.ADMIN)
    service.deactivate(db, None, admin)
    with pytest.raises(Forbidden):
        service.activate(db, admin, target)


def test_session_version_moves_only_when_access_changes(db: Session, users: Users) -> None:
    user, _ = users.make(Role.EDITOR)
    before = user.session_version
    service.set_role(db, None, user, Role.EDITOR)  # no change, sessions kept
    assert user.session_version == before
    service.set_role(db, None, user, Role.FACT_CHECKER)
    assert user.session_version == before + 1
    service.deactivate(db, None, user)
    service.deactivate(db, None, user)  # already deactivated: nothing more happens
    assert user.session_version == before + 2


def test_create_user_checks_its_input(db: Session, users: Users) -> None:
    with pytest.raises(Invalid) as bad_email:
        service.create_user(db, None, email="not an email", role=Role.EDITOR)
    assert bad_email.value.errors[0].field == "email"
    with pytest.raises(Invalid):
        service.create_user(db, None, email="a@b.example", role=Role.EDITOR, password="short")
    with pytest.raises(Invalid) as long_name:  # the column holds 200; Postgres would refuse
        service.create_user(db, None, email="a@b.example", role=Role.EDITOR, name="n" * 201)
    assert long_name.value.errors[0].field == "name"
    user, issued = service.create_user(db, None, email=" A@B.example ", role=Role.EDITOR)
    assert user.email == "a@b.example" and issued.token.user_id == user.id
    with pytest.raises(Conflict):
        service.create_user(db, None, email="a@b.example", role=Role.EDITOR)


def test_lookups_out_of_range_are_not_found(db: Session) -> None:
    for ident in (0, -1, 2**31, 2**63):
        with pytest.raises(NotFound):
            service.get_user(db, ident)
        with pytest.raises(NotFound):
            service.get_token(db, ident)


def test_text_a_database_cannot_hold_is_refused(db: Session) -> None:
    for kwargs in (
        {"email": "a\x00@b.example"},
        {"email": "a\udcff@b.example"},  # what a non-UTF-8 argv byte decodes to
        {"email": "ok@b.example", "name": "Ann\x00"},
        {"email": "ok@b.example", "password": "long enough \ud800"},
    ):
        with pytest.raises(Invalid) as err:
            service.create_user(db, None, role=Role.EDITOR, **kwargs)
        assert err.value.errors[0].field in kwargs
    with pytest.raises(NotFound):
        service.find_user(db, "a\x00@b.example")
    user, _ = service.create_user(db, None, email="ok@b.example", role=Role.EDITOR)
    with pytest.raises(Invalid):
        service.issue_token(db, None, user, label="bad\x00")
