"""The admin page: users with their roles, status and API tokens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.credentials import hash_token, issue_token
from app.db import utcnow
from app.models import ApiToken, Role, User
from tests.web.conftest import Browser
from tests.web.html import Page, csrf_token


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


def _secret(page: Page) -> str:
    shown = page.by_testid("new-token")
    assert len(shown) == 1
    return shown[0].text.strip()


def _api_me(browser: Browser, secret: str) -> int:
    resp = browser.client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    return resp.status_code


def _user(db: Session, email: str) -> User:
    db.expire_all()
    user = db.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def test_admin_creates_a_user_and_sees_the_token_once(
    browser: Browser, second_browser: Browser, db: Session
) -> None:
    browser.sign_in(Role.ADMIN)
    page = browser.page("/admin/users")
    for control_id, label in (
        ("new-email", "Email"),
        ("new-name", "Name"),
        ("new-role", "Role"),
        ("new-password", "Password"),
    ):
        assert page.label_text(control_id) == label
    assert "Create user" in page.buttons()
    assert page.unlabelled() == [] and page.duplicate_ids() == []
    assert page.post_forms_without_csrf() == []

    resp = browser.post(
        "/admin/users",
        {
            "email": " Reporter@Newsroom.test ",
            "name": "Rita Reporter",
            "role": "editor",
            "password": "a long passphrase",
        },
    )
    assert resp.status_code == 201
    assert resp.headers["Cache-Control"] == "no-store"  # never kept by a cache
    issued = Page(resp.text)
    secret = _secret(issued)
    assert "shown only on this page" in issued.html
    user = _user(db, "reporter@newsroom.test")
    assert user.role is Role.EDITOR and user.name == "Rita Reporter"
    (token,) = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert token.token_hash == hash_token(secret)
    stored = [str(getattr(token, c.key)) for c in ApiToken.__table__.columns]
    assert secret not in stored  # only its hash is kept
    assert _api_me(browser, secret) == 200
    listed = browser.page("/admin/users")
    assert secret not in listed.html and "reporter@newsroom.test" in listed.html
    # The password works at the sign-in form.
    login = second_browser.client.get("/login")
    signed = second_browser.client.post(
        "/login",
        data={
            "email": "reporter@newsroom.test",
            "password": "a long passphrase",
            "csrf_token": csrf_token(login.text),
        },
    )
    assert signed.status_code == 302


def test_a_user_without_a_password_works_through_the_api(browser: Browser, db: Session) -> None:
    browser.sign_in(Role.ADMIN)
    resp = browser.post("/admin/users", {"email": "bot@newsroom.test", "role": "fact_checker"})
    assert resp.status_code == 201
    assert "they work through the API only" in resp.text
    assert _user(db, "bot@newsroom.test").password_hash is None
    assert _api_me(browser, _secret(Page(resp.text))) == 200


def test_create_user_refusals_are_shown_beside_the_form(browser: Browser, db: Session) -> None:
    admin = browser.sign_in(Role.ADMIN)
    for data, status, words in (
        ({"email": admin.email, "role": "editor"}, 409, "already exists"),
        ({"email": "not-an-address", "role": "editor"}, 422, "is not an email address"),
        ({"email": "x@newsroom.test", "role": "editor", "password": "short"}, 422, "8 to 200"),
        ({"email": "x@newsroom.test", "role": "owner"}, 422, "Role"),
        ({"email": "x@newsroom.test", "role": "editor", "name": "n" * 201}, 422, "Name"),
    ):
        resp = browser.post("/admin/users", data)
        assert resp.status_code == status, (data, resp.text[:300])
        page = Page(resp.text)
        error = page.ids["create-user"].text
        assert words in error, (data, error)
        assert page.find("input", id="new-email")[0].get("value") == data["email"]
        assert 'value="short"' not in resp.text  # a password is never sent back
    assert db.scalar(select(User).where(User.email == "x@newsroom.test")) is None


def test_the_last_active_admin_is_kept(browser: Browser, db: Session) -> None:
    admin = browser.sign_in(Role.ADMIN)
    demote = browser.post(f"/admin/users/{admin.id}/role", {"role": "editor"})
    assert demote.status_code == 409
    row = Page(demote.text).ids[f"user-{admin.id}"]
    assert "the last active admin" in row.text
    assert Page(demote.text).find("details", open="")  # the row's forms are shown open
    deactivate = browser.post(f"/admin/users/{admin.id}/deactivate")
    assert deactivate.status_code == 409 and "last active admin" in deactivate.text
    fresh = _user(db, admin.email)
    assert fresh.role is Role.ADMIN and fresh.is_active
    assert browser.get("/admin/users").status_code == 200  # still signed in


def test_an_admin_who_demotes_themself_is_signed_out(browser: Browser, db: Session) -> None:
    browser.users.make(Role.ADMIN)  # another admin remains
    me = browser.sign_in(Role.ADMIN)
    resp = browser.post(f"/admin/users/{me.id}/role", {"role": "editor"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    login = browser.get("/login")
    assert "so you were signed out" in login.text
    assert _user(db, me.email).role is Role.EDITOR
    assert browser.get("/admin/users").status_code == 302


def test_role_changes_and_deactivation_end_sessions_at_once(
    browser: Browser, second_browser: Browser, db: Session
) -> None:
    browser.sign_in(Role.ADMIN)
    them = second_browser.sign_in(Role.FACT_CHECKER)
    assert second_browser.get("/queue").status_code == 200
    page = browser.page("/admin/users")
    assert page.label_text(f"role-{them.id}") == f"Role of {them.email}"
    resp = browser.post(f"/admin/users/{them.id}/role", {"role": "editor"})
    assert resp.status_code == 303
    assert _user(db, them.email).role is Role.EDITOR
    assert "is now editor" in browser.page("/admin/users").html
    same = browser.post(f"/admin/users/{them.id}/role", {"role": "editor"})
    assert same.status_code == 303 and "nothing changed" in browser.page("/admin/users").html
    assert second_browser.get("/queue").status_code == 302  # signed out everywhere

    second_browser.sign_in(user=them)
    off = browser.post(f"/admin/users/{them.id}/deactivate")
    assert off.status_code == 303
    assert not _user(db, them.email).is_active
    assert second_browser.get("/queue").status_code == 302
    listed = browser.page("/admin/users")
    row = listed.ids[f"user-{them.id}"]
    assert "deactivated" in row.text and f"Activate {them.email}" in " ".join(row.text.split())
    on = browser.post(f"/admin/users/{them.id}/activate")
    assert on.status_code == 303 and _user(db, them.email).is_active
    second_browser.sign_in(user=them)
    assert second_browser.get("/queue").status_code == 200


def test_tokens_are_issued_once_with_an_expiry_and_revoked(browser: Browser, db: Session) -> None:
    browser.sign_in(Role.ADMIN)
    them, _ = browser.users.make(Role.FACT_CHECKER)
    page = browser.page("/admin/users")
    assert page.label_text(f"label-{them.id}") == "Token label"
    assert page.label_text(f"expires-{them.id}") == "Expires after (days)"

    for data, words in (
        ({"label": "x", "expires_days": "0"}, "expires_days must be between 1 and 3650"),
        ({"label": "x", "expires_days": "soon"}, "Expires after (days)"),
        ({"label": "l" * 101}, "at most 100 characters"),
    ):
        refused = browser.post(f"/admin/users/{them.id}/tokens", data)
        assert refused.status_code == 422, data
        assert words in Page(refused.text).ids[f"user-{them.id}"].text, data

    resp = browser.post(
        f"/admin/users/{them.id}/tokens", {"label": "newsroom bot", "expires_days": "30"}
    )
    assert resp.status_code == 201
    secret = _secret(Page(resp.text))
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    assert token is not None and token.label == "newsroom bot" and token.user_id == them.id
    assert token.expires_at is not None
    assert timedelta(days=29, hours=23) < token.expires_at - utcnow() <= timedelta(days=30)
    assert _api_me(browser, secret) == 200
    listed = browser.page("/admin/users")
    assert secret not in listed.html and "newsroom bot" in listed.html and "expires" in listed.html

    revoked = browser.post(f"/admin/tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    db.expire_all()
    assert db.get(ApiToken, token.id).revoked_at is not None  # type: ignore[union-attr]
    assert _api_me(browser, secret) == 401
    assert browser.post("/admin/tokens/999999/revoke").status_code == 404


def test_admin_forms_need_the_token_and_the_admin_role(
    browser: Browser, second_browser: Browser, db: Session
) -> None:
    browser.sign_in(Role.ADMIN)
    them, _ = browser.users.make(Role.FACT_CHECKER)
    bare = browser.client.post(f"/admin/users/{them.id}/deactivate")
    assert bare.status_code == 400 and "CSRF" in bare.text
    bare = browser.client.post("/admin/users", data={"email": "a@b.test", "role": "admin"})
    assert bare.status_code == 400
    second_browser.sign_in(Role.EDITOR)
    for path, data in (
        ("/admin/users", {"email": "a@b.test", "role": "admin"}),
        (f"/admin/users/{them.id}/role", {"role": "admin"}),
        (f"/admin/users/{them.id}/deactivate", {}),
        (f"/admin/users/{them.id}/tokens", {}),
    ):
        resp = second_browser.post(path, data)
        assert resp.status_code == 403 and "admin" in resp.text, path
    assert _user(db, them.email).is_active and _user(db, them.email).role is Role.FACT_CHECKER
    assert db.scalar(select(User).where(User.email == "a@b.test")) is None
