"""Archive health: how capturing has gone lately, by failure category and by publisher.

A desk should see at once when a site starts blocking: the outcome of every finished capture
(archived or failed) in a window, grouped by what went wrong and by publisher, with success
rates and median fetch times; then what needs attention now: captures waiting or stuck,
failed captures that can be retried, and sources that rotted or drifted.

Public interface::

    WINDOWS                                   "24h" and "7d"
    Outcome(category, count, share)           one bar of the category chart
    PublisherHealth(publisher, finished, archived, failed, success_rate, median_seconds,
                    top_failure)
    HealthReport(...)
    health_report(session, window) -> HealthReport     Invalid for an unknown window

Medians are computed here rather than in SQL so both backends give the same figure (SQLite has
no percentile function); only four columns of the window's captures are read.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from app.db import utcnow
from app.errors import Invalid
from app.models import Capture, CaptureStatus, Evidence, Source, SourceHealth
from app.workflow.recovery import stuck_after
from config import settings

WINDOWS: dict[str, timedelta] = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
ARCHIVED = "archived"
_LIST_LIMIT = 100  # rows per attention list; the counts above them are exact


@dataclass(frozen=True)
class Outcome:
    category: str  # "archived" or the failure reason slug
    count: int
    share: float  # of all finished captures in the window, 0..1


@dataclass(frozen=True)
class PublisherHealth:
    publisher: str
    finished: int
    archived: int
    failed: int
    success_rate: float  # 0..1
    median_seconds: float | None  # of every finished fetch, success or not
    top_failure: str | None


@dataclass(frozen=True)
class HealthReport:
    window: str
    since: datetime
    finished: int
    archived: int
    failed: int
    success_rate: float | None
    median_seconds: float | None
    outcomes: list[Outcome]  # archived first, then failures, most frequent first
    publishers: list[PublisherHealth]  # worst success rate first
    waiting: list[Capture]  # pending, oldest first
    waiting_count: int
    stuck: list[Capture]  # fetching for longer than ARCHIVE_STUCK_SECONDS
    retryable: list[Capture]  # failed, and the latest capture of their source
    retryable_count: int
    unhealthy: list[Source]  # cited sources that rotted or drifted
    unhealthy_count: int


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _latest_failed() -> ColumnElement[bool]:
    """SQL: failed captures with no later capture of the same source (nothing to retry else)."""
    newer = aliased(Capture)
    return and_(
        Capture.status == CaptureStatus.FAILED,
        ~exists().where(newer.source_id == Capture.source_id, newer.id > Capture.id),
    )


def health_report(session: Session, window: str) -> HealthReport:
    if window not in WINDOWS:
        raise Invalid(
            f"window: choose one of {', '.join(WINDOWS)}, not {window!r}.", field="window"
        )
    now = utcnow()
    since = now - WINDOWS[window]
    rows = session.execute(
        select(Source.publisher, Capture.status, Capture.error_reason, Capture.fetch_seconds)
        .join(Capture.source)
        .where(
            Capture.status.in_([CaptureStatus.ARCHIVED, CaptureStatus.FAILED]),
            Capture.fetched_at >= since,
        )
    ).all()
    categories: Counter[str] = Counter()
    by_publisher: dict[str, list[tuple[bool, str | None, float | None]]] = defaultdict(list)
    seconds: list[float] = []
    for publisher, status, reason, took in rows:
        ok = status is CaptureStatus.ARCHIVED
        categories[ARCHIVED if ok else (reason or "unknown")] += 1
        by_publisher[publisher].append((ok, reason, took))
        if took is not None:
            seconds.append(took)
    finished = len(rows)
    archived = categories[ARCHIVED]
    outcomes = [Outcome(ARCHIVED, archived, archived / finished)] if archived else []
    outcomes += [
        Outcome(name, count, count / finished)
        for name, count in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))
        if name != ARCHIVED
    ]
    publishers = []
    for publisher, items in by_publisher.items():
        ok_count = sum(1 for ok, _, _ in items if ok)
        failures = Counter(reason or "unknown" for ok, reason, _ in items if not ok)
        publishers.append(
            PublisherHealth(
                publisher=publisher,
                finished=len(items),
                archived=ok_count,
                failed=len(items) - ok_count,
                success_rate=ok_count / len(items),
                median_seconds=_median([t for _, _, t in items if t is not None]),
                top_failure=failures.most_common(1)[0][0] if failures else None,
            )
        )
    publishers.sort(key=lambda p: (p.success_rate, -p.finished, p.publisher))

    stuck_before = now - timedelta(seconds=stuck_after(settings()))
    with_source = joinedload(Capture.source)
    waiting_query = select(Capture).where(Capture.status == CaptureStatus.PENDING)
    retry_query = select(Capture).where(_latest_failed())
    cited = exists().where(Evidence.source_id == Source.id)
    unhealthy_query = select(Source).where(
        Source.health.in_([SourceHealth.ROTTED, SourceHealth.DRIFTED]), cited
    )
    return HealthReport(
        window=window,
        since=since,
        finished=finished,
        archived=archived,
        failed=finished - archived,
        success_rate=archived / finished if finished else None,
        median_seconds=_median(seconds),
        outcomes=outcomes,
        publishers=publishers,
        waiting=list(
            session.scalars(
                waiting_query.options(with_source).order_by(Capture.id).limit(_LIST_LIMIT)
            )
        ),
        waiting_count=_count(session, waiting_query),
        stuck=list(
            session.scalars(
                select(Capture)
                .where(Capture.status == CaptureStatus.FETCHING, Capture.updated_at < stuck_before)
                .options(with_source)
                .order_by(Capture.id)
                .limit(_LIST_LIMIT)
            )
        ),
        retryable=list(
            session.scalars(
                retry_query.options(with_source).order_by(Capture.id.desc()).limit(_LIST_LIMIT)
            )
        ),
        retryable_count=_count(session, retry_query),
        unhealthy=list(
            session.scalars(unhealthy_query.order_by(Source.id.desc()).limit(_LIST_LIMIT))
        ),
        unhealthy_count=_count(session, unhealthy_query),
    )


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0
