"""Domain errors: what a rule refuses, and what the caller needs to act on it.

Services in ``app/workflow`` (and the auth policy) raise these; they know nothing of HTTP. The
API turns them into problem+json (``app.api.problems``), the browser pages into a message
beside the form with the matching status (``app.web``). The status each one maps to is listed
in ``STATUS`` so both front doors agree.
"""

from __future__ import annotations

from dataclasses import dataclass


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
