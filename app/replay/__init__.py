"""Showing an archived page to people without letting it act in claimdesk's origin.

One view, one template: the browser route ``/archive/<id>`` (session) and the API's
``/api/v1/captures/<id>/view`` (bearer token) both answer with :func:`archived_page`.

Two layers: the HTML is sanitised (no scripts, handlers, frames, forms), and the response
carries ``Content-Security-Policy: sandbox`` without ``allow-scripts`` or
``allow-same-origin``, so even markup the sanitiser missed runs in an opaque origin with
scripts disabled.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from warcio.archiveiterator import ArchiveIterator

from app.archive.extract import decode
from app.archive.sanitize import sanitize_archived_html
from app.archive.storage import blob_store
from app.auth.policy import require_role
from app.db import session
from app.errors import Conflict
from app.ids import ID
from app.models import Capture, Role
from app.workflow.lookup import load

bp = Blueprint("replay", __name__, template_folder="templates")

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


def archived_page(capture: Capture) -> Response:
    """The capture as a person sees it, under the sandboxing headers."""
    if not capture.warc_key:
        raise Conflict(f"Capture {capture.id} is {capture.status.value}; nothing to show.")
    is_html = (capture.content_type or "").endswith(("html", "xhtml+xml"))
    body = (
        sanitize_archived_html(decode(_payload(capture)), capture.final_url or "")
        if is_html
        else None
    )
    resp = Response(
        render_template("replay/archived.html", capture=capture, body=body), mimetype="text/html"
    )
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


@bp.get(f"/archive/<{ID}:capture_id>")
@require_role(Role.FACT_CHECKER)
def view(capture_id: int) -> Response:
    return archived_page(load(session(), Capture, capture_id))
