"""RFC 9457 problem details: how the API answers every error under /api/.

Services raise the domain errors of ``app.errors``; this module turns them, HTTP errors
(unknown route, wrong method, body too large) and ``Problem`` (raised by the API's own request
checks) into ``application/problem+json``. Paths outside /api/ keep Flask's own answers; the
pages render domain errors themselves (``app.web``).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from app.errors import Conflict, DomainError, Invalid, TooManyRequests, Unauthenticated, status_of

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An HTTP-level refusal decided by the API itself (e.g. a body that is not JSON)."""

    def __init__(
        self, status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    resp = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    resp.headers.update(headers or {})
    return resp


def domain_headers(exc: DomainError) -> dict[str, str]:
    """The HTTP headers a refusal needs on any path (when to retry, how to authenticate)."""
    if isinstance(exc, TooManyRequests):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, Unauthenticated):
        return {"WWW-Authenticate": 'Bearer realm="claimdesk"'}
    return {}


def domain_problem(exc: DomainError) -> Response:
    extra: dict[str, Any] = {}
    if isinstance(exc, Invalid) and exc.errors:
        extra["errors"] = [e.as_dict() for e in exc.errors]
    if isinstance(exc, Conflict) and exc.current_version is not None:
        extra["current_version"] = exc.current_version
    return problem_response(status_of(exc), exc.detail, headers=domain_headers(exc), **extra)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def register_problem_handlers(app: Flask) -> None:
    """App-level handlers: problem+json under /api/; elsewhere Flask's default behaviour."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc.status, exc.detail, headers=exc.headers, **exc.extra)

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        if _is_api():
            return domain_problem(exc)
        # A page outside the web blueprint (metrics, replay) refused: a plain answer suffices.
        resp = Response(exc.detail, status=status_of(exc), mimetype="text/plain")
        resp.headers.update(domain_headers(exc))
        return resp

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | HTTPException:
        if not _is_api():
            return exc
        # A response already built by the code that aborted (e.g. a validator) stays as is.
        if isinstance(exc.response, Response) and exc.response.mimetype == PROBLEM_JSON:
            return exc.response
        status = exc.code or 500
        headers: dict[str, str] = {}
        allow = exc.get_response().headers.get("Allow")
        if status == 405 and allow:
            headers["Allow"] = allow
        detail = exc.description or ""
        if status == 404:
            detail = f"No resource at {request.path}."
        elif status == 405:
            detail = f"{request.method} is not allowed on {request.path}."
        elif status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            detail = f"The request body is larger than the limit of {limit} bytes."
        return problem_response(status, detail, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        app.logger.exception("unhandled error", extra={"path": request.path})
        if _is_api():
            return problem_response(500, "An unexpected error occurred; it has been logged.")
        return Response("Internal Server Error", status=500, mimetype="text/plain")
