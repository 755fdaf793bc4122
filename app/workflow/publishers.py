"""Who published a source: its registrable domain, or the host itself where there is none.

Public interface::

    publisher_of(url_or_host: str) -> str

``news.bbc.co.uk`` → ``bbc.co.uk``; ``https://WWW.BBC.co.uk:443/x`` → ``bbc.co.uk``; an IP
address or a name under no public suffix (``localhost``, ``intranet``, ``wiki.corp``) → the
host itself. The answer is lower-case ASCII: IDN hosts come back as A-labels
(``bücher.de`` → ``xn--bcher-kva.de``), so a Unicode and a punycode citation of one site agree.
ValueError when there is no host at all.

The Public Suffix List is the snapshot bundled with tldextract: no network call and no cache
file, so claimdesk works offline and every machine splits hosts the same way (the corroboration
rule depends on it). Upgrading tldextract is how the list gets refreshed.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from urllib.parse import urlsplit

import idna
import tldextract


@cache
def _extractor() -> tldextract.TLDExtract:
    # Built on first use, not at import: loading the list costs ~tens of ms.
    return tldextract.TLDExtract(
        suffix_list_urls=(),  # never fetch (also overrides TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS)
        cache_dir=None,  # never read or write a cache file
        fallback_to_snapshot=True,
        # Private suffixes (blogspot.com, github.io, substack.com...) count as suffixes: two
        # blogs on one platform are two publishers, and treating the platform as the publisher
        # would let one blogger's second blog "corroborate" another's.
        include_psl_private_domains=True,
    )


def _ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))  # canonical form: "::0001" and "::1" agree
    except ValueError:
        return None


def _host(url_or_host: str) -> str:
    value = url_or_host.strip()
    if _ip(value.strip("[]")) is not None:  # a bare IPv6 literal would confuse urlsplit
        return value.strip("[]")
    # A bare host ("news.bbc.co.uk:8080/x", "user@host") parses as a network location too.
    parts = urlsplit(value if "://" in value else f"//{value}")
    return (parts.hostname or "").rstrip(".")


def _ascii(host: str) -> str:
    if host.isascii():
        return host.lower()
    try:
        # IDNA 2008 with UTS 46 mapping (case folding, full-width dots) as browsers do.
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            return host.encode("idna").decode("ascii").lower()  # IDNA 2003, more lenient
        except UnicodeError:
            return host.lower()  # not a valid name, but still a stable label for it


def publisher_of(url_or_host: str) -> str:
    """The publisher of a URL or host (see the module docstring)."""
    host = _host(url_or_host)
    if not host:
        raise ValueError(f"no host in {url_or_host!r}")
    ip = _ip(host)
    if ip is not None:
        return ip
    host = _ascii(host)
    top = _extractor()(host).top_domain_under_public_suffix
    return top or host
