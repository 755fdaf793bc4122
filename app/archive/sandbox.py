"""Showing an archived page without letting it act in claimdesk's origin.

Two layers: the HTML is sanitised (no scripts, handlers, frames, forms), and the response
carries ``Content-Security-Policy: sandbox`` without ``allow-scripts`` or
``allow-same-origin``, so even markup the sanitiser missed runs in an opaque origin with
scripts disabled.
"""

from __future__ import annotations

import html

from flask import Response
from warcio.archiveiterator import ArchiveIterator

from app.archive.extract import decode
from app.archive.pipeline import blob_store
from app.archive.sanitize import sanitize_archived_html
from app.errors import Problem
from app.models import Capture

CSP = (
    "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; "
    "form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
)


def _payload(capture: Capture) -> bytes:
    """The decoded response body from the capture's WARC."""
    assert capture.warc_key
    with blob_store().open(capture.warc_key) as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                return bytes(record.content_stream().read())
    return b""


def sandboxed_page(capture: Capture) -> Response:
    if not capture.warc_key:
        raise Problem(409, f"Capture {capture.id} is {capture.status.value}; nothing to show.")
    is_html = (capture.content_type or "").endswith(("html", "xhtml+xml"))
    if is_html:
        raw = _payload(capture)
        body = sanitize_archived_html(decode(raw), capture.final_url or "")
    else:
        body = f"<pre>{html.escape(capture.text or '')}</pre>"
    banner = (
        f'<p style="background:#fffbe6;padding:.5rem;border:1px solid #e6d98c">'
        f"Archived copy of {html.escape(capture.final_url or '')}, captured "
        f"{capture.fetched_at:%Y-%m-%d %H:%M} UTC. Scripts are disabled.</p>"
        if capture.fetched_at
        else ""
    )
    resp = Response(banner + body, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp
