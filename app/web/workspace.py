"""Everything the claim workspace shows, gathered once for the page and its fragments.

The claim, its state and reasons, evidence and verdicts come from the read model
(``app.workflow.reading.claim_view``); this module only adds what the page decides on its own:
which forms to offer the signed-in person, and the article excerpt around the claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import select

from app.auth.policy import has_role
from app.db import session
from app.models import Capture, CaptureStatus, Claim, Event, Note, Role, User, Verdict
from app.web import history
from app.web.forms import (
    ApproveForm,
    AssignForm,
    EditForm,
    EvidenceForm,
    LeaseForm,
    NoteForm,
    RejectForm,
    VerdictForm,
    options,
)
from app.web.highlight import Piece, pieces, window
from app.workflow.directory import assignable
from app.workflow.inbox import may_review
from app.workflow.leases import holds_lease, leased_to_other
from app.workflow.notes import thread
from app.workflow.reading import ClaimView, EvidenceView, claim_view
from app.workflow.reasons import failure_words as describe
from app.workflow.verdicts import RATEABLE_STATES, pending, scale, standing

IN_FLIGHT = (CaptureStatus.PENDING, CaptureStatus.FETCHING)
HISTORY_SHOWN = 150  # newest events shown in the timeline


@dataclass
class Excerpt:
    pieces: list[Piece[bool]]
    cut_before: bool
    cut_after: bool


@dataclass
class Workspace:
    claim: Claim
    user: User
    view: ClaimView
    notes: list[Note]
    excerpt: Excerpt | None
    live: bool  # a capture is still pending or fetching: the status section polls
    holds: bool  # the user holds the claim's lease
    taken_by_other: bool
    is_editor: bool
    pending: Verdict | None
    may_review: bool
    can_propose: bool
    why_not_propose: str | None
    ratings: list[str]
    restatements: list[Claim]
    forms: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    conflict: dict[str, Any] | None = None  # the current claim, after a stale edit

    def reason(self, slug: str | None) -> str:
        return describe(slug)

    def archived_copy(self, item: EvidenceView) -> Capture | None:
        """The newest archived capture of the item's source (a later failed re-check does not
        take the archived copy away)."""
        return next((c for c in item.source.captures if c.status is CaptureStatus.ARCHIVED), None)

    @property
    def in_flight(self) -> int:
        return sum(
            1 for e in self.view.evidence if e.capture is not None and e.capture.status in IN_FLIGHT
        )

    @property
    def timeline(self) -> list[Event]:
        return list(reversed(self.view.events[-HISTORY_SHOWN:]))

    @property
    def hidden_events(self) -> int:
        return max(0, len(self.view.events) - HISTORY_SHOWN)

    event_title = staticmethod(history.title)
    event_detail = staticmethod(history.detail)

    @property
    def live_url(self) -> str:
        return url_for("web.claim", claim_id=self.claim.id, seen=self.claim.state.value)


def _excerpt(claim: Claim) -> Excerpt | None:
    document = claim.document
    if document is None or claim.span_start is None or claim.span_end is None:
        return None
    text, start, end, before, after = window(document.text, claim.span_start, claim.span_end)
    return Excerpt(pieces(text, [(start, end, True)]), before, after)


def _why_not_propose(
    claim: Claim, user: User, waiting: Verdict | None, standing_: Verdict | None
) -> str | None:
    """Why the Propose verdict form is not offered (the rules of ``verdicts.propose``); None
    when it is."""
    if waiting is not None:
        return "A verdict is awaiting an editor's review."
    if standing_ is not None and not standing_.stale:
        return "The claim has an approved verdict; an editor can correct it."
    if claim.state not in RATEABLE_STATES:
        return (
            f"The claim is {claim.state.value}: a verdict can be proposed once it is "
            "corroborated or disputed."
        )
    if leased_to_other(claim, user):
        return "Another fact-checker holds this claim; they propose its verdict."
    return None


def build(claim: Claim, user: User, **overrides: Any) -> Workspace:
    s = session()
    view = claim_view(s, claim)
    waiting = pending(claim)
    standing_ = standing(claim)
    why_not = _why_not_propose(claim, user, waiting, standing_)
    is_editor = has_role(user, Role.EDITOR)
    forms: dict[str, Any] = {
        "evidence": EvidenceForm(formdata=None),
        "verdict": VerdictForm(formdata=None, version=claim.version),
        "approve": ApproveForm(formdata=None, version=claim.version),
        "reject": RejectForm(formdata=None, version=claim.version),
        "edit": EditForm(
            formdata=None,
            version=claim.version,
            text=claim.text,
            speaker=claim.speaker or "",
            tags=", ".join(claim.tags),
        ),
        "lease": LeaseForm(formdata=None, version=claim.version),
        "note": NoteForm(formdata=None),
    }
    ratings = list(scale())
    forms["verdict"].rating.choices = options([(r, r) for r in ratings])
    if is_editor:
        assign = AssignForm(
            formdata=None, version=claim.version, user_id=str(claim.assignee_id or "")
        )
        assign.user_id.choices = options(
            [("", "nobody (back to the queue)")]
            + [(str(u.id), u.name or u.email) for u in assignable(s)]
        )
        forms["assign"] = assign
    forms.update(overrides.pop("forms", {}))
    return Workspace(
        claim=claim,
        user=user,
        view=view,
        notes=thread(s, claim),
        excerpt=_excerpt(claim),
        live=any(e.capture is not None and e.capture.status in IN_FLIGHT for e in view.evidence),
        holds=holds_lease(claim, user),
        taken_by_other=leased_to_other(claim, user),
        is_editor=is_editor,
        pending=waiting,
        may_review=waiting is not None and may_review(user, waiting),
        can_propose=why_not is None,
        why_not_propose=why_not,
        ratings=ratings,
        restatements=list(
            s.scalars(select(Claim).where(Claim.id.in_(view.cluster_members)).order_by(Claim.id))
        )
        if view.cluster_members
        else [],
        forms=forms,
        **overrides,
    )
