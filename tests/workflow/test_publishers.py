"""Publishers: registrable domains from the bundled Public Suffix List, offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.workflow.publishers import _extractor, publisher_of

REPO = Path(__file__).resolve().parents[2]
# "www.example.com" in full-width forms (U+FF01..FF5E mirror ASCII 0x21..0x7E).
FULL_WIDTH_HOST = "".join(chr(ord(c) + 0xFEE0) for c in "www.example.com")


@pytest.mark.parametrize(
    ("given_", "publisher"),
    [
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("https://News.BBC.co.uk:8443/1/hi/x.stm?a=1#top", "bbc.co.uk"),
        ("http://user:secret@www.reuters.com/world", "reuters.com"),
        ("www.example.com.", "example.com"),  # fully qualified, trailing dot
        ("bbc.co.uk/news", "bbc.co.uk"),  # host and path without a scheme
        ("forums.example.com:8080", "example.com"),
        ("a.b.c.example.org", "example.org"),
        # No registrable domain: the host itself.
        ("localhost", "localhost"),
        ("http://intranet:8080/wiki", "intranet"),
        ("wiki.corp", "wiki.corp"),  # not a public suffix
        ("co.uk", "co.uk"),  # a bare public suffix
        ("127.0.0.2", "127.0.0.2"),
        ("http://10.1.2.3:5000/x", "10.1.2.3"),
        ("http://[2001:DB8::0001]:8080/x", "2001:db8::1"),
        ("::1", "::1"),
        # Private suffixes count as suffixes: each blog is its own publisher.
        ("alice.blogspot.com", "alice.blogspot.com"),
        ("https://www.alice.blogspot.com/2024/01/post.html", "alice.blogspot.com"),
        ("someone.github.io", "someone.github.io"),
        # IDN: A-labels out, whichever form came in.
        ("bücher.de", "xn--bcher-kva.de"),
        ("https://WWW.BÜCHER.de/", "xn--bcher-kva.de"),
        ("www.xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("новости.пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("http://例子.中国/", "xn--fsqu00a.xn--fiqs8s"),
        (FULL_WIDTH_HOST, "example.com"),  # full-width, as typed with some input methods
    ],
)
def test_publisher_of(given_: str, publisher: str) -> None:
    assert publisher_of(given_) == publisher


@pytest.mark.parametrize("no_host", ["", "   ", "http://", "/just/a/path", "https:///x"])
def test_no_host_is_an_error(no_host: str) -> None:
    with pytest.raises(ValueError, match="no host"):
        publisher_of(no_host)


label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
suffix = st.sampled_from(["com", "co.uk", "org", "de", "com.au", "blogspot.com", "xn--p1ai"])


@given(st.lists(label, max_size=3), label, suffix)
def test_subdomains_belong_to_their_registrable_domain(
    subdomains: list[str], name: str, tld: str
) -> None:
    domain = f"{name}.{tld}"
    # Some generated names make a longer suffix themselves ("de" + "com" is CentralNic's
    # de.com): such a domain has no registrable part of its own, which the fixed cases cover.
    assume(_extractor()(domain).suffix == tld)
    host = ".".join([*subdomains, domain])
    assert publisher_of(host) == domain
    assert publisher_of(domain) == domain


@given(st.lists(label, min_size=1, max_size=4), suffix, st.integers(1, 65535), st.booleans())
def test_case_port_dot_and_scheme_do_not_change_the_publisher(
    labels: list[str], tld: str, port: int, https: bool
) -> None:
    host = ".".join([*labels, tld])
    expected = publisher_of(host)
    scheme = "https" if https else "http"
    assert publisher_of(f"{scheme}://{host.upper()}.:{port}/path?q=1") == expected
    assert publisher_of(f"{host}:{port}") == expected
    assert publisher_of(expected) == expected  # a publisher is its own publisher
    assert expected == expected.lower() and expected.isascii()


@given(st.ip_addresses())
def test_an_ip_address_is_its_own_publisher(ip: object) -> None:
    text = str(ip)
    assert publisher_of(text) == text
    url_host = f"[{text}]" if ":" in text else text
    assert publisher_of(f"http://{url_host}:8080/x") == text


def test_offline_lazy_and_no_cache_file(tmp_path: Path) -> None:
    """In a fresh interpreter whose sockets are booby-trapped and whose tldextract cache and
    suffix-list URL are pointed at places we watch: the extractor is not built at import, and
    using it opens no connection and writes no cache."""
    cache = tmp_path / "tldextract-cache"
    script = textwrap.dedent(
        """
        import json, socket
        attempts = []
        def refuse(self, address):
            attempts.append(str(address))
            raise OSError("network use is not allowed here")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        from app.workflow import publishers
        built_at_import = publishers._extractor.cache_info().currsize
        answers = [publishers.publisher_of(h) for h in ("news.bbc.co.uk", "x.blogspot.com")]
        print(json.dumps({"built_at_import": built_at_import, "answers": answers,
                          "attempts": attempts,
                          "built": publishers._extractor.cache_info().currsize}))
        """
    )
    env = {
        **os.environ,
        "TLDEXTRACT_CACHE": str(cache),
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "HOME": str(tmp_path / "home"),
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "http://127.0.0.9:9/public_suffix_list.dat",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["built_at_import"] == 0
    assert report["built"] == 1
    assert report["answers"] == ["bbc.co.uk", "x.blogspot.com"]
    assert report["attempts"] == []
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []
