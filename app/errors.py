"""Domain errors (raised by services) and, for now, RFC 9457 problem details under /api/v1.

Services in ``app/workflow`` and the auth policy raise the domain errors below; they know
nothing of HTTP. The API turns them into problem+json, the browser pages into a message with
the matching status (``STATUS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class DomainError(Exception):
    """Base class: ``detail`` is a sentence a person can act on."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    def __init__(self, kind: str, ident: object, detail: str | None = None) -> None:
        super().__init__(detail or f"{kind.capitalize()} {ident} does not exist.")
        self.kind = kind
        self.ident = ident


class Invalid(DomainError):
    """Input that no retry can fix: name the fields at fault."""

    def __init__(
        self, detail: str, *, field: str | None = None, errors: list[FieldError] | None = None
    ) -> None:
        super().__init__(detail)
        self.errors = errors or ([FieldError(field, detail)] if field else [])


class Conflict(DomainError):
    """The request is fine but the claim (or other record) is not in a state that allows it."""

    def __init__(self, detail: str, *, current_version: int | None = None) -> None:
        super().__init__(detail)
        self.current_version = current_version


class Stale(Conflict):
    """The caller's version of the record is not the current one (If-Match / form version)."""


class VersionRequired(Conflict):
    """A write that must name the version it was based on did not."""


class Forbidden(DomainError):
    """The caller is known but may not do this (role, four-eyes, somebody else's lease)."""


class Unauthenticated(DomainError):
    """Nobody (valid) is signed in."""


class TooManyRequests(DomainError):
    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


# The HTTP status each error maps to, for the API and the pages alike (most specific first).
STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (Invalid, 422),
    (Stale, 412),
    (VersionRequired, 428),
    (Conflict, 409),
    (Forbidden, 403),
    (Unauthenticated, 401),
    (TooManyRequests, 429),
)


def status_of(error: DomainError) -> int:
    return next((code for cls, code in STATUS if isinstance(error, cls)), 400)


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem+json body."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.type = type_
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    from http import HTTPStatus

    body = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    resp = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        status = status_of(exc)
        extra: dict[str, Any] = {}
        headers: dict[str, str] = {}
        if isinstance(exc, Invalid) and exc.errors:
            extra["errors"] = [e.as_dict() for e in exc.errors]
        if isinstance(exc, Conflict) and exc.current_version is not None:
            extra["current_version"] = exc.current_version
        if isinstance(exc, TooManyRequests):
            headers["Retry-After"] = str(exc.retry_after)
        if isinstance(exc, Unauthenticated):
            headers["WWW-Authenticate"] = 'Bearer realm="claimdesk"'
        if _wants_problem():
            return problem_response(status, exc.detail, headers=headers, **extra)
        resp = Response(exc.detail, status=status, mimetype="text/plain")
        resp.headers.update(headers)
        return resp

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(
            exc.status,
            exc.detail,
            title=exc.title,
            type_=exc.type,
            headers=exc.headers,
            **exc.extra,
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | HTTPException:
        if not _wants_problem():
            return exc
        # A response already built by the code that aborted (e.g. a validator) stays as is.
        if isinstance(exc.response, Response) and exc.response.mimetype == PROBLEM_JSON:
            return exc.response
        status = exc.code or 500
        headers: dict[str, str] = {}
        if status == 405 and exc.get_response().headers.get("Allow"):
            headers["Allow"] = exc.get_response().headers["Allow"]
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
        if _wants_problem():
            return problem_response(500, "An unexpected error occurred; it has been logged.")
        return Response("Internal Server Error", status=500, mimetype="text/plain")
