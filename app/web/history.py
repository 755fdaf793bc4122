"""The claim's audit trail in plain words, for the history timeline of the workspace.

The timeline shows the newest events first, a page at a time (``timeline``). A claim's events
are numbered 1, 2, 3... (``Event.seq``, the hash chain's own numbering), so the page that ends
at event ``upto`` is the keyset page ``reading.events_page`` gives after ``upto - size``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.models import Event
from app.workflow.audit import head
from app.workflow.reading import EVENTS_PAGE, events_page
from app.workflow.reasons import failure_words as describe


@dataclass(frozen=True)
class HistoryPage:
    events: list[Event]  # newest first
    total: int  # events the claim has
    earlier: int | None  # ``upto`` of the page before this one; None on the first events
    newer: bool  # later events exist (this is not the newest page)

    @property
    def first_seq(self) -> int:
        return self.events[-1].seq if self.events else 0


def timeline(
    session: Session, claim_id: int, upto: int | None = None, size: int = EVENTS_PAGE
) -> HistoryPage:
    """The ``size`` events ending at event number ``upto`` (the newest ones by default)."""
    last, _ = head(session, claim_id)
    top = last if upto is None else max(0, min(upto, last))
    after = max(0, top - size)
    events = events_page(session, claim_id, after=after, limit=top - after)[0] if top else []
    return HistoryPage(list(reversed(events)), last, after or None, top < last)


_TITLES = {
    "created": "Claim created",
    "accepted_from_document": "Accepted from its article",
    "edited": "Claim edited",
    "clustered": "Grouped with its restatements",
    "similarity_confirmed": "Restatement accepted",
    "similarity_rejected": "Restatement rejected",
    "similarity_undone": "Restatement decision undone",
    "leased": "Taken from the queue",
    "lease_renewed": "Lease renewed",
    "lease_released": "Given back to the queue",
    "assigned": "Assigned",
    "evidence_added": "Evidence added",
    "capture_archived": "Source archived",
    "capture_attempt_failed": "Archiving attempt failed; will retry",
    "capture_failed": "Archiving failed",
    "capture_retried": "Archiving retried",
    "state_changed": "State changed",
    "verdict_proposed": "Verdict proposed",
    "verdict_approved": "Verdict approved",
    "verdict_rejected": "Verdict rejected",
    "verdict_corrected": "Correction approved",
    "correction_proposed": "Correction proposed",
    "claim_closed": "Claim closed",
    "claim_reopened": "Claim reopened",
    "lease_overridden": "An editor stepped in on someone else's lease",
    "verdict_stale": "Verdict became stale",
    "verdict_applied_from_cluster": "Verdict applied from a restatement",
    "source_rotted": "A cited source went offline (the archive stands)",
    "source_drifted": "A cited source changed since it was archived",
    "source_recheck_failed": "Re-check of a source failed",
    "source_rechecked": "Source re-checked, unchanged",
    "exported": "Exported",
    "note_added": "Note",
}


def title(event: Event) -> str:
    return _TITLES.get(event.kind, event.kind.replace("_", " ").capitalize())


def detail(event: Event) -> str:
    """One line of what changed, from the event's before/after/detail."""
    before: dict[str, Any] = event.before or {}
    after: dict[str, Any] = event.after or {}
    info: dict[str, Any] = event.detail or {}
    kind = event.kind
    if kind == "state_changed":
        return f"{before.get('state')} → {after.get('state')}"
    if kind == "evidence_added":
        return f"{after.get('stance')}: {after.get('url')}"
    if kind == "capture_archived":
        status = info.get("http_status")
        return f"capture {info.get('capture_id')}" + (f", HTTP {status}" if status else "")
    if kind in ("capture_failed", "capture_attempt_failed", "capture_retried"):
        return describe(info.get("reason"))
    if kind == "edited":
        changed = ", ".join(sorted(after))
        meaning = " (meaning changed)" if info.get("meaning_changed") else ""
        return f"{changed}{meaning}"
    if kind in ("verdict_proposed", "verdict_approved", "verdict_corrected"):
        note = info.get("note") or info.get("correction_note")
        origin = f" (from cluster of #{info['from_claim_id']})" if info.get("from_claim_id") else ""
        return f"rating {after.get('rating')}{origin}" + (f": {note}" if note else "")
    if kind == "verdict_rejected":
        return str(info.get("note") or "")
    if kind == "correction_proposed":
        return (
            f"rating {before.get('rating')} → {after.get('rating')}: "
            f"{info.get('correction_note') or ''}"
        )
    if kind in ("claim_closed", "claim_reopened"):
        closure = after.get("closed_as") or before.get("closed_as")
        note = info.get("note")
        return f"{closure}" + (f": {note}" if note else "")
    if kind == "lease_overridden":
        return f"to {info.get('action') or 'change'} it"
    if kind == "verdict_stale":
        return str(info.get("reason") or "")
    if kind in ("source_rotted", "source_drifted", "source_recheck_failed"):
        return str(info.get("url") or "")
    if kind == "exported":
        return str(info.get("format") or "")
    if kind == "note_added":
        return str(info.get("excerpt") or "")
    if kind in ("clustered", "similarity_confirmed", "similarity_rejected", "similarity_undone"):
        cluster = f"cluster #{before.get('cluster_id')} → #{after.get('cluster_id')}"
        moved = cluster if before.get("cluster_id") != after.get("cluster_id") else "cluster kept"
        return f"#{info.get('other_id')} ({info.get('relation')}): {moved}"
    if kind == "assigned":
        return f"to user {after.get('assignee_id')}" if after.get("assignee_id") else "unassigned"
    return ""
