"""The JSON API under /api/v1."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from app.api.problems import Problem

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_BODY_METHODS = {"POST", "PUT", "PATCH"}


@bp.before_request
def _check_body() -> None:
    """Malformed or mistyped bodies get a precise 4xx before any validation runs."""
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
    field = _nul_field(body)
    if field is not None:
        # Postgres text cannot hold NUL; refuse it here rather than fail at the database.
        detail = f"{field or 'body'}: text must not contain NUL (\\u0000) characters"
        raise Problem(422, detail, errors=[{"field": field, "message": detail}])


def _nul_field(value: Any, path: str = "") -> str | None:
    """The path of the first string in a JSON document that contains a NUL character."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return f"{path}.{key}".strip(".")
        found = _nul_field(item, f"{path}.{key}".strip("."))
        if found is not None:
            return found
    return None


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
