"""One module per page; importing them registers their routes on the web blueprint."""

from __future__ import annotations


def register() -> None:
    from app.web.views import (  # noqa: F401
        admin,
        archive_health,
        captures,
        claim_actions,
        claims,
        documents,
        editor_actions,
        exports,
        inbox,
        queue,
        similar,
    )
