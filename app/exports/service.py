"""Exporting the verified claim set: the one service the API, the CLI and the pages call.

Public interface::

    FORMATS                                            name -> (media type, file name)
    select_for_export(session, fmt, filters, *, actor) -> list[VerifiedClaim]
                                                       chosen, and recorded as one ExportRun
    render(items, fmt) -> Iterator[str]                the chosen claims in a text format
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.exports.formats import to_claimreview, to_csv, to_jsonl
from app.exports.rows import Filters, VerifiedClaim, verified_claims
from app.models import ExportedClaim, ExportRun, User
from app.workflow.audit import chain_heads
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
    """The verified claims that ``filters`` choose, recorded as one export run (who, when,
    what, and each claim's audit-chain head at this moment); reading an export writes no
    event on the claims."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    items = list(verified_claims(session, filters))
    heads = chain_heads(session, [item.claim.id for item in items])
    run = ExportRun(
        actor_id=actor.id if actor is not None else None,
        format=fmt,
        filters=filters.as_dict(),
        count=len(items),
    )
    session.add(run)
    session.flush()
    rows = [
        {
            "run_id": run.id,
            "claim_id": item.claim.id,
            "verdict_id": item.verdict.id,
            "chain_head": heads.get(item.claim.id),
        }
        for item in items
    ]
    if rows:
        session.execute(insert(ExportedClaim), rows)
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
