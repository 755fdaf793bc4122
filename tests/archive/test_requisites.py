"""Fetching a page's requisites from the local publishers: safely, within the budget, into the
page's WARC; a requisite that fails never fails the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.archive.fetch import FetchLimits, fetch
from app.archive.requisites import RequisiteBudget, fetch_requisites
from app.archive.types import FetchResult
from app.archive.warc import build_warc, iter_records
from tests.support.hostile_server import ASSET_IMAGES, HOSTS, HostileServer, font_bytes, png_bytes

ALLOWED = frozenset(HOSTS)
LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, deadline=10)


def page(web: HostileServer, key: str, body: str) -> FetchResult:
    web.set_page(key, f"<!doctype html><html><body>{body}</body></html>".encode())
    return fetch(web.url(f"/mutable/{key}"), allowed_hosts=ALLOWED, limits=LIMITS)


@pytest.fixture()
def loopback() -> Iterator[HostileServer]:
    """A publisher on 127.0.0.1, which is never allow-listed: nothing may reach it."""
    with HostileServer(hosts=("127.0.0.1",)) as server:
        yield server


def test_the_exchange_page_gets_all_its_requisites(web: HostileServer) -> None:
    result = fetch(web.url("/redirect-chain"), allowed_hosts=ALLOWED, limits=LIMITS)
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS)
    assert requisites.failed == []
    other = f"127.0.0.3:{web.ports['127.0.0.3']}"
    fetched = [r.url for r in requisites.fetched]
    assert fetched == [
        web.url("/assets/site.css"),
        web.url("/assets/icon.png"),
        web.url("/assets/print.css"),
        web.url("/assets/photo.png"),
        f"http://{other}/assets/remote.png",  # another site: fetched like any other
        web.url("/assets/dot.png"),
        web.url("/beacon.gif?page=exchange"),
        web.url("/assets/fonts.css"),  # @import in site.css
        web.url("/assets/texture.png"),  # url() in site.css
        web.url("/assets/exchange-serif.ttf"),  # @font-face in fonts.css
        web.url("/assets/photo-2x.png"),  # the srcset alternate comes last
    ]
    by_url = {r.url: r for r in requisites.fetched}
    assert by_url[web.url("/assets/photo.png")].body == png_bytes(*ASSET_IMAGES["photo"])
    assert by_url[web.url("/assets/exchange-serif.ttf")].body == font_bytes()
    assert web.hits["/beacon.gif"] == 1  # the archiver's own fetch; the script's never ran
    assert requisites.size == sum(len(r.raw_body) for r in requisites.fetched)

    data = build_warc(result, requisites=requisites)
    responses = [
        r.rec_headers.get_header("WARC-Target-URI")
        for r in iter_records(data)
        if r.rec_type == "response"
    ]
    assert responses == [result.final_url, *(h.url for h in result.redirects), *fetched]


def test_a_failing_requisite_is_recorded_and_the_rest_still_fetched(
    web: HostileServer,
) -> None:
    result = page(
        web,
        "fails",
        '<img src="/status/404"><img src="/status/503"><img src="/reset">'
        '<img src="/assets/dot.png"><img src="/unknown-encoding">'
        '<img src="/to?url=/assets/icon.png">',
    )
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS)
    assert [(f.url.split("/", 3)[3], f.reason) for f in requisites.failed] == [
        ("status/404", "http-404"),
        ("status/503", "http-503"),
        ("reset", "connection-error"),
        ("unknown-encoding", "bad-encoding"),
    ]
    redirected = requisites.fetched[1]
    assert [r.url for r in requisites.fetched] == [web.url("/assets/dot.png"), redirected.url]
    assert redirected.final_url == web.url("/assets/icon.png")
    # The requisite's redirect is archived too.
    targets = [
        r.rec_headers.get_header("WARC-Target-URI")
        for r in iter_records(build_warc(result, requisites=requisites))
        if r.rec_type == "response"
    ]
    assert targets[-2:] == [redirected.url, redirected.final_url]  # the hop, then its target


def test_private_addresses_are_refused_for_requisites(
    web: HostileServer, loopback: HostileServer
) -> None:
    result = page(
        web,
        "private",
        f'<img src="{loopback.url("/assets/dot.png", host="127.0.0.1")}">'
        '<img src="http://169.254.169.254/latest/meta-data/">'
        '<img src="http://10.0.0.1/x.png">'
        f'<img src="/to?url={loopback.url("/assets/icon.png", host="127.0.0.1")}">'
        '<img src="/assets/dot.png">',
    )
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS)
    assert [f.reason for f in requisites.failed] == ["blocked-address"] * 4
    assert [r.url for r in requisites.fetched] == [web.url("/assets/dot.png")]
    assert sum(loopback.hits.values()) == 0


def test_the_allow_list_is_honoured(web: HostileServer) -> None:
    result = page(
        web,
        "allowlist",
        f'<img src="{web.url("/assets/remote.png", host="127.0.0.3")}"><img src="/assets/dot.png">',
    )
    only_first = frozenset({HOSTS[0]})
    requisites = fetch_requisites(result, allowed_hosts=only_first, limits=LIMITS)
    assert [(f.url, f.reason) for f in requisites.failed] == [
        (web.url("/assets/remote.png", host="127.0.0.3"), "blocked-address")
    ]
    assert [r.url for r in requisites.fetched] == [web.url("/assets/dot.png")]


def test_the_51st_resource_is_not_fetched(web: HostileServer) -> None:
    images = "".join(f'<img src="/bytes/10?n={i}">' for i in range(55))
    result = page(web, "many", images)
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS)
    assert len(requisites.fetched) == 50
    assert [r.url for r in requisites.fetched] == [web.url(f"/bytes/10?n={i}") for i in range(50)]
    assert [(f.url, f.reason) for f in requisites.failed] == [
        (web.url(f"/bytes/10?n={i}"), "budget-resources") for i in range(50, 55)
    ]
    assert web.hits["/bytes/10"] == 50


def test_stylesheet_requisites_share_the_resource_budget(web: HostileServer) -> None:
    result = fetch(web.url("/a/exchange.html"), allowed_hosts=ALLOWED, limits=LIMITS)
    budget = RequisiteBudget(max_resources=8)
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS, budget=budget)
    assert len(requisites.fetched) == 8
    assert {f.reason for f in requisites.failed} == {"budget-resources"}
    assert web.hits["/assets/exchange-serif.ttf"] == 0


def test_the_byte_budget_caps_the_total(web: HostileServer) -> None:
    result = page(
        web,
        "bytes",
        '<img src="/bytes/400?n=1"><img src="/bytes/400?n=2"><img src="/bytes/400?n=3">'
        '<img src="/bytes/100?n=4">',
    )
    budget = RequisiteBudget(max_bytes=1000, workers=1)
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS, budget=budget)
    assert [r.url.rsplit("/", 1)[1] for r in requisites.fetched] == [
        "400?n=1",
        "400?n=2",
        "100?n=4",
    ]
    assert [(f.url.rsplit("/", 1)[1], f.reason) for f in requisites.failed] == [
        ("400?n=3", "budget-bytes")
    ]
    assert requisites.size == 900


def test_a_requisite_larger_than_the_budget_is_cut_early(web: HostileServer) -> None:
    result = page(web, "huge", '<img src="/endless"><img src="/assets/dot.png">')
    budget = RequisiteBudget(max_bytes=200_000)
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS, budget=budget)
    assert [(f.url, f.reason) for f in requisites.failed] == [(web.url("/endless"), "budget-bytes")]
    assert [r.url for r in requisites.fetched] == [web.url("/assets/dot.png")]


def test_the_deadline_bounds_the_requisites(web: HostileServer) -> None:
    result = page(web, "slow", '<img src="/slow/5"><img src="/assets/dot.png">')
    budget = RequisiteBudget(deadline=0.5, workers=1)
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS, budget=budget)
    assert [(f.url, f.reason) for f in requisites.failed] == [
        (web.url("/slow/5"), "timeout"),
        (web.url("/assets/dot.png"), "budget-time"),
    ]
    assert requisites.fetched == [] and web.hits["/assets/dot.png"] == 0


def test_no_deadline_left_fetches_nothing(web: HostileServer) -> None:
    result = fetch(web.url("/a/exchange.html"), allowed_hosts=ALLOWED, limits=LIMITS)
    spent = FetchLimits(deadline=result.elapsed)  # the page used all of it
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=spent)
    assert requisites.fetched == [] and web.hits_under("/assets") == 0
    assert {f.reason for f in requisites.failed} == {"budget-time"}


def test_stylesheets_are_read_only_so_deep(web: HostileServer) -> None:
    result = fetch(web.url("/a/exchange.html"), allowed_hosts=ALLOWED, limits=LIMITS)
    budget = RequisiteBudget(css_depth=0)  # the page's stylesheets, not what they import
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS, budget=budget)
    fetched = {r.url.rsplit("/", 1)[1] for r in requisites.fetched}
    assert {"site.css", "fonts.css", "texture.png"} <= fetched
    assert "exchange-serif.ttf" not in fetched


def test_the_page_itself_is_not_fetched_again(web: HostileServer) -> None:
    result = page(
        web,
        "itself",
        '<img src="/mutable/itself"><img src=""><img src="#top">'
        '<img src="?"><link rel="icon" href="/mutable/itself#icon">',
    )
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS)
    assert requisites.fetched == requisites.failed == []
    assert web.hits["/mutable/itself"] == 1


def test_a_page_with_a_non_ascii_url_still_gets_its_requisites(web: HostileServer) -> None:
    web.set_page("caf%C3%A9", b'<html><body><img src="/assets/dot.png"></body></html>')
    result = fetch(web.url("/mutable/café"), allowed_hosts=ALLOWED, limits=LIMITS)
    requisites = fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS)
    assert requisites.failed == []
    dot = requisites.fetched[0]
    assert ("Referer", web.url("/mutable/caf%C3%A9")) in dot.request_headers


def test_pages_that_are_not_html_have_no_requisites(web: HostileServer) -> None:
    for path in ("/pdf", "/json", "/status/404"):
        result = fetch(web.url(path), allowed_hosts=ALLOWED, limits=LIMITS)
        assert fetch_requisites(result, allowed_hosts=ALLOWED, limits=LIMITS).fetched == []
