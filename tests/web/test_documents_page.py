"""Ingest in the browser: paste or upload an article, see its candidates highlighted and
labelled by their sentences, accept the chosen ones as claims."""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Claim, Document, Event
from tests.web.conftest import Browser

ARTICLE = (
    "By Staff Reporter | Share on Facebook\n\n"
    "The education minister told parliament on Tuesday that 40 schools in the region were "
    "rebuilt last year.\n\n"
    "The opposition leader replied that unemployment in the region had doubled since 2022.\n\n"
    "Some parents think the buildings were rushed.\n\n"
    "The ministry said the new schools will take 12,000 pupils by September.\n"
)


def test_the_form_names(browser: Browser) -> None:
    browser.sign_in()
    page = browser.page("/documents/new")
    assert page.label_text("title") == "Title" and page.label_text("text") == "Text"
    assert "Extract claims" in page.buttons()
    assert page.find("form", enctype="multipart/form-data")


def _ingest(browser: Browser, **data: object) -> str:
    resp = browser.post("/documents/new", {"title": "Schools and jobs", "text": ARTICLE, **data})
    assert resp.status_code == 303, resp.text
    return resp.headers["Location"]


def test_extract_then_accept_selected(browser: Browser, db: Session) -> None:
    me = browser.sign_in()
    location = _ingest(browser, url="https://news.example.org/a", published_at="2026-11-18")
    page = browser.page(location)
    boxes = page.find("input", type="checkbox", name="candidate")
    sentences = [page.label_text(b.get("id")) for b in boxes]
    assert len(sentences) == 3 and all(s in ARTICLE for s in sentences)
    assert "Some parents think" not in " ".join(sentences)  # opinion, not a claim
    assert "Share on Facebook" not in " ".join(sentences)  # scraped noise
    assert {m.text for m in page.find("mark")} == set(sentences)  # highlighted in the text
    why = page.ids[boxes[0].get("aria-describedby")].text
    assert "score" in why
    assert "Accept selected" in page.buttons()
    document = db.scalar(select(Document))
    assert document is not None and document.url == "https://news.example.org/a"
    assert document.published_at is not None and document.published_at.isoformat() == "2026-11-18"

    chosen = [boxes[0].get("value"), boxes[2].get("value")]
    resp = browser.post(f"/documents/{document.id}/claims", {"candidate": chosen})
    assert resp.status_code == 303
    claims = db.scalars(select(Claim).order_by(Claim.id)).all()
    assert {c.text for c in claims} == {sentences[0], sentences[2]}
    for claim in claims:
        assert ARTICLE[claim.span_start : claim.span_end] == claim.text  # type: ignore[misc]
        assert claim.created_by_id == me.id
    assert db.scalar(select(Event.kind).where(Event.kind == "accepted_from_document"))
    after = browser.page(f"/documents/{document.id}")
    assert len(after.find("input", type="checkbox", name="candidate")) == 1  # one left to pick
    assert "already" in after.html and f"/claims/{claims[0].id}" in after.html


def test_upload_a_text_file(browser: Browser, db: Session) -> None:
    browser.sign_in()
    resp = browser.post(
        "/documents/new",
        {"title": "Uploaded", "text": "", "file": (io.BytesIO(ARTICLE.encode("utf-8")), "a.txt")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303
    document = db.scalar(select(Document))
    assert document is not None and document.text == ARTICLE


def test_bad_input_is_refused_beside_the_form(browser: Browser, db: Session) -> None:
    browser.sign_in()
    empty = browser.post("/documents/new", {"title": "Nothing", "text": "   "})
    assert empty.status_code == 422 and "paste the article" in empty.text
    untitled = browser.post("/documents/new", {"title": "", "text": ARTICLE})
    assert untitled.status_code == 422 and "This field is required" in untitled.text
    nul = browser.post("/documents/new", {"title": "NUL", "text": "40 schools\x00 were rebuilt."})
    assert nul.status_code == 422 and "NUL" in nul.text
    binary = browser.post(
        "/documents/new",
        {"title": "Bin", "file": (io.BytesIO(b"\xff\xfe\x00bad"), "a.txt")},
        content_type="multipart/form-data",
    )
    assert binary.status_code == 422 and "UTF-8" in binary.text
    assert db.scalar(select(Document)) is None


def test_accept_needs_a_choice_and_a_real_candidate(browser: Browser, db: Session) -> None:
    browser.sign_in()
    location = _ingest(browser)
    document_id = int(location.rsplit("/", 1)[1])
    none = browser.post(f"/documents/{document_id}/claims", {})
    assert none.status_code == 422 and "Tick at least one candidate" in none.text
    bogus = browser.post(f"/documents/{document_id}/claims", {"candidate": ["99"]})
    assert bogus.status_code == 422 and "no candidate 99" in bogus.text
    assert db.scalar(select(Claim)) is None


def test_the_same_article_twice_is_one_document(browser: Browser, db: Session) -> None:
    browser.sign_in()
    first = _ingest(browser)
    second = _ingest(browser)
    assert first == second
    assert "already in" in browser.page(second).html
    assert len(db.scalars(select(Document)).all()) == 1
    assert "Schools and jobs" in browser.page("/documents").html
