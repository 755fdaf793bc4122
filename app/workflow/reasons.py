"""Why a source does not count yet, in words a fact-checker can act on: the claim's state
reasons, the evidence list, the history and archive health all say it the same way.

The capture's categorised ``error_reason`` (``app.archive.fetch``) becomes a sentence: "the
site answered 404 Not Found", "the address is private and was not fetched", "timed out after
30 s, retrying at 14:05".
"""

from __future__ import annotations

from http import HTTPStatus

from app.models import Capture, CaptureStatus

_FIXED = {
    "blocked-address": "the address is private and was not fetched",
    "blocked-scheme": "only http and https links can be archived",
    "bad-url": "the link is not a valid web address",
    "dns-error": "the host name does not resolve (a typo, or the domain has gone)",
    "connection-error": "the site refused or dropped the connection",
    "tls-error": "the site's secure connection (certificate) is broken",
    "too-large": "the page is larger than the archiving limit",
    "too-many-redirects": "the link redirects too many times",
    "redirect-loop": "the link redirects in a loop",
    "bad-encoding": "the page's compression or encoding could not be read",
    "soft-404": "the page now answers with a not-found page or the site's front page",
    "worker-lost": "the archiving worker stopped while fetching it",
    "storage-error": "the archive could not be written to storage",
}
# What some answers usually mean for an archiver, after the status line itself.
_HTTP_HINTS = {
    401: "it asks for a login",
    403: "it may be blocking archivers",
    410: "the page has been removed",
    429: "it is limiting requests",
    451: "unavailable for legal reasons",
}


def _http(reason: str) -> str | None:
    code = reason.removeprefix("http-")
    if not code.isdigit():
        return None
    try:
        phrase = HTTPStatus(int(code)).phrase
    except ValueError:
        phrase = ""
    words = f"the site answered {code} {phrase}".rstrip()
    hint = _HTTP_HINTS.get(int(code)) or ("a server error" if int(code) >= 500 else None)
    return f"{words} ({hint})" if hint else words


def failure_words(reason: str | None, *, seconds: float | None = None) -> str:
    """A sentence for a capture's ``error_reason`` (unknown slugs are named as they are)."""
    if reason is None:
        return "no reason was recorded"
    if reason == "timeout":
        return f"timed out after {seconds:.0f} s" if seconds else "timed out"
    return _FIXED.get(reason) or _http(reason) or f"archiving failed ({reason})"


def capture_reason(capture: Capture | None, *, deadline: float | None = None) -> str:
    """Why a source whose latest capture is not archived does not count yet."""
    if capture is None:
        return "the source has not been archived yet"
    if capture.status is CaptureStatus.FAILED:
        return f"could not be archived: {failure_words(capture.error_reason, seconds=deadline)}"
    if capture.error_reason is not None:  # pending again after a failed attempt
        words = failure_words(capture.error_reason, seconds=deadline)
        when = capture.next_attempt_at
        retry = f", retrying at {when:%H:%M} UTC" if when is not None else ", retrying"
        return f"{words}{retry}"
    if capture.status is CaptureStatus.FETCHING:
        return "the source is being archived now"
    return "the source has not been archived yet"
