"""The admin page: users with their roles, status and API tokens."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth.credentials import issue_token
from app.db import utcnow
from app.models import ApiToken, Role
from tests.web.conftest import Browser


def test_admin_sees_users_roles_and_tokens(browser: Browser, db: Session) -> None:
    browser.sign_in(Role.ADMIN)
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    gone, _ = browser.users.make(Role.EDITOR, is_active=False)
    issue_token(db, checker, label="newsroom bot")
    db.flush()
    revoked = db.query(ApiToken).filter_by(label="newsroom bot").one()
    revoked.revoked_at = utcnow()
    db.flush()
    page = browser.page("/admin/users")
    assert checker.email in page.html and gone.email in page.html
    assert "deactivated" in page.html and "newsroom bot" in page.html and "revoked" in page.html
    assert "editor" in page.html and "fact-checker" in page.html


def test_only_admins(browser: Browser) -> None:
    browser.sign_in(Role.EDITOR)
    resp = browser.get("/admin/users")
    assert resp.status_code == 403 and "needs the admin role" in resp.text
