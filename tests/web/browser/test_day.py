"""A day at the desk in a real browser, against a live `claimdesk run` with its worker:

a fact-checker signs in, pastes an article, accepts three candidates, takes the next claim,
cites two sources from two hosts, watches them archive and the state become corroborated
without reloading, opens the archived copy, proposes a verdict and sees no Approve button; an
editor signs in, approves it from the inbox and downloads the ClaimReview export. No console
error, no 5xx, every control labelled on every page on the way. And a page whose archived
copy is full of scripts never runs one of them; a correction passes a second editor before
readers see it; an admin adds a colleague and their API token.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import APIRequestContext, Browser, Page, expect

from app.models import Role
from tests.support.hostile_server import QUOTE, HostileServer
from tests.support.processes import wait_for
from tests.web.browser.conftest import (
    WIDTHS,
    Account,
    LiveDesk,
    Watch,
    nav,
    screenshot,
    sign_in,
    sign_out,
)

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


# Every text the download status shows, in order (a MutationObserver keeps each one).
STATUS_RECORDER = """
() => {
  window.__statuses = [];
  const status = document.querySelector('[data-download-status]');
  new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(
    n => window.__statuses.push(n.textContent)))).observe(status, {childList: true});
}
"""


def _fits(page: Page, where: str) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{where} is {wide} px wide at {width} px"


def _both_widths(page: Page, name: str) -> None:
    """Screenshots of the page as it is at a desk's width and a phone's, nothing wider."""
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        _fits(page, name)
        screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def _publish(
    api: APIRequestContext, desk: LiveDesk, web: HostileServer, checker: Account, editor: Account
) -> int:
    """A published fact-check made the way a newsroom's tools would, through the API: a claim,
    two sources from two hosts archived by the desk's worker, a verdict, an editor's approval."""

    def call(who: Account, path: str, body: dict[str, object], status: int) -> dict[str, Any]:
        resp = api.post(
            f"{desk.url}/api/v1{path}",
            headers={"Authorization": f"Bearer {tokens[who.email]}"},
            data=body,
        )
        assert resp.status == status, resp.text()
        answer: dict[str, Any] = resp.json()
        return answer

    def state() -> str:
        headers = {"Authorization": f"Bearer {tokens[checker.email]}"}
        resp = api.get(f"{desk.url}/api/v1/claims/{claim_id}", headers=headers)
        return str(resp.json()["state"])

    tokens = {who.email: desk.token(who) for who in (checker, editor)}
    text = "The council said 12 parks opened in the city in 2025."
    claim_id = int(call(checker, "/claims", {"text": text, "speaker": "The council"}, 201)["id"])
    for host, slug in (("127.0.0.2", "parks-list"), ("127.0.0.3", "parks-map")):
        source = {"url": web.url(f"/article/{slug}", host=host), "stance": "supports"}
        call(checker, f"/claims/{claim_id}/evidence", source, 202)
    wait_for(lambda: state() == "corroborated", timeout=60)
    verdict = {"rating": "mostly-true", "rationale": "The council's list names 12 new parks."}
    call(checker, f"/claims/{claim_id}/verdict", verdict, 201)
    call(editor, f"/claims/{claim_id}/verdict/approve", {"note": "Checked."}, 200)
    return claim_id


def test_a_correction_through_four_eyes(
    live_desk: LiveDesk, chromium: Browser, web: HostileServer
) -> None:
    """An editor proposes a correction of a published fact-check; readers see the published
    verdict until a second editor approves it from the inbox; then the public page shows the
    corrected rating and the correction note."""
    checker = live_desk.account(Role.FACT_CHECKER)
    first, corrector, reviewer = (live_desk.account(Role.EDITOR) for _ in range(3))
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    claim_id = _publish(context.request, live_desk, web, checker, first)
    page = context.new_page()
    watch = Watch(page)
    readers = context.new_page()
    reader_watch = Watch(readers)
    missing: set[str] = set()
    readers.on("response", lambda r: missing.add(r.url) if r.status == 404 else None)

    sign_in(page, live_desk, corrector)
    page.goto(f"{live_desk.url}/claims/{claim_id}")
    public = page.get_by_role("link", name="Public fact-check page")
    public_url = live_desk.url + str(public.get_attribute("href"))
    readers.goto(public_url)
    expect(readers.locator(".verdict")).to_contain_text("Mostly true")

    page.get_by_text("Correct the published verdict").click()
    _labelled(watch, "claim, correction form")
    page.get_by_label("Rating").last.select_option("false")
    page.get_by_label("Summary").last.fill("Only 4 parks opened in 2025; 8 were delayed.")
    page.get_by_label("Correction note").fill(
        "An earlier version counted parks still under construction."
    )
    page.get_by_role("button", name="Propose correction").click()
    expect(page.get_by_text("Correction proposed.")).to_be_visible()
    expect(page.get_by_test_id("published-verdict")).to_contain_text("mostly-true")
    expect(page.get_by_test_id("proposed-verdict")).to_contain_text("Proposed correction")
    expect(page.get_by_text("You proposed this correction")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    screenshot(page, "claim-correction-proposed")
    readers.reload()
    expect(readers.locator(".verdict")).to_contain_text("Mostly true")  # not published yet
    sign_out(page)

    sign_in(page, live_desk, reviewer)
    nav(page, "Inbox")
    item = page.locator(f"#review-{claim_id}")
    expect(item.get_by_test_id("published-verdict")).to_contain_text("mostly-true")
    expect(item.get_by_test_id("proposed-verdict")).to_contain_text("false")
    expect(item).to_contain_text("counted parks still under construction")
    expect(item).to_contain_text(corrector.email.split("@")[0])
    _labelled(watch, "inbox with a correction")
    _both_widths(page, "inbox-correction")
    item.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"Correction on claim {claim_id} approved")).to_be_visible()

    # The evidence package of the corrected fact-check, its progress told while it streams.
    nav(page, "Exports")
    page.evaluate(STATUS_RECORDER)
    with page.expect_download() as download:
        page.get_by_role("link", name="Evidence package").click()
    package = zipfile.ZipFile(download.value.path())
    assert {"manifest.json", "evidence.wacz", "claims.jsonl"} <= set(package.namelist())
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["counts"]["claims"] >= 1 and manifest["counts"]["captures"] >= 2
    expect(page.locator("[data-download-status]")).to_contain_text(
        "Downloaded evidence-package.zip ("
    )
    told = page.evaluate("window.__statuses")
    assert any(re.match(r"Downloading evidence-package\.zip: .+ so far", t) for t in told), told

    readers.reload()
    expect(readers.locator(".verdict")).to_contain_text("False")
    expect(readers.locator(".corrections")).to_contain_text(
        "An earlier version counted parks still under construction."
    )
    reviews = json.loads(readers.locator("script[type='application/ld+json']").inner_text())
    assert reviews["reviewRating"]["alternateName"] == "False"
    assert missing == set()  # not even /favicon.ico: the pages name an empty icon
    assert watch.problems == [] and reader_watch.problems == []
    context.close()


def test_an_admin_adds_a_colleague(live_desk: LiveDesk, chromium: Browser) -> None:
    admin = live_desk.account(Role.ADMIN)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    sign_in(page, live_desk, admin)
    nav(page, "Admin")
    _labelled(watch, "admin")
    page.get_by_label("Email").fill("new.editor@newsroom.test")
    page.get_by_label("Name").fill("Nora Editor")
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Create user").click()
    token = page.get_by_test_id("new-token")
    expect(token).to_contain_text("cd_")
    secret = token.inner_text().strip()
    request = context.request.get(
        f"{live_desk.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert request.ok and request.json()["email"] == "new.editor@newsroom.test"
    _both_widths(page, "admin-token-issued")

    page.get_by_role("link", name="Back to users").click()
    assert secret not in page.content()
    row = page.locator("tr", has_text="new.editor@newsroom.test")
    row.get_by_text("Manage").click()
    _labelled(watch, "admin, managing a user")
    row.get_by_label("Token label").fill("wire bot")
    row.get_by_label("Expires after (days)").fill("30")
    _both_widths(page, "admin-users-manage")
    row.get_by_role("button", name="Issue token").click()
    expect(page.get_by_test_id("new-token")).to_be_visible()
    page.get_by_role("link", name="Back to users").click()

    mine = page.locator("tr", has_text=admin.email)
    mine.get_by_text("Manage").click()
    mine.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("alert")).to_contain_text("the last active admin")
    watch.problems = [p for p in watch.problems if "409" not in p]  # the refusal itself
    assert watch.problems == []
    context.close()
