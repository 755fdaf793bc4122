"""A day at the desk in a real browser, against a live `claimdesk run` with its worker:

a fact-checker signs in, pastes an article, accepts three candidates, takes the next claim,
cites two sources from two hosts, watches them archive and the state become corroborated
without reloading, opens the archived copy, proposes a verdict and sees no Approve button; an
editor signs in, approves it from the inbox and downloads the ClaimReview export. No console
error, no 5xx, every control labelled on every page on the way. And a page whose archived
copy is full of scripts never runs one of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from app.models import Role
from tests.support.hostile_server import QUOTE, HostileServer
from tests.web.browser.conftest import LiveDesk, Watch, nav, screenshot, sign_in, sign_out

ARTICLE = """\
By Staff Reporter | Share on Facebook

The minister told parliament on Tuesday that 40 schools in the region were rebuilt last year.

The opposition leader replied that unemployment in the region had doubled since 2022.

Some parents think the buildings were rushed.

The ministry said the new schools will take 12,000 pupils by September.

Read more: subscribe for 1 euro a month
"""
CHOSEN = (
    "The minister told parliament on Tuesday that 40 schools in the region were rebuilt last year.",
    "The opposition leader replied that unemployment in the region had doubled since 2022.",
    "The ministry said the new schools will take 12,000 pupils by September.",
)


def _labelled(watch: Watch, where: str) -> None:
    assert watch.unlabelled() == [], where


def test_a_day_at_the_desk(live_desk: LiveDesk, chromium: Browser, web: HostileServer) -> None:
    checker = live_desk.account(Role.FACT_CHECKER)
    editor = live_desk.account(Role.EDITOR)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    watch = Watch(page)

    # --- the fact-checker -----------------------------------------------------------------
    sign_in(page, live_desk, checker)
    nav(page, "Ingest")
    _labelled(watch, "ingest")
    page.get_by_label("Title").fill("Schools and jobs")
    page.get_by_label("Text").fill(ARTICLE)
    page.get_by_role("button", name="Extract claims").click()
    page.wait_for_url(re.compile(r".*/documents/\d+$"))
    _labelled(watch, "document")
    for sentence in CHOSEN:
        page.get_by_label(sentence).check()
    page.get_by_role("button", name="Accept selected").click()
    expect(page.get_by_text("3 claims are in the queue")).to_be_visible()

    nav(page, "Queue")
    _labelled(watch, "queue")
    expect(page.locator("tr[data-row]")).to_have_count(3)
    page.get_by_role("button", name="Take next claim").click()
    page.wait_for_url(re.compile(r".*/claims/\d+$"))
    claim_id = int(page.url.rsplit("/", 1)[1])
    claim_text = page.locator(".claim-quote").inner_text()
    assert claim_text in CHOSEN
    expect(page.get_by_test_id("claim-state")).to_have_text("submitted")
    _labelled(watch, "claim")

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads or navigates
    # A refusal comes back beside the form (htmx swaps the 422 in), with what was typed.
    page.get_by_label("Source URL").fill("ftp://files.example.org/report.pdf")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence-form .error")).to_contain_text("url")
    expect(page.get_by_label("Source URL")).to_have_value("ftp://files.example.org/report.pdf")
    refused = [p for p in watch.problems if "status of 422" in p]
    assert len(refused) == 1  # the browser logs the refused request; nothing else went wrong
    watch.problems.remove(refused[0])
    page.get_by_label("Source URL").fill(web.url("/article/day-one", host="127.0.0.2"))
    page.get_by_label("Stance").select_option("supports")
    page.get_by_label("Quote").fill(QUOTE)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#claim-live")).to_contain_text("127.0.0.2")
    expect(page.get_by_label("Source URL")).to_have_value("")  # a fresh form for the next
    page.get_by_label("Source URL").fill(web.url("/second", host="127.0.0.3"))
    page.get_by_label("Stance").select_option("supports")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#claim-live")).to_contain_text("127.0.0.3")

    # The worker archives both; the page follows by itself.
    expect(page.get_by_test_id("claim-state")).to_have_text("corroborated", timeout=60_000)
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    expect(page.locator("#state-announce")).to_have_text("The claim is now corroborated.")
    expect(page.get_by_test_id("capture-status").filter(has_text="archived")).to_have_count(2)
    expect(page.locator("#claim-live")).not_to_have_attribute("hx-trigger", "every 1s")
    expect(page.get_by_text("found in the archived text")).to_be_visible()
    screenshot(page, "claim-corroborated")
    _labelled(watch, "claim, corroborated")

    with context.expect_page() as opened:
        page.get_by_role("link", name="Archived copy").first.click()
    archived = opened.value
    archived.wait_for_load_state()
    assert "Report day-one" in archived.content()
    assert archived.evaluate("window.origin") == "null"  # sandboxed: not claimdesk's origin
    archived.close()

    expect(page.get_by_role("button", name="Propose verdict")).to_be_visible()
    page.get_by_label("Rating").select_option("true")
    page.get_by_label("Summary").fill("Two independent publishers confirm it, quote checked.")
    page.get_by_role("button", name="Propose verdict").click()
    expect(page.get_by_text("You proposed this verdict")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    _labelled(watch, "claim, proposed")
    sign_out(page)

    # --- the editor -----------------------------------------------------------------------
    sign_in(page, live_desk, editor)
    nav(page, "Inbox")
    _labelled(watch, "inbox")
    item = page.locator(f"#review-{claim_id}")
    expect(item).to_contain_text(claim_text)
    expect(item).to_contain_text("corroborated: supported by 2 distinct publishers")
    screenshot(page, "inbox-awaiting")
    item.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("approved: the claim is verified")).to_be_visible()

    nav(page, "Exports")
    _labelled(watch, "exports")
    with page.expect_download() as download:
        page.get_by_role("link", name="ClaimReview").click()
    saved = download.value
    assert saved.suggested_filename == "claimreview.json"
    reviews = json.loads(Path(saved.path()).read_text(encoding="utf-8"))
    assert [r["claimReviewed"] for r in reviews] == [claim_text]
    assert reviews[0]["reviewRating"]["alternateName"] == "True"
    assert reviews[0]["url"].startswith(f"{live_desk.url}/fact-checks/{claim_id}-")

    assert watch.problems == []
    context.close()


def test_scripts_in_an_archived_source_never_run(
    live_desk: LiveDesk, chromium: Browser, web: HostileServer
) -> None:
    checker = live_desk.account(Role.FACT_CHECKER)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    dialogs: list[str] = []
    context.on("page", lambda p: p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_desk, checker)
    nav(page, "Ingest")
    page.get_by_label("Title").fill("Scripted")
    page.get_by_label("Text").fill("The port authority said 20 ships docked in March 2026.\n")
    page.get_by_role("button", name="Extract claims").click()
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Accept selected").click()
    page.get_by_role("link", name=re.compile(r"claim #\d+")).first.click()
    page.get_by_label("Source URL").fill(web.url("/scripted", host="127.0.0.2"))
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("link", name="Archived copy")).to_be_visible(timeout=60_000)

    with context.expect_page() as opened:
        page.get_by_role("link", name="Archived copy").click()
    archived: Page = opened.value
    archived.wait_for_load_state()
    assert "Report scripted" in archived.content()
    assert archived.evaluate("typeof window.pwned") == "undefined"
    assert archived.title() != "pwned"
    assert archived.evaluate("window.origin") == "null"
    assert archived.locator("script").count() == 0 and archived.locator("iframe").count() == 0
    assert dialogs == []
    # claimdesk's own page is untouched by what the archived page tried.
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert watch.problems == []
    context.close()
