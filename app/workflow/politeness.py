"""Per-publisher politeness for re-checks: what a day of re-checking 100k sources may ask of
one web server.

For each host: at most RECHECK_HOST_CONCURRENCY re-check fetches at once, at least
RECHECK_HOST_MIN_DELAY seconds between the starts of two, and none before a time the host
asked for with ``Retry-After`` on a 429 or 503 (capped at RECHECK_RETRY_AFTER_MAX). A first
archiving of a source a fact-checker has just cited is not held back: that is a person
reading a page, once.

The state is in the database (``host_politeness``, ``politeness_slots``), so it holds across
every worker process of the desk. ``acquire`` takes a slot in a short transaction of its own
(the host's row locked on Postgres; SQLite's BEGIN IMMEDIATE serialises it) and holds nothing
across the fetch; ``release`` gives it back. A slot whose worker died lapses when the longest
capture would have ended, and the capture itself is handed out again by the sweeper, so
nothing is lost and no host stays blocked.

Public interface::

    acquire(session, host, capture_id) -> Slot | Wait      commits
    release(session, slot, *, retry_after=None) -> None    commits
    next_starts(session, hosts) -> dict[host, datetime]    when each host may next be fetched
    Slot(id, host), Wait(seconds)
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import HostPoliteness, PolitenessSlot
from app.workflow.recovery import longest_capture
from config import settings

# How soon a re-check turned away by a full host looks again: a slot frees when a fetch ends,
# which no timer announces.
BUSY_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class Slot:
    id: int
    host: str


@dataclass(frozen=True)
class Wait:
    seconds: float


def _ensure_host(session: Session, host: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(HostPoliteness)
        .values(host=host, not_before=utcnow(), updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["host"])
    )


def acquire(session: Session, host: str, capture_id: int | None) -> Slot | Wait:
    """A slot to fetch from ``host`` now, or how long to wait first. Commits."""
    s = settings()
    try:
        _ensure_host(session, host)
        query = select(HostPoliteness).where(HostPoliteness.host == host)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        state = session.scalars(query.execution_options(populate_existing=True)).one()
        now = utcnow()
        session.execute(
            delete(PolitenessSlot).where(
                PolitenessSlot.host == host, PolitenessSlot.expires_at <= now
            )
        )
        busy = session.scalar(
            select(func.count()).select_from(PolitenessSlot).where(PolitenessSlot.host == host)
        )
        if state.not_before > now:
            # Spread the ones that wait together, or they all come back at the same instant.
            spread = random.uniform(0, max(s.RECHECK_HOST_MIN_DELAY, 0.05))
            wait = Wait((state.not_before - now).total_seconds() + spread)
            session.commit()
            return wait
        if (busy or 0) >= s.RECHECK_HOST_CONCURRENCY:
            session.commit()
            return Wait(max(BUSY_RETRY_SECONDS, s.RECHECK_HOST_MIN_DELAY))
        slot = PolitenessSlot(
            host=host,
            capture_id=capture_id,
            expires_at=now + timedelta(seconds=longest_capture(s)),
        )
        session.add(slot)
        state.not_before = now + timedelta(seconds=s.RECHECK_HOST_MIN_DELAY)
        session.commit()
        return Slot(slot.id, host)
    except BaseException:
        session.rollback()
        raise


def release(session: Session, slot: Slot, *, retry_after: float | None = None) -> None:
    """Give the slot back; a Retry-After the host sent holds its next re-checks. Commits."""
    try:
        session.execute(delete(PolitenessSlot).where(PolitenessSlot.id == slot.id))
        if retry_after is not None and retry_after > 0:
            until = utcnow() + timedelta(
                seconds=min(retry_after, settings().RECHECK_RETRY_AFTER_MAX)
            )
            session.execute(
                update(HostPoliteness)
                .where(HostPoliteness.host == slot.host, HostPoliteness.not_before < until)
                .values(not_before=until)
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def next_starts(session: Session, hosts: Iterable[str]) -> dict[str, datetime]:
    """When each host may next be fetched (hosts never fetched are absent)."""
    wanted = sorted(set(hosts))
    found: dict[str, datetime] = {}
    for first in range(0, len(wanted), 500):
        rows = session.execute(
            select(HostPoliteness.host, HostPoliteness.not_before).where(
                HostPoliteness.host.in_(wanted[first : first + 500])
            )
        )
        found.update({host: not_before for host, not_before in rows})
    return found
