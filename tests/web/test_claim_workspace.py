"""The claim workspace: one route for the page and its live fragment, evidence, verdicts
(four-eyes: a proposer never sees Approve), edits under the page's If-Match, leases, notes."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.archive.storage import blob_store
from app.db import utcnow
from app.models import (
    CaptureStatus,
    Claim,
    ClaimState,
    Event,
    Evidence,
    Note,
    OutboxMessage,
    Role,
    Verdict,
    VerdictStatus,
)
from app.outbox import CAPTURE_TASK
from tests.web.conftest import Browser, Facts
from tests.web.html import Page


def _held(db: Session, claim: Claim, user_id: int) -> Claim:
    claim.assignee_id, claim.lease_expires_at = user_id, utcnow() + timedelta(minutes=20)
    db.flush()
    return claim


def test_the_page_shows_the_claim_in_its_article(
    browser: Browser, facts: Facts, db: Session
) -> None:
    browser.sign_in()
    text = "Intro paragraph.\n\nThe ministry said 40 schools were rebuilt in 2025.\n\nOutro."
    document = facts.document(text)
    claim = facts.claim("The ministry said 40 schools were rebuilt in 2025.")
    claim.document_id, claim.span_start, claim.span_end = document.id, 18, 68
    db.flush()
    page = browser.page(f"/claims/{claim.id}")
    marks = page.find("mark")
    assert [m.text for m in marks] == [text[18:68]]
    state = page.by_testid("claim-state")
    assert len(state) == 1 and state[0].text.strip() == "submitted"
    assert "submitted: no evidence yet" in page.html
    for label in ("Source URL", "Stance", "Quote"):
        assert any(page.label_text(e.get("id")) == label for e in page.elements if e.get("id")), (
            label
        )
    stance = page.find("select", name="stance")[0]
    options = [e.get("value") for e in page.elements if e.tag == "option" and e.form == stance.form]
    assert {"supports", "refutes", "context"} <= set(options)
    assert "Add evidence" in page.buttons()


def test_live_fragment_polls_while_a_capture_is_pending_then_stops(
    browser: Browser, facts: Facts, db: Session
) -> None:
    browser.sign_in()
    claim = facts.claim()
    _, capture = facts.cite(claim, "alpha.example", status=CaptureStatus.PENDING)
    full = browser.page(f"/claims/{claim.id}")
    live = full.ids["claim-live"]
    assert live.get("hx-trigger") == "every 1s"
    assert live.get("hx-get") == f"/claims/{claim.id}?seen=submitted"

    polled = browser.htmx("get", live.get("hx-get"))
    assert polled.status_code == 200 and "<html" not in polled.text
    fragment = Page(polled.text)
    assert fragment.ids["claim-live"].get("hx-trigger") == "every 1s"
    assert "verdict-panel" not in fragment.ids  # the state did not move: the panel stays

    # The worker archives the source: the next poll shows it, stops polling, and brings the
    # verdict panel along since the state moved.
    capture.status, capture.fetched_at, capture.text = CaptureStatus.ARCHIVED, utcnow(), "t"
    facts.cite(claim, "beta.example")  # and a second publisher: corroborated
    db.flush()
    final = Page(browser.htmx("get", live.get("hx-get")).text)
    assert "hx-trigger" not in final.ids["claim-live"].attrs
    assert final.by_testid("claim-state")[0].text.strip() == "corroborated"
    assert final.ids["verdict-panel"].get("hx-swap-oob") == "true"
    assert "Propose verdict" in final.buttons()
    assert final.ids["claim-history"].get("hx-swap-oob") == "true"
    assert final.ids["state-announce"].text == "The claim is now corroborated."
    assert any("Archived copy of alpha.example" in text for text, _ in final.links())


def test_add_evidence_queues_archiving(browser: Browser, facts: Facts, db: Session) -> None:
    me = browser.sign_in()
    claim = facts.claim()
    resp = browser.htmx(
        "post",
        f"/claims/{claim.id}/evidence",
        {"url": "https://news.example.org/story", "stance": "refutes", "quote": " 40 schools "},
    )
    assert resp.status_code == 200
    fragment = Page(resp.text)
    assert fragment.ids["claim-live"].get("hx-trigger") == "every 1s"  # archiving: poll
    assert fragment.ids["evidence-form"].get("hx-swap-oob") == "true"  # a fresh, empty form
    evidence = db.scalar(select(Evidence).where(Evidence.claim_id == claim.id))
    assert evidence is not None and evidence.stance.value == "refutes"
    assert evidence.quote == "40 schools" and evidence.added_by_id == me.id
    queued = db.scalars(select(OutboxMessage.task)).all()
    assert CAPTURE_TASK in queued


def test_add_evidence_without_htmx_redirects(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    claim = facts.claim()
    resp = browser.post(
        f"/claims/{claim.id}/evidence", {"url": "https://a.example/x", "stance": "supports"}
    )
    assert resp.status_code == 303 and resp.headers["Location"] == f"/claims/{claim.id}"


def test_bad_evidence_is_refused_beside_the_form(
    browser: Browser, facts: Facts, db: Session
) -> None:
    browser.sign_in()
    claim = facts.claim()
    resp = browser.htmx(
        "post", f"/claims/{claim.id}/evidence", {"url": "ftp://x.example/f", "stance": "supports"}
    )
    assert resp.status_code == 422
    assert resp.headers["HX-Retarget"] == "#evidence-form"
    page = Page(resp.text)
    assert 'value="ftp://x.example/f"' in resp.text  # what was typed stays
    assert page.find("p", class_="error") and "url" in resp.text
    full = browser.post(f"/claims/{claim.id}/evidence", {"url": "", "stance": "supports"})
    assert full.status_code == 422 and "Source URL" in full.text
    assert db.scalar(select(func.count()).select_from(Evidence)) == 0


def test_verdict_form_appears_only_on_a_rateable_claim(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    submitted = facts.claim()
    page = browser.page(f"/claims/{submitted.id}")
    assert "Propose verdict" not in page.buttons()
    assert "once it is corroborated or disputed" in page.html
    claim = facts.corroborated()
    page = browser.page(f"/claims/{claim.id}")
    assert "Propose verdict" in page.buttons()
    rating = page.find("select", name="rating")[0]
    assert page.label_text(rating.get("id")) == "Rating"
    values = [
        e.get("value")
        for e in page.elements
        if e.tag == "option" and e.form == rating.form and e.get("value")
    ]
    assert values == ["true", "mostly-true", "mixed", "mostly-false", "false", "unverifiable"]
    summary = page.find("textarea", name="rationale")[0]
    assert page.label_text(summary.get("id")) == "Summary"


def test_propose_then_the_proposer_never_sees_approve(
    browser: Browser, second_browser: Browser, facts: Facts, db: Session
) -> None:
    proposer = browser.sign_in(Role.EDITOR)  # an editor, so only four-eyes hides the button
    claim = facts.corroborated()
    page = browser.page(f"/claims/{claim.id}")
    version = page.find("input", name="version")[0].get("value")
    resp = browser.post(
        f"/claims/{claim.id}/verdict",
        {"rating": "true", "rationale": "Two sources agree.", "version": version},
    )
    assert resp.status_code == 303
    mine = browser.page(f"/claims/{claim.id}")
    assert "Approve" not in mine.buttons() and "Reject" not in mine.buttons()
    assert "You proposed this verdict" in mine.html
    assert "Approve" not in browser.page("/inbox").buttons()
    # The API's four-eyes rule stands behind the hidden button.
    forced = browser.post(f"/claims/{claim.id}/verdict/approve", {"version": str(claim.version)})
    assert forced.status_code == 403 and "four-eyes" in forced.text
    other = second_browser.sign_in(Role.EDITOR)
    theirs = second_browser.page(f"/claims/{claim.id}")
    assert "Approve" in theirs.buttons() and "Reject" in theirs.buttons()
    db.expire_all()
    version = db.get(Claim, claim.id).version  # type: ignore[union-attr]
    ok = second_browser.post(
        f"/claims/{claim.id}/verdict/approve", {"version": str(version), "note": "fine"}
    )
    assert ok.status_code == 303
    verdict = db.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    assert verdict is not None and verdict.status is VerdictStatus.APPROVED
    assert verdict.proposed_by_id == proposer.id and verdict.reviewed_by_id == other.id
    assert "verified" in second_browser.page(f"/claims/{claim.id}").html


def test_a_fact_checker_never_sees_review_buttons(
    browser: Browser, facts: Facts, db: Session
) -> None:
    proposer, _ = browser.users.make(Role.FACT_CHECKER)
    claim = facts.corroborated()
    facts.proposal(claim, proposer)
    browser.sign_in(Role.FACT_CHECKER)
    page = browser.page(f"/claims/{claim.id}")
    assert "Approve" not in page.buttons() and "Reject" not in page.buttons()
    assert browser.post(f"/claims/{claim.id}/verdict/approve").status_code == 403


def test_reject_needs_a_note(browser: Browser, facts: Facts, db: Session) -> None:
    proposer, _ = browser.users.make(Role.FACT_CHECKER)
    claim = facts.corroborated()
    facts.proposal(claim, proposer)
    browser.sign_in(Role.EDITOR)
    resp = browser.post(
        f"/claims/{claim.id}/verdict/reject", {"version": str(claim.version), "note": " "}
    )
    assert resp.status_code == 422 and "Why reject it" in resp.text
    ok = browser.post(
        f"/claims/{claim.id}/verdict/reject",
        {"version": str(claim.version), "note": "One source is a press release."},
    )
    assert ok.status_code == 303
    db.expire_all()
    assert (
        db.scalar(select(Verdict.status).where(Verdict.claim_id == claim.id))
        is VerdictStatus.REJECTED
    )


def test_propose_on_a_changed_claim_shows_the_new_version(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    claim = facts.corroborated()
    resp = browser.post(
        f"/claims/{claim.id}/verdict",
        {"rating": "true", "rationale": "ok", "version": str(claim.version - 1)},
    )
    assert resp.status_code == 412
    page = Page(resp.text)
    assert "Someone changed this claim" in resp.text
    assert page.find("input", name="version")[0].get("value") == str(claim.version)
    assert "ok" in page.find("textarea", name="rationale")[0].text  # what was typed stays


def test_edit_conflict_shows_someone_changed_this_claim(
    browser: Browser, facts: Facts, db: Session
) -> None:
    me = browser.sign_in()
    claim = _held(db, facts.claim("The port handled 20 ships."), me.id)
    page = browser.page(f"/claims/{claim.id}")
    form_version = page.find("input", name="version")[0].get("value")
    claim.text = "The port handled 21 ships."  # someone else's edit lands first
    db.flush()
    resp = browser.post(
        f"/claims/{claim.id}/edit",
        {"text": "The port handled 22 ships.", "speaker": "", "tags": "", "version": form_version},
    )
    assert resp.status_code == 412
    assert "Someone changed this claim; here is the new version" in resp.text
    assert "The port handled 21 ships." in resp.text  # the new version
    conflict = Page(resp.text)
    edit_version = [
        e
        for e in conflict.find("input", name="version")
        if e.form == conflict.find("textarea", name="text")[0].form
    ]
    assert edit_version[0].get("value") == str(claim.version)
    assert "The port handled 22 ships." in conflict.find("textarea", name="text")[0].text
    again = browser.post(
        f"/claims/{claim.id}/edit",
        {
            "text": "The port handled 22 ships.",
            "speaker": "",
            "tags": "ports",
            "version": str(claim.version),
        },
    )
    assert again.status_code == 303
    db.expire_all()
    fresh = db.get(Claim, claim.id)
    assert (
        fresh is not None and fresh.text == "The port handled 22 ships." and fresh.tags == ["ports"]
    )


def test_edit_without_a_version_is_refused(browser: Browser, facts: Facts, db: Session) -> None:
    me = browser.sign_in()
    claim = _held(db, facts.claim(), me.id)
    resp = browser.post(f"/claims/{claim.id}/edit", {"text": "New words, 5 of them.", "tags": ""})
    assert resp.status_code == 428


def test_lease_renew_and_release(browser: Browser, facts: Facts, db: Session) -> None:
    me = browser.sign_in()
    claim = _held(db, facts.claim(), me.id)
    before = claim.lease_expires_at
    assert (
        browser.post(f"/claims/{claim.id}/lease/renew", {"version": str(claim.version)}).status_code
        == 303
    )
    db.expire_all()
    claim = db.get(Claim, claim.id)  # type: ignore[assignment]
    assert claim.lease_expires_at > before  # type: ignore[operator]
    stale = browser.post(f"/claims/{claim.id}/lease/release", {"version": str(claim.version - 1)})
    assert stale.status_code == 412
    assert (
        browser.post(
            f"/claims/{claim.id}/lease/release", {"version": str(claim.version)}
        ).status_code
        == 303
    )
    db.expire_all()
    assert db.get(Claim, claim.id).assignee_id is None  # type: ignore[union-attr]


def test_someone_elses_lease_cannot_be_released_by_a_fact_checker(
    browser: Browser, facts: Facts, db: Session
) -> None:
    other, _ = browser.users.make()
    claim = _held(db, facts.claim(), other.id)
    browser.sign_in()
    page = browser.page(f"/claims/{claim.id}")
    assert "holds this claim" in page.html and "Release to the queue" not in page.buttons()
    resp = browser.post(f"/claims/{claim.id}/lease/release", {"version": str(claim.version)})
    assert resp.status_code == 403


def test_notes_thread(browser: Browser, facts: Facts, db: Session) -> None:
    me = browser.sign_in()
    claim = facts.claim()
    resp = browser.htmx("post", f"/claims/{claim.id}/notes", {"body": "Call the ministry first."})
    assert resp.status_code == 200 and resp.text.lstrip().startswith('<section id="notes"')
    assert "Call the ministry first." in resp.text
    note = db.scalar(select(Note).where(Note.claim_id == claim.id))
    assert note is not None and note.author_id == me.id
    event = db.scalar(select(Event).where(Event.claim_id == claim.id, Event.kind == "note_added"))
    assert event is not None and event.detail["note_id"] == note.id
    empty = browser.htmx("post", f"/claims/{claim.id}/notes", {"body": "   "})
    assert empty.status_code == 422 and "Add a note" in empty.text
    page = browser.page(f"/claims/{claim.id}")
    assert "Call the ministry first." in page.ids["notes"].text
    assert "Note" in page.ids["claim-history"].text


def test_capture_files(app: Flask, browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    claim = facts.claim()
    _, pending = facts.cite(claim, "alpha.example", status=CaptureStatus.PENDING)
    assert browser.get(f"/captures/{pending.id}/warc").status_code == 409
    assert browser.get(f"/captures/{pending.id}/text").status_code == 409
    with app.app_context():
        key = blob_store().put(b"WARC/1.1\r\n\r\n", suffix=".warc.gz")
    _, archived = facts.cite(claim, "beta.example", warc_key=key, text="The archived words.")
    text = browser.get(f"/captures/{archived.id}/text")
    assert text.status_code == 200 and text.text == "The archived words."
    warc = browser.get(f"/captures/{archived.id}/warc")
    assert warc.status_code == 200 and warc.data == b"WARC/1.1\r\n\r\n"
    assert re.search(r'filename="capture-\d+\.warc\.gz"', warc.headers["Content-Disposition"])
    assert browser.get("/captures/999999/text").status_code == 404


def test_state_reasons_and_failure_in_plain_words(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    claim = facts.claim()
    facts.cite(claim, "alpha.example")
    facts.cite(claim, "gone.example", status=CaptureStatus.FAILED, error_reason="http-404")
    page = browser.page(f"/claims/{claim.id}")
    assert claim.state is ClaimState.SOURCED
    assert "sourced: 1 usable evidence item" in page.html
    assert "could not be archived: the site answered 404 Not Found" in page.html


def test_editor_assigns_from_the_workspace(browser: Browser, facts: Facts, db: Session) -> None:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    browser.sign_in(Role.EDITOR)
    claim = facts.claim()
    page = browser.page(f"/claims/{claim.id}")
    select = page.find("select", name="user_id")[0]
    assert page.label_text(select.get("id")) == "Assign to"
    bad = browser.post(
        f"/claims/{claim.id}/assign", {"user_id": "999999", "version": str(claim.version)}
    )
    assert bad.status_code == 422 and "Choose a person" in bad.text
    assert f'value="{checker.id}"' in bad.text  # the list is still there to choose from
    ok = browser.post(
        f"/claims/{claim.id}/assign", {"user_id": str(checker.id), "version": str(claim.version)}
    )
    assert ok.status_code == 303
    db.expire_all()
    assert db.get(Claim, claim.id).assignee_id == checker.id  # type: ignore[union-attr]


def test_fact_checkers_cannot_assign(browser: Browser, facts: Facts) -> None:
    browser.sign_in(Role.FACT_CHECKER)
    claim = facts.claim()
    assert browser.page(f"/claims/{claim.id}").find("select", name="user_id") == []
    assert browser.post(f"/claims/{claim.id}/assign", {"user_id": ""}).status_code == 403
