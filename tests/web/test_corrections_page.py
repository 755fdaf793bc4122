"""Corrections and copies to restatements in the browser: both are proposals a second editor
approves (four eyes), the published verdict stays published until then, and fact-checkers
never see the editors' controls."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exports.query import public_path
from app.models import Claim, Event, Role, Verdict, VerdictStatus
from tests.web.conftest import Browser, Facts
from tests.web.html import Page


def _version(db: Session, claim: Claim) -> str:
    db.expire_all()
    fresh = db.get(Claim, claim.id)
    assert fresh is not None
    return str(fresh.version)


def _verdicts(db: Session, claim: Claim) -> list[Verdict]:
    db.expire_all()
    query = select(Verdict).where(Verdict.claim_id == claim.id).order_by(Verdict.id)
    return list(db.scalars(query))


def test_a_correction_waits_for_a_second_editor(
    browser: Browser, second_browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    first_editor, _ = browser.users.make(Role.EDITOR)
    corrector = browser.sign_in(Role.EDITOR)
    claim = facts.corroborated("The council said 12 parks opened in 2025.")
    published = facts.published(claim, checker, first_editor, rating="mostly-true")
    public = public_path(claim.id, claim.public_slug)
    assert "Mostly true" in browser.get(public).text

    page = browser.page(f"/claims/{claim.id}")
    assert "Propose correction" in page.buttons()
    for control_id, label in (
        ("correct-rating", "Rating"),
        ("correct-rationale", "Summary"),
        ("correct-note", "Correction note"),
    ):
        assert page.label_text(control_id) == label
    assert page.find("textarea", id="correct-note")[0].get("required") is not None
    assert page.unlabelled() == [] and page.duplicate_ids() == []
    assert ("Public fact-check page", public) in page.links()

    missing = browser.post(
        f"/claims/{claim.id}/verdict/correct",
        {"rating": "false", "rationale": "Only 4 opened.", "version": _version(db, claim)},
    )
    assert missing.status_code == 422 and "Correction note" in missing.text
    assert len(_verdicts(db, claim)) == 1

    resp = browser.post(
        f"/claims/{claim.id}/verdict/correct",
        {
            "rating": "false",
            "rationale": "Only 4 parks opened; 8 were delayed to 2026.",
            "correction_note": "An earlier version counted parks still under construction.",
            "version": _version(db, claim),
        },
    )
    assert resp.status_code == 303, resp.text
    old, correction = _verdicts(db, claim)
    assert old.status is VerdictStatus.APPROVED  # still the published verdict
    assert correction.status is VerdictStatus.PROPOSED and correction.corrects_id == old.id
    assert correction.proposed_by_id == corrector.id

    # The corrector: the published verdict shown as published, the correction beside it, and
    # no Approve anywhere.
    mine = browser.page(f"/claims/{claim.id}")
    assert "Approve" not in mine.buttons() and "Reject" not in mine.buttons()
    shown = mine.by_testid("published-verdict")[0].text
    assert "Published" in shown and "mostly-true" in shown and "approved" in shown
    proposed = mine.by_testid("proposed-verdict")[0].text
    assert "Proposed correction" in proposed and "false" in proposed
    assert "counted parks still under construction" in proposed
    assert "You proposed this correction" in mine.html
    assert "Propose correction" not in mine.buttons()  # one proposal at a time
    inbox = browser.page("/inbox")
    assert "Approve" not in inbox.buttons()
    assert "You proposed this correction" in inbox.ids[f"review-{claim.id}"].text
    assert "Mostly true" in browser.get(public).text  # readers still see the published one

    # A second editor reviews it side by side in the inbox.
    reviewer = second_browser.sign_in(Role.EDITOR)
    theirs = second_browser.page("/inbox")
    corrections = theirs.html.split("Corrections awaiting a second editor")[1].split(
        "Stale verdicts"
    )[0]
    item = Page(corrections).ids[f"review-{claim.id}"].text
    for expected in (
        "Published now",
        "mostly-true",
        "Two publishers agree.",
        "Proposed correction",
        "false",
        "Only 4 parks opened",
        "counted parks still under construction",
        corrector.name,
    ):
        assert expected in item, expected
    assert Page(corrections).buttons().count("Approve") == 1
    assert "Close the claim (no verdict for it)" not in corrections  # corrected, never closed
    assert theirs.unlabelled() == [] and theirs.duplicate_ids() == []
    # The rule stands behind the hidden button.
    forced = browser.post(
        f"/claims/{claim.id}/verdict/approve", {"version": _version(db, claim), "back": "inbox"}
    )
    assert forced.status_code == 403 and "four-eyes" in forced.text

    ok = second_browser.post(
        f"/claims/{claim.id}/verdict/approve",
        {"version": _version(db, claim), "back": "inbox", "note": "Checked the council list."},
    )
    assert ok.status_code == 303 and ok.headers["Location"] == "/inbox"
    assert "Correction on claim" in second_browser.page("/inbox").html
    old, correction = _verdicts(db, claim)
    assert old.status is VerdictStatus.SUPERSEDED and old.id == published.id
    assert correction.status is VerdictStatus.APPROVED and correction.reviewed_by_id == reviewer.id
    reader = browser.get(public).text
    assert "False" in reader and "counted parks still under construction" in reader
    history = browser.page(f"/claims/{claim.id}").ids["claim-history"].text
    assert "Correction proposed" in history and "Correction approved" in history


def test_a_correction_can_be_rejected_and_the_published_verdict_stands(
    browser: Browser, second_browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    corrector, _ = browser.users.make(Role.EDITOR)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    published = facts.published(claim, checker, corrector)
    facts.proposal(
        claim, corrector, "false", corrects_id=published.id, correction_note="Wrong count."
    )
    page = browser.page(f"/claims/{claim.id}")
    assert "Close the claim (no verdict for it)" not in page.html
    resp = browser.post(
        f"/claims/{claim.id}/verdict/reject",
        {"version": _version(db, claim), "note": "The count was right."},
    )
    assert resp.status_code == 303
    old, correction = _verdicts(db, claim)
    assert old.status is VerdictStatus.APPROVED and correction.status is VerdictStatus.REJECTED
    db.expire_all()
    assert db.get(Claim, claim.id).closed_as is None  # type: ignore[union-attr]


def test_fact_checkers_never_see_editor_controls(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    claim = facts.corroborated("The council said 12 parks opened in 2025.")
    member = facts.corroborated("The council said that 12 parks opened in 2025.")
    member.cluster_id = claim.id
    facts.published(claim, checker, editor)
    open_claim = facts.corroborated("The port said 20 ships docked in 2025.")
    facts.proposal(open_claim, editor)
    browser.sign_in(Role.FACT_CHECKER)
    for target in (claim, open_claim):
        page = browser.page(f"/claims/{target.id}")
        for button in (
            "Propose correction",
            "Propose for restatements",
            "Withdraw",
            "Reopen",
            "Approve",
            "Reject",
        ):
            assert button not in page.buttons(), (target.id, button)
        assert "Close the claim" not in page.html
    assert "Public fact-check page" in dict(browser.page(f"/claims/{claim.id}").links())
    version = _version(db, claim)
    for path, data in (
        ("verdict/correct", {"rating": "false", "rationale": "r", "correction_note": "n"}),
        ("verdict/apply-to-cluster", {}),
        ("withdraw", {}),
        ("reopen", {}),
    ):
        resp = browser.post(f"/claims/{claim.id}/{path}", {"version": version, **data})
        assert resp.status_code == 403 and "editor" in resp.text, path
    assert len(_verdicts(db, claim)) == 1


def test_editor_forms_need_the_csrf_token(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.published(claim, checker, editor)
    for path, data in (
        ("verdict/correct", {"rating": "false", "rationale": "r", "correction_note": "n"}),
        ("verdict/apply-to-cluster", {}),
        ("withdraw", {}),
    ):
        resp = browser.client.post(f"/claims/{claim.id}/{path}", data=data)
        assert resp.status_code == 400 and "CSRF" in resp.text, path
    assert len(_verdicts(db, claim)) == 1


def test_a_correction_of_a_stale_verdict_is_refused_beside_the_form(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    verdict = facts.published(claim, checker, editor)
    page = browser.page(f"/claims/{claim.id}")  # the form, before the verdict goes stale
    version = page.find("input", name="version")[0].get("value")
    verdict.stale, verdict.stale_reason = True, "a cited source changed since it was archived"
    db.flush()
    resp = browser.post(
        f"/claims/{claim.id}/verdict/correct",
        {"rating": "false", "rationale": "r", "correction_note": "n", "version": version},
    )
    assert resp.status_code == 409
    refused = Page(resp.text)
    assert "is stale" in refused.find("p", class_="error")[0].text
    assert "Propose correction" not in refused.buttons()  # not offered on a stale verdict


def test_propose_for_restatements(
    browser: Browser, second_browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    proposer = browser.sign_in(Role.EDITOR)
    original = facts.corroborated("The minister said 40 schools were rebuilt in 2025.")
    facts.published(original, checker, editor, rating="true")
    ready = facts.corroborated("In 2025, 40 schools were rebuilt, the minister said.")
    unchecked = facts.claim("The minister said that 40 schools were rebuilt in 2025.")
    opposite = facts.corroborated("The minister said 40 schools were not rebuilt in 2025.")
    for member in (ready, unchecked, opposite):
        member.cluster_id = original.id
    db.flush()

    page = browser.page(f"/claims/{original.id}")
    assert "Propose for restatements" in page.buttons()
    resp = browser.post(f"/claims/{original.id}/verdict/apply-to-cluster")
    assert resp.status_code == 303
    result = browser.page(f"/claims/{original.id}").html
    assert f"Verdict proposed for 1 restatement: #{ready.id}" in result
    assert f"Not proposed for #{unchecked.id}: it is submitted" in result
    assert f"Not proposed for #{opposite.id}: it states the opposite" in result
    (copy,) = _verdicts(db, ready)
    assert copy.status is VerdictStatus.PROPOSED and copy.proposed_by_id == proposer.id
    assert _verdicts(db, unchecked) == [] and _verdicts(db, opposite) == []
    event = db.scalar(
        select(Event).where(Event.claim_id == ready.id, Event.kind == "verdict_proposed")
    )
    assert event is not None and event.detail["from_claim_id"] == original.id

    # The proposer sees the copy marked, but never Approve on it.
    mine = browser.page("/inbox")
    assert f"from cluster of #{original.id}" in mine.ids[f"review-{ready.id}"].text
    assert "Approve" not in mine.buttons()
    workspace = browser.page(f"/claims/{ready.id}")
    assert f"Proposed from cluster of #{original.id}" in workspace.html
    assert "Approve" not in workspace.buttons()

    second_browser.sign_in(Role.EDITOR)
    theirs = second_browser.page("/inbox")
    item = theirs.ids[f"review-{ready.id}"].text
    assert f"from cluster of #{original.id}" in item and "Approve" in theirs.buttons()
    ok = second_browser.post(
        f"/claims/{ready.id}/verdict/approve", {"version": _version(db, ready), "back": "inbox"}
    )
    assert ok.status_code == 303
    (copy,) = _verdicts(db, ready)
    assert copy.status is VerdictStatus.APPROVED
    assert "verified" in second_browser.page(f"/claims/{ready.id}").html


def test_no_restatement_button_without_restatements(
    browser: Browser, facts: Facts, db: Session
) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    browser.sign_in(Role.EDITOR)
    claim = facts.corroborated()
    facts.published(claim, checker, editor)
    assert "Propose for restatements" not in browser.page(f"/claims/{claim.id}").buttons()
