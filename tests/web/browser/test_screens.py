"""Every page at a desk's width (1280 px) and a phone's (390 px), on a desk filled by
`claimdesk demo`: a screenshot of each (tests/web/screenshots, ignored by git), nothing wider
than the screen, every control labelled, no console error; and the keyboard shortcuts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import Role
from tests.web.browser.conftest import (
    WIDTHS,
    Account,
    LiveDesk,
    Watch,
    screenshot,
    sign_in,
)

PAGES = {
    "queue": "/queue",
    "claim-workspace": "/claims/{corroborated}",
    "claim-disputed": "/claims/{disputed}",
    "ingest": "/documents/new",
    "document": "/documents/{document}",
    "documents": "/documents",
    "inbox": "/inbox",
    "exports": "/exports",
    "archive-health": "/archive-health?window=7d",
    "admin-users": "/admin/users",
    "not-found": "/claims/999999",
}


@pytest.fixture(scope="module")
def demo(live_desk: LiveDesk) -> dict[str, object]:
    """The desk filled by `claimdesk demo`, with the accounts it printed."""
    out = live_desk.cli("demo")
    accounts = {
        email: Account(email, password, Role(role))
        for role, email, password in re.findall(
            r"^\s+(\w+)\s+(\S+@desk\.example)\s+(\S+)$", out, re.M
        )
    }
    claims = dict(re.findall(r"claim (\d+): verdict '(\w+)'", out))
    ids = {v: k for k, v in claims.items()}
    return {
        "accounts": accounts,
        "ids": {"corroborated": ids["true"], "disputed": ids["false"], "document": "1"},
    }


@pytest.fixture()
def admin_page(live_desk: LiveDesk, chromium: Browser, demo: dict) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_desk, demo["accounts"]["admin@desk.example"])
    yield page
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_at_both_widths(
    live_desk: LiveDesk, chromium: Browser, demo: dict, width: str
) -> None:
    w, h = WIDTHS[width]
    context = chromium.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{live_desk.url}/login")
    screenshot(page, "sign-in")
    sign_in(page, live_desk, demo["accounts"]["admin@desk.example"])
    for name, path in PAGES.items():
        resp = page.goto(live_desk.url + path.format(**demo["ids"]))
        assert resp is not None
        assert resp.status == (404 if name == "not-found" else 200), name
        if name == "not-found":
            watch.problems = [p for p in watch.problems if "404" not in p]  # the answer itself
        page.wait_for_load_state("networkidle")
        shot = screenshot(page, name)
        assert shot.stat().st_size > 5000, name
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= w, f"{name} is {wide} px wide at {w} px"
        assert watch.unlabelled() == [], name
        headers = resp.headers
        assert "script-src 'self'" in headers["content-security-policy"], name
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(page.locator("#help")).to_be_visible()
    screenshot(page, "help-overlay")
    assert watch.problems == []
    context.close()


def test_the_workspace_shows_the_demo_desk(
    admin_page: Page, live_desk: LiveDesk, demo: dict
) -> None:
    admin_page.goto(f"{live_desk.url}/claims/{demo['ids']['corroborated']}")
    expect(admin_page.get_by_test_id("claim-state")).to_have_text("corroborated")
    expect(admin_page.get_by_role("button", name="Approve")).to_be_visible()  # not the proposer
    expect(admin_page.locator("#notes")).to_contain_text("Does 'rebuilt' include")
    admin_page.goto(f"{live_desk.url}/archive-health")
    expect(admin_page.get_by_text("the site answered 404 Not Found").first).to_be_visible()
    expect(admin_page.get_by_role("button", name="Retry")).to_have_count(1)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_restatement_suggestions_are_decided_in_place(
    live_desk: LiveDesk, chromium: Browser, demo: dict, width: str
) -> None:
    """The demo's second report restates, rounds and contradicts the first: its suggestions
    are decided in the workspace without a reload, and a decision can be taken back."""
    w, h = WIDTHS[width]
    context = chromium.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    watch = Watch(page)
    sign_in(page, live_desk, demo["accounts"]["checker1@desk.example"])

    page.goto(f"{live_desk.url}/claims/{demo['ids']['disputed']}")
    negation = page.locator("#similar li.relation-contradicts")
    expect(negation).to_contain_text("has not doubled since 2022")
    expect(negation).to_contain_text("contradicts this claim")

    page.goto(f"{live_desk.url}/claims/{demo['ids']['corroborated']}")
    panel = page.locator("#similar")
    wrong = panel.locator("li.suggestion", has_text="40 more schools in the south")
    expect(wrong).to_contain_text("Not decided yet.")
    wrong.get_by_role("button", name=re.compile(r"^Reject #")).click()
    expect(wrong).to_contain_text("rejected by Farah Haddad")  # swapped in by htmx
    screenshot(page, "claim-suggestions", panel)
    wrong.get_by_role("button", name=re.compile(r"^Undo ")).click()
    expect(wrong).to_contain_text("Not decided yet.")
    assert page.url.endswith(f"/claims/{demo['ids']['corroborated']}")  # never reloaded
    assert watch.problems == []
    context.close()


def test_keyboard_shortcuts(admin_page: Page, live_desk: LiveDesk) -> None:
    page = admin_page
    watch = Watch(page)
    page.goto(f"{live_desk.url}/queue")
    rows = page.locator("tr[data-row]")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help")).to_contain_text("Take the next claim")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()

    page.keyboard.press("/")
    expect(page.get_by_label("Search claims")).to_be_focused()
    page.keyboard.press("Escape")  # leave the field, so letters are shortcuts again

    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bis-current\b"))
    expect(rows.nth(0)).not_to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bis-current\b"))
    target = rows.nth(0).locator("a[data-open]").get_attribute("href")
    page.keyboard.press("o")
    page.wait_for_url(re.compile(re.escape(str(target)) + "$"))

    page.goto(f"{live_desk.url}/queue")
    first_free = rows.nth(0).locator("a[data-open]").get_attribute("href")
    page.keyboard.press("n")  # take the next claim
    page.wait_for_url(re.compile(re.escape(str(first_free)) + "$"))
    expect(page.get_by_text("You hold this claim")).to_be_visible()
    page.keyboard.press("n")  # from the claim, straight to the one after
    page.wait_for_url(lambda url: "/claims/" in url and not url.endswith(str(first_free)))
    expect(page.get_by_text("You hold this claim")).to_be_visible()
    assert watch.problems == []
