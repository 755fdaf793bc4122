"""Closing and reopening claims in the browser: reject and close, withdraw, reopen; the
workspace shows the closed state, the queue lists closed claims only under its filter."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Claim, ClaimClosure, Event, Role
from tests.web.conftest import Browser, Facts
from tests.web.html import Page


def _fresh(db: Session, claim: Claim) -> Claim:
    db.expire_all()
    fresh = db.get(Claim, claim.id)
    assert fresh is not None
    return fresh


def _queue_ids(page: Page) -> set[int]:
    return {int(e.get("value")) for e in page.find("input", name="claim")}


def test_reject_and_close_then_reopen(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated("The mayor said the tram carried 2 million people.")
    facts.proposal(claim, checker)
    page = browser.page(f"/claims/{claim.id}")
    close = page.find("input", name="close")
    assert len(close) == 1 and close[0].get("type") == "checkbox"
    assert page.label_text(close[0].get("id")) == "Close the claim (no verdict for it)"

    resp = browser.post(
        f"/claims/{claim.id}/verdict/reject",
        {"version": str(claim.version), "note": "Not checkable: no public figures.", "close": "y"},
    )
    assert resp.status_code == 303
    closed = _fresh(db, claim)
    assert closed.closed_as is ClaimClosure.REJECTED

    page = browser.page(f"/claims/{claim.id}")
    assert "closed: rejected" in page.by_testid("closure")[0].text
    assert "Add evidence" not in page.buttons() and "Propose verdict" not in page.buttons()
    assert "The claim is closed (rejected); an editor can reopen it." in page.html
    assert "Reopen" in page.buttons() and "Withdraw" not in page.buttons()
    assert "Claim closed" in page.ids["claim-history"].text
    assert page.unlabelled() == [] and page.duplicate_ids() == []

    # Out of the queue and of every other filter; listed under the Closed filter only.
    for choice in ("open", "all", "none"):
        assert claim.id not in _queue_ids(browser.page(f"/queue?verdict={choice}")), choice
    assert claim.id not in _queue_ids(browser.page("/queue?verdict=closed&state=submitted"))
    listed = browser.page("/queue?verdict=closed")
    assert _queue_ids(listed) == {claim.id}
    assert "Closed claims" in listed.html and "closed: rejected" in listed.html
    option = [e for e in listed.find("option", value="closed")]
    assert option and "Closed (rejected or withdrawn)" in option[0].text

    reopened = browser.post(
        f"/claims/{claim.id}/reopen",
        {"version": str(closed.version), "note": "The council published the figures."},
    )
    assert reopened.status_code == 303
    assert "back in the queue" in browser.page(f"/claims/{claim.id}").html
    claim = _fresh(db, claim)
    assert claim.closed_as is None
    event = db.scalar(
        select(Event).where(Event.claim_id == claim.id, Event.kind == "claim_reopened")
    )
    assert event is not None and event.detail["note"] == "The council published the figures."
    assert claim.id in _queue_ids(browser.page("/queue"))


def test_reject_and_close_from_the_inbox(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.proposal(claim, checker)
    inbox = browser.page("/inbox")
    box = inbox.ids[f"reject-close-{claim.id}"]
    assert inbox.label_text(box.get("id")) == "Close the claim (no verdict for it)"
    resp = browser.post(
        f"/claims/{claim.id}/verdict/reject",
        {"version": str(claim.version), "note": "Out of scope.", "close": "y", "back": "inbox"},
    )
    assert resp.status_code == 303 and resp.headers["Location"] == "/inbox"
    assert _fresh(db, claim).closed_as is ClaimClosure.REJECTED
    assert "rejected, and the claim is closed" in browser.page("/inbox").html


def test_reject_without_close_keeps_the_claim_open(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.proposal(claim, checker)
    resp = browser.post(
        f"/claims/{claim.id}/verdict/reject", {"version": str(claim.version), "note": "Weak."}
    )
    assert resp.status_code == 303
    assert _fresh(db, claim).closed_as is None


def test_withdraw_an_open_claim(browser: Browser, facts: Facts, db: Session) -> None:
    browser.sign_in(Role.EDITOR)
    claim = facts.claim("Entered twice by mistake: 12 parks opened.")
    page = browser.page(f"/claims/{claim.id}")
    assert "Withdraw" in page.buttons() and "Reopen" not in page.buttons()
    note = page.find("textarea", id="withdraw-note")[0]
    assert page.label_text(note.get("id")) == "Note for the record"
    stale = browser.post(f"/claims/{claim.id}/withdraw", {"version": str(claim.version - 1)})
    assert stale.status_code == 412 and "Someone changed this claim" in stale.text
    resp = browser.post(
        f"/claims/{claim.id}/withdraw", {"version": str(claim.version), "note": "Duplicate."}
    )
    assert resp.status_code == 303
    claim = _fresh(db, claim)
    assert claim.closed_as is ClaimClosure.WITHDRAWN
    page = browser.page(f"/claims/{claim.id}")
    assert "closed: withdrawn" in page.by_testid("closure")[0].text
    assert "Withdrawn" in page.by_testid("closure")[0].text
    assert _queue_ids(browser.page("/queue?verdict=closed")) == {claim.id}
    again = browser.post(f"/claims/{claim.id}/withdraw", {"version": str(claim.version)})
    assert again.status_code == 409 and "already closed" in again.text


def test_a_published_claim_is_corrected_not_withdrawn(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.published(claim, checker, editor)
    page = browser.page(f"/claims/{claim.id}")
    assert "Withdraw" not in page.buttons()
    resp = browser.post(f"/claims/{claim.id}/withdraw", {"version": str(claim.version)})
    assert resp.status_code == 409
    error = Page(resp.text).ids["closing"].text
    assert "correct it instead of withdrawing it" in error
    assert _fresh(db, claim).closed_as is None


def test_closed_claims_take_no_evidence(browser: Browser, facts: Facts, db: Session) -> None:
    browser.sign_in(Role.EDITOR)
    claim = facts.claim()
    claim.closed_as = ClaimClosure.WITHDRAWN
    db.flush()
    page = browser.page(f"/claims/{claim.id}")
    assert page.find("form", id="evidence-form") == []
    assert "A closed claim takes no evidence." in page.html
    resp = browser.post(
        f"/claims/{claim.id}/evidence", {"url": "https://a.example/x", "stance": "supports"}
    )
    assert resp.status_code == 409 and "an editor can reopen it" in resp.text
