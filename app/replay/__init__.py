"""Showing an archived page to people: faithful, sandboxed, never reaching the live web.

One view, one template: the browser route ``/archive/<id>`` (session) and the API's
``/api/v1/captures/<id>/view`` (bearer token) both answer with :func:`archived_page`.

The page is rebuilt from its WARC alone (``app.archive.replay``): stylesheets, images and fonts
archived with it are inlined as ``data:`` URIs, anything not archived is dropped, and the markup
is sanitised (no scripts, handlers, frames, forms). The response carries the replay CSP:
``sandbox`` without ``allow-scripts``/``allow-same-origin`` and ``default-src 'none'`` with
only ``data:`` images and fonts, so even markup the sanitiser missed runs in an opaque origin
with scripts disabled and can fetch nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from app.archive.replay import REPLAY_HEADERS, ReplayError, replay_html
from app.archive.storage import blob_store
from app.auth.policy import require_role
from app.db import session
from app.errors import Conflict
from app.ids import ID
from app.models import Capture, Role
from app.workflow.lookup import load

bp = Blueprint("replay", __name__, template_folder="templates")


def archived_page(capture: Capture) -> Response:
    """The capture as a person sees it, under the replay headers: the page rebuilt from its
    WARC with claimdesk's banner on top, or the extracted text for anything but HTML."""
    if not capture.warc_key:
        raise Conflict(f"Capture {capture.id} is {capture.status.value}; nothing to show.")
    banner = render_template("replay/banner.html", capture=capture)
    page = None
    if (capture.content_type or "").endswith(("html", "xhtml+xml")):
        with blob_store().open(capture.warc_key) as handle:
            try:
                page = replay_html(handle, capture.final_url or "", banner=banner)
            except ReplayError:
                page = None  # not replayable as a page: show its text below
    if page is None:
        page = render_template("replay/text.html", capture=capture, banner=banner)
    resp = Response(page, mimetype="text/html")
    resp.headers.update(REPLAY_HEADERS)
    return resp


@bp.get(f"/archive/<{ID}:capture_id>")
@require_role(Role.FACT_CHECKER)
def view(capture_id: int) -> Response:
    return archived_page(load(session(), Capture, capture_id))
