"""What every template may use: the signed-in user, the navigation by role, formatting.

Registered on the web blueprint by ``install``; values that cost a query (``first_run``,
``inbox_count``) are functions, so only the templates that show them pay for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, request
from sqlalchemy import func, select

from app.auth.policy import authenticate, has_role
from app.db import session, utcnow
from app.models import Role, User, Verdict, VerdictStatus
from app.workflow.directory import has_users


@dataclass(frozen=True)
class NavLink:
    label: str
    endpoint: str
    role: Role
    also: tuple[str, ...] = ()  # other endpoints under the same heading


NAV = (
    NavLink("Queue", "web.queue", Role.FACT_CHECKER, ("web.index", "web.claim")),
    NavLink("Ingest", "web.new_document", Role.FACT_CHECKER, ("web.documents", "web.document")),
    NavLink("Inbox", "web.inbox", Role.FACT_CHECKER),
    NavLink("Exports", "web.exports", Role.FACT_CHECKER),
    NavLink("Archive health", "web.archive_health", Role.FACT_CHECKER),
    NavLink("Admin", "web.admin_users", Role.ADMIN),
)


def nav_for(user: User | None) -> list[tuple[NavLink, bool]]:
    if user is None:
        return []
    here = request.endpoint or ""
    return [
        (link, here == link.endpoint or here in link.also)
        for link in NAV
        if has_role(user, link.role)
    ]


def _inbox_count() -> int:
    user = authenticate()
    if user is None or not has_role(user, Role.EDITOR):
        return 0
    return (
        session().scalar(
            select(func.count())
            .select_from(Verdict)
            .where(Verdict.status == VerdictStatus.PROPOSED, Verdict.proposed_by_id != user.id)
        )
        or 0
    )


def ago(moment: datetime | None) -> str:
    """'just now', '5 min ago', '3 h ago', '2 days ago'."""
    if moment is None:
        return ""
    span = utcnow() - moment
    return "just now" if span < timedelta(minutes=1) else f"{duration(span)} ago"


def duration(span: timedelta | None) -> str:
    if span is None:
        return ""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


def seconds(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def percent(value: float | None) -> str:
    return "none" if value is None else f"{value * 100:.0f}%"


def person(user: User | None) -> str:
    if user is None:
        return "claimdesk"
    return user.name or user.email


def install(bp: Blueprint) -> None:
    @bp.app_context_processor
    def _desk() -> dict[str, Any]:
        # Registered app-wide so Flask's own templates (and error pages) may extend base.html.
        user = authenticate() if request else None
        return {
            "user": user,
            "nav": nav_for(user),
            "first_run": lambda: not has_users(session()),
            "inbox_count": _inbox_count,
            "is_editor": user is not None and has_role(user, Role.EDITOR),
            "is_admin": user is not None and has_role(user, Role.ADMIN),
        }

    filters: dict[str, Callable[..., str]] = {
        "ago": ago,
        "duration": duration,
        "when": when,
        "seconds": seconds,
        "percent": percent,
        "person": person,
    }
    for name, func_ in filters.items():
        bp.add_app_template_filter(func_, name)
