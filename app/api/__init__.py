"""The JSON API under /api/v1."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from app.api.problems import Problem
from app.db import hold_request_commits, release_request_commits
from app.validation import unstorable, unstorable_field

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_BODY_METHODS = {"POST", "PUT", "PATCH"}


@bp.before_request
def _check_input() -> None:
    """Malformed, mistyped or unstorable input gets a precise 4xx before anything runs, so no
    stored value can later make a page or a list unreadable."""
    for name, value in request.args.items(multi=True):
        problem = unstorable(name) or unstorable(value)
        if problem is not None:
            detail = f"query parameter {name!r}: {problem}"
            raise Problem(422, detail, errors=[{"field": name, "message": problem}])
    if request.method not in _BODY_METHODS:
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    if not request.is_json:
        raise Problem(
            415, f"Send the body as application/json, not {request.mimetype or 'nothing'}."
        )
    try:
        body = request.get_json(force=False, silent=False)
    except Exception:
        raise Problem(400, "The request body is not valid JSON.") from None
    found = unstorable_field(body)
    if found is not None:
        field, problem = found
        detail = f"{field or 'body'}: text {problem}"
        raise Problem(422, detail, errors=[{"field": field, "message": problem}])


# Nothing a request does is committed before its response is built (app.db.hold_commits).
bp.before_request(hold_request_commits)
bp.after_request(release_request_commits)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description, generated from the models that validate requests."""
    from app.api.spec import spec

    return jsonify(spec.spec)


def init_api(app: Flask) -> None:
    # Importing the resource modules registers their routes on ``bp``.
    from app.api import (  # noqa: F401
        claims,
        documents,
        evidence,
        exports,
        queue,
        similar,
        sources,
        users,
        verdicts,
    )
    from app.api.spec import spec

    if "api" not in app.blueprints:
        app.register_blueprint(bp)
    # The API authenticates with bearer tokens only, never cookies: no CSRF token to check.
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
    spec.register(app)
