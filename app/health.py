"""Liveness (/healthz) and readiness (/readyz: database and broker reachable).

Readiness answers without sign-in (load balancers and compose healthchecks call it), so it
says only which dependency is down; the exception, with its hosts and ports, goes to the log.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from app.db import session

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


def _database_ok() -> bool:
    try:
        session().execute(text("SELECT 1"))
    except Exception:
        log.warning("readiness: database unreachable", exc_info=True)
        return False
    return True


def _broker_ok() -> bool:
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception:
        log.warning("readiness: broker unreachable", exc_info=True)
        return False
    return True


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(checks.values())
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {name: "ok" if up else "down" for name, up in checks.items()},
    }
    return jsonify(body), (200 if ready else 503)
