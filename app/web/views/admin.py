"""Admin (``/admin/users``): who works at the desk, with their roles, whether they may sign in,
and their API tokens (label, created, last used, revoked)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from app.auth.policy import require_role
from app.db import session
from app.models import Role
from app.web import bp
from app.web.pages import render
from app.workflow.directory import user_rows


@bp.get("/admin/users")
@require_role(Role.ADMIN)
def admin_users() -> ResponseReturnValue:
    return render("admin/users.html", rows=user_rows(session()), roles=list(Role))
