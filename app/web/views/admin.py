"""Admin (``/admin/users``): who works at the desk, with their roles, whether they may sign in,
and their API tokens; create a user, change a role, deactivate or activate, issue and revoke
tokens. Every change goes through the user administration service (``app.workflow.users``),
the one the API and the console use, so its rules hold here too (the last active admin can be
neither deactivated nor demoted: 409 beside the form).

A new token is shown once, on the page that answers the form (never in a redirect or a flash
message, which would carry it in the session cookie); only its hash is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, flash
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, require_role
from app.db import session, utcnow
from app.errors import DomainError, status_of
from app.ids import ID
from app.models import Role, User
from app.web import bp
from app.web.admin_forms import ROLE_NAMES, NewUserForm, RoleForm, TokenForm
from app.web.forms import first_error
from app.web.pages import render, see_other
from app.workflow import users
from app.workflow.directory import UserRow, user_rows

USER_ID = f"<{ID}:user_id>"
TOKEN_ID = f"<{ID}:token_id>"


def _users_page(
    *, errors: dict[str, str] | None = None, status: int = 200, new_user: NewUserForm | None = None
) -> Response:
    """The list with its forms; ``errors`` go beside the form they belong to (``create``,
    ``role-<user>``, ``active-<user>``, ``token-<user>``, ``revoke-<token>``)."""
    errors = errors or {}
    rows = user_rows(session())
    return render(
        "admin/users.html",
        status=status,
        rows=rows,
        open_users=_rows_with_errors(rows, errors),
        now=utcnow(),
        roles=ROLE_NAMES,
        new_user=new_user or NewUserForm(formdata=None),
        token_form=TokenForm(formdata=None),
        errors=errors,
    )


def _rows_with_errors(rows: list[UserRow], errors: dict[str, str]) -> set[int]:
    """The users whose forms hold a refusal: their "Manage" section is shown open."""
    keys = set(errors)
    found = set()
    for row in rows:
        uid = row.user.id
        own = {f"role-{uid}", f"active-{uid}", f"token-{uid}"}
        own |= {f"revoke-{t.id}" for t in row.tokens}
        if own & keys:
            found.add(uid)
    return found


def _refused(key: str, message: str, status: int, new_user: NewUserForm | None = None) -> Response:
    session().rollback()
    return _users_page(errors={key: message}, status=status, new_user=new_user)


def _issued(user: User, secret: str, *, created: bool) -> Response:
    return render("admin/issued.html", status=201, person=user, secret=secret, created=created)


def _signed_out_if_self(user: User, what: str) -> ResponseReturnValue:
    """A change to one's own account ends one's own sessions too: say so on the sign-in page."""
    if user.id == current_user().id:
        flash(f"You {what} your own account, so you were signed out; sign in again.", "warning")
        return see_other("web.login")
    return see_other("web.admin_users")


@bp.get("/admin/users")
@require_role(Role.ADMIN)
def admin_users() -> ResponseReturnValue:
    return _users_page()


@bp.post("/admin/users")
@require_role(Role.ADMIN)
def admin_create_user() -> ResponseReturnValue:
    form = NewUserForm()
    if not form.validate_on_submit():
        return _refused("create", first_error(form), 422, new_user=form)
    try:
        user, issued = users.create_user(
            session(),
            current_user(),
            email=form.email.data,
            role=Role(form.role.data),
            name=(form.name.data or "").strip(),
            password=form.password.data or None,
            token_label="first token",
        )
        session().commit()
    except DomainError as exc:
        return _refused("create", exc.detail, status_of(exc), new_user=form)
    return _issued(user, issued.secret, created=True)


def _change(user_id: int, key: str, change: Callable[[User], object]) -> Response | None:
    """Apply ``change`` to the user; the page with the refusal beside the form, or None."""
    s = session()
    try:
        change(users.get_user(s, user_id))
        s.commit()
    except DomainError as exc:
        return _refused(f"{key}-{user_id}", exc.detail, status_of(exc))
    return None


@bp.post(f"/admin/users/{USER_ID}/role")
@require_role(Role.ADMIN)
def admin_set_role(user_id: int) -> ResponseReturnValue:
    form = RoleForm()
    if not form.validate_on_submit():
        return _refused(f"role-{user_id}", first_error(form), 422)
    role = Role(form.role.data)
    before = users.get_user(session(), user_id).role
    refused = _change(user_id, "role", lambda u: users.set_role(session(), current_user(), u, role))
    if refused is not None:
        return refused
    user = users.get_user(session(), user_id)
    if before is role:
        flash(f"{user.email} already is {ROLE_NAMES[role]}; nothing changed.", "warning")
        return see_other("web.admin_users")
    flash(f"{user.email} is now {ROLE_NAMES[role]}; their sessions ended.", "success")
    return _signed_out_if_self(user, "changed the role of")


def _set_active(user_id: int, active: bool) -> ResponseReturnValue:
    # A button only: CSRFProtect has checked its token before any view runs.
    actor = current_user()
    switch = users.activate if active else users.deactivate
    refused = _change(user_id, "active", lambda u: switch(session(), actor, u))
    if refused is not None:
        return refused
    user = users.get_user(session(), user_id)
    if active:
        flash(f"{user.email} may sign in again; their unrevoked tokens work again.", "success")
        return see_other("web.admin_users")
    flash(f"{user.email} is deactivated: their sessions ended and tokens are refused.", "success")
    return _signed_out_if_self(user, "deactivated")


@bp.post(f"/admin/users/{USER_ID}/deactivate")
@require_role(Role.ADMIN)
def admin_deactivate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, False)


@bp.post(f"/admin/users/{USER_ID}/activate")
@require_role(Role.ADMIN)
def admin_activate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, True)


@bp.post(f"/admin/users/{USER_ID}/tokens")
@require_role(Role.ADMIN)
def admin_issue_token(user_id: int) -> ResponseReturnValue:
    form = TokenForm()
    key = f"token-{user_id}"
    if not form.validate_on_submit():
        return _refused(key, first_error(form), 422)
    s = session()
    try:
        user = users.get_user(s, user_id)
        issued = users.issue_token(
            s,
            current_user(),
            user,
            label=(form.label.data or "").strip(),
            expires_days=form.expires_days.data,
        )
        s.commit()
    except DomainError as exc:
        return _refused(key, exc.detail, status_of(exc))
    return _issued(user, issued.secret, created=False)


@bp.post(f"/admin/tokens/{TOKEN_ID}/revoke")
@require_role(Role.ADMIN)
def admin_revoke_token(token_id: int) -> ResponseReturnValue:
    key = f"revoke-{token_id}"
    s = session()
    try:
        token = users.get_token(s, token_id)
        users.revoke_token(s, current_user(), token)
        s.commit()
    except DomainError as exc:
        return _refused(key, exc.detail, status_of(exc))
    flash(f"Token #{token.id} of {token.user.email} is revoked.", "success")
    return see_other("web.admin_users")
