"""The queue page: the list, the fragment for htmx, Take next claim, bulk actions by role."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Claim, Event, Role
from tests.web.conftest import Browser, Facts
from tests.web.html import Page


def test_queue_lists_mine_first_and_offers_take_next(
    browser: Browser, facts: Facts, db: Session
) -> None:
    me = browser.sign_in()
    free = facts.claim("Imports fell 9 percent in May.", priority=0.9)
    mine = facts.claim("Prices rose 1 percent in July.", priority=0.1)
    mine.assignee_id, mine.lease_expires_at = me.id, utcnow() + timedelta(minutes=9)
    db.flush()
    page = browser.page("/queue")
    assert "Take next claim" in page.buttons()
    ids = [href for _, href in page.links() if href.startswith("/claims/")]
    assert ids.index(f"/claims/{mine.id}") < ids.index(f"/claims/{free.id}")
    assert "Your claims" in page.html and "Open queue" in page.html
    boxes = page.find("input", type="checkbox", name="claim")
    assert {b.get("value") for b in boxes} == {str(free.id), str(mine.id)}
    for box in boxes:  # each checkbox is named by its claim's text
        label = page.ids[box.get("aria-labelledby")]
        assert label.text.strip() in (free.text, mine.text)


def test_htmx_gets_the_results_fragment(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    claim = facts.claim("The port handled 20 ships in March.", tags=["ports"])
    facts.claim("The mayor said 3 bridges were repaired.")
    resp = browser.htmx("get", "/queue?tag=ports")
    assert resp.status_code == 200 and "HX-Request" in resp.headers["Vary"]
    assert resp.text.lstrip().startswith('<div id="queue-results">')
    assert "<html" not in resp.text and claim.text in resp.text
    assert "3 bridges" not in resp.text
    full = browser.get("/queue?tag=ports")
    assert "<html" in full.text and 'value="ports"' in full.text


def test_take_next_opens_the_claim_under_a_lease(
    browser: Browser, facts: Facts, db: Session
) -> None:
    me = browser.sign_in()
    low = facts.claim("Exports rose 2 percent in May.", priority=0.2)
    high = facts.claim("Imports fell 9 percent in May.", priority=0.9)
    resp = browser.post("/queue/next")
    assert resp.status_code == 303 and resp.headers["Location"] == f"/claims/{high.id}"
    db.expire_all()
    assert db.get(Claim, high.id).assignee_id == me.id  # type: ignore[union-attr]
    assert db.get(Claim, low.id).assignee_id is None  # type: ignore[union-attr]
    page = browser.page(f"/claims/{high.id}")
    assert "You hold this claim" in page.html and "Renew lease" in page.buttons()


def test_take_next_on_an_empty_queue_says_so(browser: Browser) -> None:
    browser.sign_in()
    resp = browser.post("/queue/next")
    assert resp.status_code == 200 and "The queue is empty" in resp.text


def test_unknown_filters_and_cursors_do_not_break_the_page(browser: Browser, facts: Facts) -> None:
    browser.sign_in()
    facts.claim()
    assert browser.get("/queue?state=bogus&verdict=x&document=abc").status_code == 200
    refused = browser.get("/queue?q=%00")  # text that cannot be stored or searched
    assert refused.status_code == 422 and "NUL" in refused.text
    resp = browser.get("/queue?cursor=garbage")
    assert resp.status_code == 200 and "not a cursor" in resp.text


def test_bulk_tag_by_an_editor(browser: Browser, facts: Facts, db: Session) -> None:
    browser.sign_in(Role.EDITOR)
    a = facts.claim("Exports rose 2 percent in May.", tags=["trade"])
    b = facts.claim("Imports fell 9 percent in May.")
    resp = browser.post(
        "/queue/bulk", {"claim": [a.id, b.id], "action": "tag", "bulk-tag": "trade, May"}
    )
    assert resp.status_code == 303
    db.expire_all()
    assert db.get(Claim, a.id).tags == ["trade", "May"]  # type: ignore[union-attr]
    assert db.get(Claim, b.id).tags == ["trade", "May"]  # type: ignore[union-attr]
    assert "Tagged" in browser.page("/queue").html


def test_bulk_tag_by_a_fact_checker_only_touches_their_own_claims(
    browser: Browser, facts: Facts, db: Session
) -> None:
    me = browser.sign_in()
    mine = facts.claim("Exports rose 2 percent in May.")
    mine.assignee_id, mine.lease_expires_at = me.id, utcnow() + timedelta(minutes=9)
    theirs = facts.claim("Imports fell 9 percent in May.")
    db.flush()
    browser.post("/queue/bulk", {"claim": [mine.id, theirs.id], "action": "tag", "bulk-tag": "x"})
    db.expire_all()
    assert db.get(Claim, mine.id).tags == ["x"]  # type: ignore[union-attr]
    assert db.get(Claim, theirs.id).tags == []  # type: ignore[union-attr]
    page = browser.page("/queue").html
    assert "Tagged" in page and "Only the fact-checker holding claim" in page


def test_bulk_assign_is_for_editors(
    browser: Browser, second_browser: Browser, facts: Facts, db: Session
) -> None:
    checker = browser.sign_in(Role.FACT_CHECKER)
    claim = facts.claim()
    assert "Assign" not in browser.page("/queue").buttons()
    refused = browser.post(
        "/queue/bulk", {"claim": [claim.id], "action": "assign", "bulk-assignee": str(checker.id)}
    )
    assert refused.status_code == 403
    second_browser.sign_in(Role.EDITOR)
    assert "Assign" in second_browser.page("/queue").buttons()
    done = second_browser.post(
        "/queue/bulk", {"claim": [claim.id], "action": "assign", "bulk-assignee": str(checker.id)}
    )
    assert done.status_code == 303
    db.expire_all()
    assert db.get(Claim, claim.id).assignee_id == checker.id  # type: ignore[union-attr]
    assert db.scalar(select(Event.kind).where(Event.claim_id == claim.id, Event.kind == "assigned"))


def test_bulk_export_of_the_selection(browser: Browser, facts: Facts, db: Session) -> None:
    checker = browser.sign_in()
    editor, _ = browser.users.make(Role.EDITOR)
    verified = facts.corroborated("The council said 12 parks opened in 2025.")
    facts.published(verified, checker, editor, rating="true")
    other_verified = facts.corroborated("The port said 20 ships docked in 2025.")
    facts.published(other_verified, checker, editor, rating="false")
    open_claim = facts.claim()
    db.flush()
    resp = browser.post(
        "/queue/bulk",
        {
            "claim": [verified.id, open_claim.id],
            "action": "export",
            "bulk-export_format": "claimreview",
        },
    )
    assert resp.status_code == 200
    assert (
        resp.headers["Content-Disposition"] == 'attachment; filename="selection-claimreview.json"'
    )
    reviews = json.loads(resp.text)
    assert [r["claimReviewed"] for r in reviews] == [verified.text]  # the other one was not picked
    assert resp.headers["X-Claimdesk-Skipped"] == str(open_claim.id)
    nothing = browser.post(
        "/queue/bulk",
        {"claim": [open_claim.id], "action": "export", "bulk-export_format": "claims.csv"},
    )
    assert nothing.status_code == 409 and "nothing to export" in nothing.text


def test_bulk_needs_a_selection(browser: Browser) -> None:
    browser.sign_in()
    resp = browser.post("/queue/bulk", {"action": "tag", "bulk-tag": "x"})
    assert resp.status_code == 422 and "Select at least one claim" in resp.text
    assert Page(resp.text).unlabelled() == []
