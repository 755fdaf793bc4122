"""The inbox: what awaits an editor, with Approve and Reject only where they may be used."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Role, Stance, Verdict, VerdictStatus
from tests.web.conftest import Browser, Facts


def test_editor_sees_what_awaits_with_the_evidence_summary(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor = browser.sign_in(Role.EDITOR)
    theirs = facts.corroborated("The council said 12 parks opened in 2025.")
    facts.proposal(theirs, checker)
    own = facts.corroborated("The port said 20 ships docked in 2025.")
    facts.proposal(own, editor)
    page = browser.page("/inbox")
    item = page.ids[f"review-{theirs.id}"].text
    assert "corroborated: supported by 2 distinct publishers" in item
    assert checker.name in item and "Both sources agree." in item
    own_item = page.ids[f"review-{own.id}"].text
    assert "You proposed this verdict" in own_item
    approve_forms = {f.action for f in page.forms if f.action.endswith("/verdict/approve")}
    assert approve_forms == {f"/claims/{theirs.id}/verdict/approve"}  # never on one's own
    assert page.buttons().count("Approve") == 1 and page.buttons().count("Reject") == 1
    assert page.unlabelled() == []
    assert "1 awaiting review" in page.html  # the count beside Inbox in the navigation


def test_approve_from_the_inbox(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.proposal(claim, checker)
    resp = browser.post(
        f"/claims/{claim.id}/verdict/approve", {"version": str(claim.version), "back": "inbox"}
    )
    assert resp.status_code == 303 and resp.headers["Location"] == "/inbox"
    db.expire_all()
    assert db.scalar(select(Verdict.status)) is VerdictStatus.APPROVED
    assert "approved: the claim is verified" in browser.page("/inbox").html


def test_refusals_are_shown_beside_the_item(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.proposal(claim, checker)
    resp = browser.post(
        f"/claims/{claim.id}/verdict/reject", {"version": str(claim.version), "back": "inbox"}
    )
    assert resp.status_code == 422
    assert "Why reject it" in resp.text and f'id="review-{claim.id}"' in resp.text
    stale = browser.post(
        f"/claims/{claim.id}/verdict/approve", {"version": str(claim.version - 1), "back": "inbox"}
    )
    assert stale.status_code == 412 and "Someone changed this claim" in stale.text


def test_moved_state_is_flagged(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.proposal(claim, checker)
    facts.cite(claim, "gamma.example", stance=Stance.REFUTES)
    assert "approval would be refused" in browser.page("/inbox").html


def test_stale_verdicts_and_corrections(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    other_editor, _ = browser.users.make(Role.EDITOR)
    browser.sign_in(Role.EDITOR)
    stale = facts.corroborated("The minister said 40 schools were rebuilt.")
    approved = facts.proposal(stale, checker)
    approved.status, approved.reviewed_by_id, approved.reviewed_at = (
        VerdictStatus.APPROVED,
        other_editor.id,
        utcnow(),
    )
    approved.stale, approved.stale_reason = True, "a cited source changed since it was archived"
    fixed = facts.corroborated("The port said 20 ships docked in 2025.")
    first = facts.proposal(fixed, checker)
    first.status = VerdictStatus.APPROVED
    facts.proposal(fixed, other_editor, corrects_id=first.id)
    page = browser.page("/inbox")
    assert "a cited source changed since it was archived" in page.html
    corrections = page.html.split("Corrections awaiting a second editor")[1].split(
        "Stale verdicts"
    )[0]
    assert f"review-{fixed.id}" in corrections


def test_fact_checker_sees_their_own_proposals_and_rejections(
    browser: Browser, facts: Facts, db: Session
) -> None:
    me = browser.sign_in(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    pending = facts.corroborated("The council said 12 parks opened in 2025.")
    facts.proposal(pending, me)
    rejected_claim = facts.corroborated("The port said 20 ships docked in 2025.")
    rejected = facts.proposal(rejected_claim, me)
    rejected.status, rejected.reviewed_by_id = VerdictStatus.REJECTED, editor.id
    rejected.reviewed_at, rejected.review_note = utcnow(), "Only one source is independent."
    db.flush()
    page = browser.page("/inbox")
    assert "Verdicts awaiting approval" not in page.html  # the editors' sections
    assert pending.text in page.html and "Only one source is independent." in page.html
    assert "Approve" not in page.buttons() and "Reject" not in page.buttons()
