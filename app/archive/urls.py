"""URL normalisation for sources: one Source row per page however it was cited.

Public interface:

- ``normalise_url(url) -> str``: the canonical form of an http(s) URL. Scheme and host are
  lower-cased, the host IDNA-encoded (UTS #46, as browsers do) and IP literals written in their
  standard form; default ports, fragments and credentials are dropped; dot segments are
  resolved; percent-escapes are made uniform (unreserved characters decoded, hex upper-cased,
  non-ASCII and unsafe characters encoded as UTF-8) without changing what the URL means (an
  encoded ``/``, ``?``, ``&`` or ``=`` stays encoded); tracking parameters (``utm_*``,
  ``fbclid``, ``gclid``, ...) are removed and the other parameters keep their order and
  spelling; an empty path becomes ``/``. Raises ``ValueError`` with a readable reason for
  anything that cannot be archived (other schemes, no host, bad port, invalid host name).
- ``host_of(url) -> str``: the normalised host of an http(s) URL (no port, no brackets).
- ``ascii_host(host) -> str``: one host name in the form used on the wire (IDNA, lower case).

Credentials (``user:pass@``) are dropped on purpose: they must never be stored with a source.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import idna

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "yclid",
        "twclid",
        "s_cid",
        "cmpid",
        "ocid",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "wt_mc",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are (besides unreserved ones and escapes); everything else is encoded.
_PATH_KEEP = frozenset("!$&'()*+,;=:@/")
_QUERY_KEEP = _PATH_KEEP | frozenset("?")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS


def _normalise_escapes(text: str, keep: frozenset[str]) -> str:
    """Uniform percent-encoding: decode unreserved, upper-case the rest, encode what is unsafe."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        match = _ESCAPE.match(text, i) if char == "%" else None
        if match:
            decoded = chr(int(match.group(1), 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + match.group(1).upper())
            i += 3
            continue
        if char in _UNRESERVED or char in keep:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, on a path that starts with "/"."""
    segments = path.split("/")[1:]
    out: list[str] = []
    for segment in segments:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    trailing = segments and segments[-1] in (".", "..")
    return "/" + "/".join(out) + ("/" if trailing and out else "")


def ascii_host(host: str) -> str:
    """``host`` as sent in DNS and the Host header: IDNA-encoded, lower case, no final dot."""
    host = host.rstrip(".")
    if not host:
        raise ValueError("the URL has no host")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if host.isascii():
        lowered = host.lower()
        labels = lowered.split(".")
        # Underscores are not valid IDNA but are common in real host names, so ASCII names are
        # checked as LDH(+underscore) rather than run through the IDNA codec.
        if len(lowered) <= 253 and all(_ASCII_LABEL.fullmatch(label) for label in labels):
            return lowered
        raise ValueError(f"the host {host!r} is not a valid host name")
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"the host {host!r} is not a valid domain name: {exc}") from None


def _split_host(url: str) -> tuple[str, str, int | None]:
    """(scheme, normalised host, port) of an http(s) URL, or ValueError."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(
            f"only http and https URLs can be archived, not {scheme or 'a URL without scheme'!r}"
        )
    if not parts.hostname:
        raise ValueError("the URL has no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the URL has an invalid port") from None
    return scheme, ascii_host(parts.hostname), port


def normalise_url(url: str) -> str:
    """The canonical form of ``url``; ValueError with a readable reason if it is unusable."""
    raw = url.strip()
    if not raw:
        raise ValueError("the URL is empty")
    scheme, host, port = _split_host(raw)
    netloc = f"[{host}]" if ":" in host else host
    if port not in (None, DEFAULT_PORTS[scheme]):
        netloc += f":{port}"
    parts = urlsplit(raw)
    path = _remove_dot_segments(_normalise_escapes(parts.path or "/", _PATH_KEEP))
    kept = [
        _normalise_escapes(piece, _QUERY_KEEP)
        for piece in parts.query.split("&")
        if piece and not _is_tracking(unquote_plus(piece.split("=", 1)[0]))
    ]
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))


def host_of(url: str) -> str:
    """The normalised host of an http(s) URL, e.g. ``xn--bcher-kva.de`` or ``::1``."""
    return _split_host(url.strip())[1]
