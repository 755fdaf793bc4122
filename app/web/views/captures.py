"""The files of an archived capture, for people signed in to the desk: the extracted text and
the WARC download. (The archived page itself, sandboxed, is ``app.replay``'s /archive/<id>.)"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, stream_with_context
from flask.typing import ResponseReturnValue

from app.auth.policy import require_role
from app.db import session
from app.ids import ID
from app.models import Capture, Role
from app.web import bp
from app.workflow.capture_files import extracted_text, open_warc
from app.workflow.lookup import load

CAPTURE_ID = f"<{ID}:capture_id>"
CHUNK = 64 * 1024


@bp.get(f"/captures/{CAPTURE_ID}/text")
@require_role(Role.FACT_CHECKER)
def capture_text(capture_id: int) -> ResponseReturnValue:
    text = extracted_text(load(session(), Capture, capture_id))
    resp = Response(text, mimetype="text/plain")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get(f"/captures/{CAPTURE_ID}/warc")
@require_role(Role.FACT_CHECKER)
def capture_warc(capture_id: int) -> ResponseReturnValue:
    warc = open_warc(load(session(), Capture, capture_id))

    def chunks() -> Iterator[bytes]:
        with warc.handle:
            while block := warc.handle.read(CHUNK):
                yield block

    resp = Response(stream_with_context(chunks()), mimetype="application/warc")
    resp.headers["Content-Length"] = str(warc.size)
    resp.headers["Content-Disposition"] = f'attachment; filename="{warc.filename}"'
    return resp
