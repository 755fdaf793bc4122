"""Exporting the verified claim set: the one service the API, the CLI and the pages call.

Public interface::

    FORMATS                                            name -> (media type, file name)
    select_for_export(session, fmt, filters, *, actor) -> list[VerifiedClaim]   (recorded)
    render(items, fmt) -> Iterator[str]                the chosen claims in a text format
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from app.exports.formats import to_claimreview, to_csv, to_jsonl
from app.exports.rows import Filters, VerifiedClaim, verified_claims
from app.models import User
from app.workflow import events
from config import settings

FORMATS: dict[str, tuple[str, str]] = {
    "claimreview": ("application/ld+json", "claimreview.json"),
    "csv": ("text/csv", "claims.csv"),
    "jsonl": ("application/jsonl", "claims.jsonl"),
    "package": ("application/zip", "evidence-package.zip"),
}


def select_for_export(
    session: Session, fmt: str, filters: Filters, *, actor: User | None
) -> list[VerifiedClaim]:
    """The verified claims that ``filters`` choose, with the export recorded on each."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    items = list(verified_claims(session, filters))
    for item in items:
        events.record(
            session, item.claim, "exported", actor=actor, format=fmt, verdict_id=item.verdict.id
        )
    return items


def render(items: list[VerifiedClaim], fmt: str) -> Iterator[str]:
    s = settings()
    if fmt == "claimreview":
        yield to_claimreview(items, s.RATING_SCALE, s.PUBLIC_URL, s.PUBLISHER_NAME) + "\n"
    elif fmt == "csv":
        yield from to_csv(items, s.RATING_SCALE)
    elif fmt == "jsonl":
        yield from to_jsonl(items, s.RATING_SCALE)
    else:
        raise ValueError(f"{fmt!r} is not a text format")
