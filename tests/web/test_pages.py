"""What every page promises: signed-in only, a strict CSP with no inline code, every control
labelled, a CSRF token in every POST form, navigation by role, 403 and 404 pages."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.models import ApiToken, Role, User
from app.web.security import CSP
from tests.web.conftest import Browser, Facts
from tests.web.html import Page

PAGES = [
    "/",
    "/queue",
    "/documents",
    "/documents/new",
    "/inbox",
    "/exports",
    "/archive-health",
]


def _pages(facts: Facts) -> list[str]:
    claim = facts.corroborated()
    document = facts.document("The ministry said 40 schools were rebuilt in 2025. It rained.")
    return [*PAGES, f"/claims/{claim.id}", f"/documents/{document.id}"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_a_signed_in_user(browser: Browser, path: str) -> None:
    resp = browser.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_htmx_requests_without_a_session_go_to_sign_in(browser: Browser) -> None:
    resp = browser.get("/queue", headers={"HX-Request": "true"})
    assert resp.status_code == 204
    assert resp.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize("role", [Role.FACT_CHECKER, Role.EDITOR, Role.ADMIN])
def test_every_page_is_labelled_protected_and_free_of_inline_code(
    browser: Browser, facts: Facts, role: Role
) -> None:
    browser.sign_in(role)
    for path in _pages(facts) + (["/admin/users"] if role is Role.ADMIN else []):
        resp = browser.get(path)
        assert resp.status_code == 200, (path, resp.text[:500])
        assert resp.headers["Content-Security-Policy"] == CSP
        assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP
        page = Page(resp.text)
        assert page.unlabelled() == [], path
        assert page.duplicate_ids() == [], path
        assert page.post_forms_without_csrf() == [], path
        assert page.inline_scripts == 0 and page.style_elements == 0, path
        assert page.style_attributes() == [], path
        assert page.find("script", src="/static/htmx.min.js"), path


def test_navigation_by_role(browser: Browser, second_browser: Browser) -> None:
    browser.sign_in(Role.FACT_CHECKER)
    links = [text for text, _ in browser.page("/queue").links()]
    for name in ("Queue", "Ingest", "Inbox", "Exports", "Archive health"):
        assert any(name in text for text in links), name
    assert not any("Admin" in text for text in links)
    second_browser.sign_in(Role.ADMIN)
    admin_links = [text for text, _ in second_browser.page("/queue").links()]
    assert any("Admin" in text for text in admin_links)
    assert "Sign out" in second_browser.page("/queue").buttons()


def test_sign_in_page_names_and_first_run_hint(browser: Browser, db: Session) -> None:
    db.execute(delete(ApiToken))
    db.execute(delete(User))
    db.flush()
    page = browser.page("/login")
    assert page.label_text("email") == "Email" and page.label_text("password") == "Password"
    assert "Sign in" in page.buttons()
    assert "claimdesk users create" in page.html and "claimdesk demo" in page.html


def test_sign_in_page_hides_the_first_run_hint_once_someone_exists(browser: Browser) -> None:
    browser.users.make(Role.ADMIN)
    assert "claimdesk users create" not in browser.page("/login").html


def test_sign_out(browser: Browser) -> None:
    browser.sign_in()
    resp = browser.post("/logout")
    assert resp.status_code == 302
    assert browser.get("/queue").status_code == 302


def test_forms_refuse_a_missing_csrf_token(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    claim = facts.claim()
    resp = browser.client.post(f"/claims/{claim.id}/notes", data={"body": "no token"})
    assert resp.status_code == 400 and "CSRF" in resp.text


def test_404_and_403_pages(browser: Browser) -> None:
    browser.sign_in(Role.FACT_CHECKER)
    missing = browser.get("/claims/999999")
    assert missing.status_code == 404 and "Claim 999999 does not exist" in missing.text
    assert missing.headers["Content-Security-Policy"] == CSP
    assert browser.get("/documents/999999").status_code == 404
    forbidden = browser.get("/admin/users")
    assert forbidden.status_code == 403 and "admin role" in forbidden.text
    assert browser.get("/claims/99999999999").status_code == 404  # beyond any id


def test_static_files_are_served(browser: Browser) -> None:
    for name in ("htmx.min.js", "app.js", "desk.css"):
        resp = browser.get(f"/static/{name}")
        assert resp.status_code == 200 and len(resp.data) > 1000, name
        resp.close()
