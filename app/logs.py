"""JSON logs, one object per line, each carrying the request id when there is one."""

from __future__ import annotations

import logging
import sys
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.path = request.path
        return True


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at emit time (workers and tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def configure_logging(level: str) -> None:
    """Route the root logger to stdout as JSON (idempotent across app instances)."""
    root = logging.getLogger()
    if any(getattr(h, "_claimdesk", False) for h in root.handlers):
        root.setLevel(level)
        return
    handler = _StdoutHandler()
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_RequestIdFilter())
    handler._claimdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def init_request_ids(app: Flask) -> None:
    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        # Accept a caller's id only when it is short and printable, to keep logs clean.
        ok = 0 < len(incoming) <= 100 and incoming.isprintable()
        g.request_id = incoming if ok else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(resp: Response) -> Response:
        if "request_id" in g:
            resp.headers["X-Request-Id"] = g.request_id
        return resp
