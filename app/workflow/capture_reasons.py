"""Why a capture failed, in words a fact-checker can act on.

The fetcher records a short slug (``app.archive.types.FetchError.reason``: ``http-404``,
``timeout``, ``blocked-address``...); the pages and the archive health report say what it means
and what to do about it.

Public interface::

    describe(reason) -> str        a sentence for any slug (unknown ones are named as they are)
"""

from __future__ import annotations

_PLAIN = {
    "blocked-address": "the address is private or local, so it is never fetched",
    "blocked-scheme": "only http and https links can be archived",
    "bad-url": "the link is not a valid web address",
    "dns-error": "the site's name could not be found (a typo, or the domain has gone)",
    "connection-error": "the site did not accept a connection",
    "tls-error": "the site's secure connection (certificate) is broken",
    "timeout": "the site took too long to answer",
    "too-large": "the page is larger than the archiving limit",
    "too-many-redirects": "the link redirects too many times",
    "redirect-loop": "the link redirects in a circle",
    "bad-encoding": "the page's compression or encoding could not be read",
    "soft-404": "the page now answers with a not-found page or the site's front page",
    "worker-lost": "the archiving worker stopped while fetching; it will be tried again",
    "storage-error": "the archive could not be written to storage",
}
_HTTP = {
    401: "the site asks for a login",
    403: "the site refused access (it may be blocking archivers)",
    404: "the page does not exist (404)",
    410: "the page has been removed (410)",
    429: "the site is rate-limiting requests; it will be tried again",
    451: "the page is unavailable for legal reasons (451)",
}


def describe(reason: str | None) -> str:
    if not reason:
        return "no reason was recorded"
    if reason in _PLAIN:
        return _PLAIN[reason]
    if reason.startswith("http-") and reason[5:].isdigit():
        code = int(reason[5:])
        if code in _HTTP:
            return _HTTP[code]
        if code >= 500:
            return f"the site had a server error ({code})"
        return f"the site answered with status {code}"
    return reason.replace("-", " ")
