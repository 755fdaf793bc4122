"""Restatement suggestions in the claim workspace: listed best first with their relation,
decided with Accept / Reject / Undo (the same service calls as the API), refused beside the
panel when the pair does not exist."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Claim, Event, MatchRelation, Role, SimilarityStatus
from app.web.workspace import RELATION_WORDS
from app.workflow import clusters
from tests.factories import matched_claims
from tests.web.conftest import Browser
from tests.web.html import Page

SCHOOLS = "The ministry says 40 schools in the Riverton region were rebuilt last year."
RESTATED = "Riverton has rebuilt forty of its flooded schools, officials told parents on Monday."
NEGATED = "The 40 schools in the Riverton region were not rebuilt, parents say."


def _status(page: Page, other: Claim) -> str:
    (item,) = page.by_testid(f"suggestion-{other.id}")
    return " ".join(item.text.split())


def _kinds(db: Session, claim: Claim) -> list[str]:
    return list(db.scalars(select(Event.kind).where(Event.claim_id == claim.id)))


def test_suggestions_are_listed_with_their_relation(browser: Browser, db: Session) -> None:
    browser.sign_in()
    first, restated, negated = matched_claims(db, SCHOOLS, RESTATED, NEGATED)
    page = browser.page(f"/claims/{first.id}")
    panel = " ".join(page.ids["similar"].text.split())
    assert "Restatements" in panel
    assert "contradicts this claim" in _status(page, negated)
    assert "may state the same fact" in _status(page, restated)
    assert "Not decided yet." in _status(page, restated)
    # the suggestion shows the other claim, linked, and the buttons a person decides with
    assert ("#" + str(restated.id), f"/claims/{restated.id}") in page.links()
    assert page.buttons().count("Accept") == 2 and page.buttons().count("Reject") == 2
    assert page.unlabelled() == []
    assert not page.find("button", **{"aria-label": f"Undo the decision on #{restated.id}"})


def test_accept_reject_and_undo_from_the_workspace(browser: Browser, db: Session) -> None:
    user = browser.sign_in()
    first, restated = matched_claims(db, SCHOOLS, RESTATED)
    assert restated.cluster_id == restated.id  # a suggestion, not joined by itself
    path = f"/claims/{first.id}/similar/{restated.id}"

    resp = browser.htmx("post", path, {"decision": "confirm"})
    assert resp.status_code == 200
    fragment = Page(resp.text)
    assert "similar" in fragment.ids and "<nav" not in resp.text  # the panel only
    assert f"accepted by {user.name}" in _status(fragment, restated)
    db.refresh(restated)
    assert restated.cluster_id == first.id
    assert "similarity_confirmed" in _kinds(db, first)
    assert "In this claim's cluster" in resp.text

    resp = browser.htmx("post", path, {"decision": "undo"})
    db.refresh(restated)
    assert restated.cluster_id == restated.id
    assert "Not decided yet." in _status(Page(resp.text), restated)

    resp = browser.post(path, {"decision": "reject"})  # without htmx: back to the workspace
    assert resp.status_code == 303 and resp.headers["Location"].endswith(
        f"/claims/{first.id}#similar"
    )
    (pair,) = [p for o, p in clusters.similar(db, first) if o == restated.id]
    assert pair.status is SimilarityStatus.REJECTED and pair.decided_by_id == user.id
    page = browser.page(f"/claims/{first.id}")
    assert f"rejected by {user.name}" in _status(page, restated)
    history = " ".join(page.ids["claim-history"].text.split())
    assert "Restatement rejected" in history and "Restatement accepted" in history


def test_a_pair_never_suggested_is_refused_beside_the_panel(browser: Browser, db: Session) -> None:
    browser.sign_in()
    first, unrelated = matched_claims(db, SCHOOLS, "The herring quota was raised by 18% this year.")
    path = f"/claims/{first.id}/similar/{unrelated.id}"
    resp = browser.htmx("post", path, {"decision": "confirm"})
    assert resp.status_code == 409
    assert "not a suggested restatement pair" in resp.text
    assert browser.htmx("post", path, {"decision": "merge"}).status_code == 422
    assert (
        browser.post(f"/claims/{first.id}/similar/2147483647", {"decision": "confirm"}).status_code
        == 404
    )
    db.refresh(unrelated)
    assert unrelated.cluster_id == unrelated.id


def test_deciding_needs_a_signed_in_fact_checker(
    browser: Browser, second_browser: Browser, db: Session
) -> None:
    first, restated = matched_claims(db, SCHOOLS, RESTATED)
    path = f"/claims/{first.id}/similar/{restated.id}"
    browser.sign_in(Role.FACT_CHECKER)
    anonymous = second_browser.client.post(path, data={"decision": "confirm"})
    assert anonymous.status_code in (302, 303, 400, 401, 403)
    db.refresh(restated)
    assert restated.cluster_id == restated.id


def test_every_relation_has_words_for_the_panel() -> None:
    assert set(RELATION_WORDS) == {r.value for r in MatchRelation}
