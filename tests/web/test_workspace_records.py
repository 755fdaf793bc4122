"""What the workspace tells before and after an action: an editor acting on someone else's
lease is warned it is an override (and it is recorded as one), the history pages beyond its
first hundred events, the export runs that included the claim, the public page's link."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.exports.query import public_path
from app.models import Claim, Event, Role, User
from app.workflow import events
from tests.web.conftest import Browser, Facts
from tests.web.html import Page


def _held_by(db: Session, claim: Claim, holder: User) -> Claim:
    claim.assignee_id, claim.lease_expires_at = holder.id, utcnow() + timedelta(minutes=20)
    db.flush()
    return claim


def _overrides(db: Session, claim: Claim) -> list[Event]:
    query = select(Event).where(Event.claim_id == claim.id, Event.kind == "lease_overridden")
    return list(db.scalars(query))


def test_an_editor_is_told_before_overriding_a_lease(
    browser: Browser, second_browser: Browser, facts: Facts, db: Session
) -> None:
    holder, _ = browser.users.make(Role.FACT_CHECKER)
    claim = _held_by(db, facts.corroborated(), holder)
    until = f"{claim.lease_expires_at:%H:%M}"
    notice = (
        f"{holder.name} holds this claim until {until} UTC; your change will be recorded as an "
        "override."
    )

    second_browser.sign_in(Role.FACT_CHECKER)  # another fact-checker: refused, not warned
    theirs = second_browser.page(f"/claims/{claim.id}")
    assert "recorded as an override" not in theirs.html
    assert "Propose verdict" not in theirs.buttons()

    browser.sign_in(Role.EDITOR)
    page = browser.page(f"/claims/{claim.id}")
    for section in ("lease", "evidence-form", "verdict-form", "edit"):
        assert notice in " ".join(page.ids[section].text.split()), section
    resp = browser.post(
        f"/claims/{claim.id}/evidence", {"url": "https://gamma.example/x", "stance": "context"}
    )
    assert resp.status_code == 303
    proposed = browser.post(
        f"/claims/{claim.id}/verdict",
        {"rating": "true", "rationale": "Two sources.", "version": str(claim.version)},
    )
    assert proposed.status_code == 303, proposed.text
    actions = [e.detail["action"] for e in _overrides(db, claim)]
    assert actions == ["cite sources for", "propose a verdict on"]
    assert all(e.detail["holder_id"] == holder.id for e in _overrides(db, claim))


def test_no_override_notice_on_ones_own_or_a_free_claim(
    browser: Browser, facts: Facts, db: Session
) -> None:
    me = browser.sign_in(Role.EDITOR)
    free = facts.claim()
    mine = _held_by(db, facts.claim(), me)
    for claim in (free, mine):
        assert "recorded as an override" not in browser.page(f"/claims/{claim.id}").html


def test_the_history_pages_beyond_its_first_hundred_events(
    app: Flask, browser: Browser, facts: Facts, db: Session
) -> None:
    browser.sign_in()
    claim = facts.claim()
    with app.app_context():
        for n in range(1, 131):
            events.record(db, claim, "note_added", excerpt=f"note number {n}.")
    db.flush()

    page = browser.page(f"/claims/{claim.id}")
    history = page.ids["claim-history"]
    items = [e for e in page.find("li") if "note number" in e.text]
    assert len(items) == 100
    assert "note number 130." in items[0].text and "note number 31." in items[-1].text
    assert "130 events, newest first" in " ".join(history.text.split())
    earlier = next(e for e in page.find("a") if e.text == "Earlier events")
    assert earlier.get("hx-get") == f"/claims/{claim.id}/history?upto=30"
    assert earlier.get("href") == f"/claims/{claim.id}?upto=30#claim-history"

    fragment = browser.htmx("get", earlier.get("hx-get"))
    assert fragment.status_code == 200 and "<html" not in fragment.text
    older = Page(fragment.text)
    notes = [e.text for e in older.find("li")]
    assert len(notes) == 30 and "note number 30." in notes[0] and "note number 1." in notes[-1]
    assert "Earlier events" not in fragment.text and "Newest events" in fragment.text

    full = browser.page(earlier.get("href").split("#")[0])
    assert len([e for e in full.find("li") if "note number" in e.text]) == 30
    assert browser.page(f"/claims/{claim.id}?upto=nonsense").ids["claim-history"]

    # The page shown goes with the live poll, which answers with the same page, not the newest.
    assert older.ids["history-upto"].get("value") == "30"
    assert page.ids["history-upto"].get("value") == ""  # the newest page
    polled = browser.htmx("get", f"/claims/{claim.id}?seen={claim.state.value}&upto=30")
    shown = [e.text for e in Page(polled.text).find("li") if "note number" in e.text]
    assert len(shown) == 30 and "note number 30." in shown[0]


def test_the_export_runs_that_included_the_claim(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    me = browser.sign_in()
    claim = facts.corroborated()
    facts.published(claim, checker, editor)
    before = browser.page(f"/claims/{claim.id}")
    assert "No export has included it yet." in before.ids["claim-exports"].text
    run = browser.get("/exports/download/claims.csv?q=Claim")
    assert run.status_code == 200
    run_id = run.headers["X-Export-Run"]
    listed = " ".join(browser.page(f"/claims/{claim.id}").ids["claim-exports"].text.split())
    assert f"Export #{run_id} · claims.csv · 1 claim" in listed
    assert f"by {me.name}" in listed and "q=Claim" in listed


def test_the_public_page_link_only_when_published(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    browser.sign_in()
    draft = facts.corroborated("The port said 20 ships docked in 2025.")
    facts.proposal(draft, checker)
    assert "Public fact-check page" not in dict(browser.page(f"/claims/{draft.id}").links())
    claim = facts.corroborated("The council said 12 parks opened in 2025.")
    facts.published(claim, checker, editor)
    href = dict(browser.page(f"/claims/{claim.id}").links())["Public fact-check page"]
    assert href == public_path(claim.id, claim.public_slug)
    assert href.startswith(f"/fact-checks/{claim.id}-the-council-said-12-parks")
    assert "The council said 12 parks opened in 2025." in browser.get(href).text
