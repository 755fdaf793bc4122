"""URL normalisation for Source rows."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.archive.urls import ascii_host, host_of, normalise_url


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("HTTP://Example.COM:80/a?utm_source=x&b=2&a=1#frag", "http://example.com/a?b=2&a=1"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org?", "https://example.org/"),
        ("https://example.org:443/x?fbclid=1&gclid=2", "https://example.org/x"),
        ("http://example.org:443/", "http://example.org:443/"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
        ("https://example.org./x", "https://example.org/x"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("https://BÜCHER.de/", "https://xn--bcher-kva.de/"),
        ("https://faß.de/", "https://xn--fa-hia.de/"),  # IDNA 2008, as browsers do: no "ss"
        ("  https://example.org/a%20b  ", "https://example.org/a%20b"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/ünï", "https://example.org/%C3%BCn%C3%AF"),
        ("https://example.org/%7euser/%41", "https://example.org/~user/A"),
        ("https://example.org/a%2fb%3f", "https://example.org/a%2Fb%3F"),  # meaning kept
        ("https://example.org/a/./b/../c", "https://example.org/a/c"),
        ("https://example.org/a/..", "https://example.org/"),
        ("https://user:secret@example.org/", "https://example.org/"),
        ("http://[2001:DB8::0001]:8080/", "http://[2001:db8::1]:8080/"),
        ("http://127.0.0.2:5000/x", "http://127.0.0.2:5000/x"),
        ("https://my_host.example.com/", "https://my_host.example.com/"),
        (
            "https://x.org/?b=1&UTM_Campaign=z&a=&c&mc_cid=1&mc_eid=2&ref_src=tw&id=7",
            "https://x.org/?b=1&a=&c&id=7",
        ),
        ("https://x.org/?q=a+b&r=%e2%82%ac", "https://x.org/?q=a+b&r=%E2%82%AC"),
        ("https://x.org/?a=1&&b=2", "https://x.org/?a=1&b=2"),
        ("https://x.org/?next=%2Fhome%3Fa%3D1", "https://x.org/?next=%2Fhome%3Fa%3D1"),
        ("https://x.org/?utm%5Fsource=x&k=v", "https://x.org/?k=v"),
    ],
)
def test_normalise_url(raw: str, normal: str) -> None:
    assert normalise_url(raw) == normal


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ftp://x.org/", "'ftp'"),
        ("file:///etc/passwd", "'file'"),
        ("javascript:alert(1)", "'javascript'"),
        ("mailto:a@b.org", "'mailto'"),
        ("/relative/path", "without scheme"),
        ("example.org/path", "without scheme"),
        ("http://", "no host"),
        ("https:///path", "no host"),
        ("http://x.org:99999/", "invalid port"),
        ("http://x.org:port/", "invalid port"),
        ("http://a b.org/", "not a valid host"),
        ("http://a..b.org/", "not a valid host"),
        ("http://-a.org/", "not a valid host"),
        ("http://" + "a" * 64 + ".org/", "not a valid host"),
    ],
)
def test_unarchivable_urls_are_refused_with_a_reason(bad: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_url(bad)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://News.Example.org:8443/a", "news.example.org"),
        ("https://bücher.de/x", "xn--bcher-kva.de"),
        ("http://[::1]:8080/", "::1"),
        ("http://127.0.0.2/", "127.0.0.2"),
        ("https://example.org./", "example.org"),
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host == urlsplit(normalise_url(url)).hostname


def test_host_of_refuses_what_cannot_be_archived() -> None:
    with pytest.raises(ValueError):
        host_of("mailto:someone@example.org")


def test_ascii_host() -> None:
    assert ascii_host("Bücher.DE.") == "xn--bcher-kva.de"
    assert ascii_host("::FFFF:7F00:1") == "::ffff:7f00:1"
    with pytest.raises(ValueError):
        ascii_host("")


# --- properties -------------------------------------------------------------------------------

HOSTS = st.sampled_from(
    ["example.org", "EXAMPLE.COM", "bücher.de", "xn--bcher-kva.de", "[::1]", "127.0.0.1", "a_b.io"]
)
# Escapes and dot segments are where normalisers go wrong (double decoding, "%2F" -> "/").
TRICKY = st.sampled_from(
    ["%25", "%2525", "%2F", "%2f", "%7e", "%41", "%", "%zz", "%C3%A9", "/", "./", "../"]
)
PATH_TEXT = st.lists(
    st.one_of(
        st.characters(exclude_categories=["Cs"], exclude_characters="#?\\"),
        TRICKY,
    ),
    max_size=12,
).map("".join)
QUERY_TEXT = st.lists(
    st.one_of(
        st.characters(exclude_categories=["Cs"], exclude_characters="#&=\\"),
        TRICKY,
        st.just("+"),
    ),
    max_size=6,
).map("".join)
NAMES = st.one_of(st.sampled_from(["utm_source", "UTM_medium", "fbclid", "gclid", "q"]), QUERY_TEXT)


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A messy URL, and the parameter names it carries in order."""
    scheme = draw(st.sampled_from(["http", "HTTPS", "https"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    params = draw(st.lists(st.tuples(NAMES, QUERY_TEXT), max_size=4))
    query = "&".join(f"{k}={v}" for k, v in params)
    fragment = draw(st.sampled_from(["", "#top", "#a?b=c"]))
    url = f"{scheme}://{draw(HOSTS)}{port}/{draw(PATH_TEXT)}" + (f"?{query}" if query else "")
    return url + fragment, [k for k, _ in params]


@given(urls())
def test_normalisation_is_idempotent(case: tuple[str, list[str]]) -> None:
    url, _ = case
    once = normalise_url(url)
    assert normalise_url(once) == once


@given(urls())
def test_normal_form_is_clean(case: tuple[str, list[str]]) -> None:
    url, _ = case
    normal = normalise_url(url)
    parts = urlsplit(normal)
    assert normal.isascii() and " " not in normal
    assert parts.scheme in ("http", "https") and parts.fragment == "" and parts.path
    assert parts.port not in (80, 443) or (parts.scheme, parts.port) in (
        ("http", 443),
        ("https", 80),
    )
    names = [piece.split("=", 1)[0].lower() for piece in parts.query.split("&") if piece]
    assert not any(n.startswith("utm_") or n in ("fbclid", "gclid") for n in names)


@given(st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=1, max_size=6, unique=True))
def test_other_parameters_keep_their_order(names: list[str]) -> None:
    query = "&".join(f"{name}=1&utm_x{i}=2" for i, name in enumerate(names))
    normal = normalise_url(f"https://example.org/p?{query}")
    assert urlsplit(normal).query == "&".join(f"{name}=1" for name in names)


@given(st.text(max_size=60))
def test_any_text_normalises_or_says_why(text: str) -> None:
    try:
        normal = normalise_url(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert normalise_url(normal) == normal
