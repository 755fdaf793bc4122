"""Sources and their captures: metadata, the WARC, the extracted text, a sandboxed view."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, jsonify, stream_with_context
from spectree import Response as Resp
from sqlalchemy import select

from app.api import bp
from app.api.responses import streamed
from app.api.schemas.sources import SourceOut, capture_out, source_brief
from app.api.spec import ProblemModel, spec
from app.archive.storage import blob_store
from app.auth.policy import require_role
from app.db import session
from app.errors import Conflict
from app.ids import ID
from app.models import Capture, Role, Source
from app.replay import archived_page
from app.workflow.lookup import load

CHUNK = 64 * 1024


@bp.get(f"/sources/<{ID}:source_id>")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=SourceOut, HTTP_404=ProblemModel), tags=["sources"])
def get_source(source_id: int) -> Response:
    """A source with all its captures, newest first."""
    source = load(session(), Source, source_id)
    captures = session().scalars(
        select(Capture).where(Capture.source_id == source_id).order_by(Capture.id.desc())
    )
    body = SourceOut(
        **source_brief(source).model_dump(), captures=[capture_out(c) for c in captures]
    )
    return jsonify(body.model_dump(mode="json"))


@bp.get(f"/captures/<{ID}:capture_id>/warc")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_404=ProblemModel, HTTP_409=ProblemModel), tags=["sources"])
def get_warc(capture_id: int) -> Response:
    """The capture's WARC file (gzip per record), streamed."""
    capture = load(session(), Capture, capture_id)
    if not capture.warc_key:
        raise Conflict(f"Capture {capture_id} is {capture.status.value}; it has no WARC.")
    store = blob_store()
    size = store.size(capture.warc_key)
    handle = store.open(capture.warc_key)

    def chunks() -> Iterator[bytes]:
        with handle:
            while block := handle.read(CHUNK):
                yield block

    resp = streamed(stream_with_context(chunks()), "application/warc")
    resp.headers["Content-Length"] = str(size)
    resp.headers["Content-Disposition"] = f'attachment; filename="capture-{capture_id}.warc.gz"'
    return resp


@bp.get(f"/captures/<{ID}:capture_id>/text")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_404=ProblemModel, HTTP_409=ProblemModel), tags=["sources"])
def get_text(capture_id: int) -> Response:
    """The text extracted from the archived page."""
    capture = load(session(), Capture, capture_id)
    if capture.text is None:
        raise Conflict(f"Capture {capture_id} is {capture.status.value}; it has no text.")
    return Response(capture.text, mimetype="text/plain")


@bp.get(f"/captures/<{ID}:capture_id>/view")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_404=ProblemModel, HTTP_409=ProblemModel), tags=["sources"])
def view_capture(capture_id: int) -> Response:
    """The archived page, sanitised and sandboxed: none of its scripts can run here."""
    return archived_page(load(session(), Capture, capture_id))
