"""Everything the claim workspace shows, gathered once for the page and its fragments.

The claim, its state and reasons, evidence and verdicts come from the read model
(``app.workflow.reading.claim_view``); this module only adds what the page decides on its own:
which forms to offer the signed-in person (they mirror the services' rules, which still
decide), the article excerpt around the claim, and the page of history shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import select

from app.auth.policy import has_role
from app.db import session
from app.exports.query import public_path
from app.models import (
    Capture,
    CaptureStatus,
    Claim,
    ClaimSimilarity,
    ExportRun,
    Note,
    Role,
    User,
    Verdict,
)
from app.web import history as trail
from app.web.context import person
from app.web.forms import (
    ApproveForm,
    AssignForm,
    ClosingForm,
    CorrectionForm,
    EditForm,
    EvidenceForm,
    LeaseForm,
    NoteForm,
    RejectForm,
    VerdictForm,
    options,
)
from app.web.highlight import Piece, pieces, window
from app.web.review import Proposal, describe
from app.workflow.clusters import similar
from app.workflow.directory import assignable
from app.workflow.inbox import may_review
from app.workflow.leases import holds_lease, leased_to_other
from app.workflow.notes import thread
from app.workflow.reading import ClaimView, EvidenceView, claim_view
from app.workflow.reasons import failure_words
from app.workflow.verdicts import RATEABLE_STATES, pending, scale, standing

IN_FLIGHT = (CaptureStatus.PENDING, CaptureStatus.FETCHING)
EXPORTS_SHOWN = 10  # newest export runs listed in the workspace


@dataclass
class Excerpt:
    pieces: list[Piece[bool]]
    cut_before: bool
    cut_after: bool


@dataclass(frozen=True)
class Suggestion:
    """A claim the matcher found alike, with the pair's score, relation and decision."""

    other: Claim
    pair: ClaimSimilarity

    @property
    def relation_words(self) -> str:
        return RELATION_WORDS.get(self.pair.relation.value, self.pair.relation.value)


RELATION_WORDS = {
    "same": "may state the same fact",
    "approximate": "the same fact with approximate figures",
    "contradicts": "contradicts this claim",
    "different": "alike, but probably another fact",
}


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
    proposal: Proposal | None  # the pending verdict, described (correction, copy)
    published: Verdict | None  # the approved verdict in force, stale or not
    may_review: bool
    can_propose: bool
    why_not_propose: str | None
    can_correct: bool  # an editor may propose a correction of the published verdict
    can_copy_to_cluster: bool  # ... or propose it for the restatements
    can_withdraw: bool
    can_reopen: bool
    override_notice: str | None  # an editor acting on someone else's lease is told first
    public_url: str | None  # the published fact-check page
    history: trail.HistoryPage
    export_runs: list[tuple[ExportRun, User | None]]  # the newest runs that included it
    ratings: list[str]
    restatements: list[Claim]
    suggestions: list[Suggestion]  # the matcher's pairs, best first, decided or not
    forms: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    conflict: dict[str, Any] | None = None  # the current claim, after a stale edit

    def reason(self, slug: str | None) -> str:
        return failure_words(slug)

    @property
    def closed(self) -> bool:
        return self.claim.closed_as is not None

    @property
    def may_close_on_reject(self) -> bool:
        """Closing is offered with a rejection, never with a rejected correction: a published
        fact-check is corrected, not closed."""
        return self.proposal is not None and not self.proposal.is_correction

    def archived_copy(self, item: EvidenceView) -> Capture | None:
        """The newest archived capture of the item's source (a later failed re-check does not
        take the archived copy away)."""
        return next((c for c in item.source.captures if c.status is CaptureStatus.ARCHIVED), None)

    @property
    def in_flight(self) -> int:
        return sum(
            1 for e in self.view.evidence if e.capture is not None and e.capture.status in IN_FLIGHT
        )

    event_title = staticmethod(trail.title)
    event_detail = staticmethod(trail.detail)

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
    claim: Claim,
    user: User,
    waiting: Verdict | None,
    standing_: Verdict | None,
    *,
    is_editor: bool,
) -> str | None:
    """Why the Propose verdict form is not offered (the rules of ``verdicts.propose``); None
    when it is."""
    if claim.closed_as is not None:
        return f"The claim is closed ({claim.closed_as.value}); an editor can reopen it."
    if waiting is not None:
        what = "A correction" if waiting.corrects_id else "A verdict"
        return f"{what} is awaiting an editor's review."
    if standing_ is not None and not standing_.stale:
        return "The claim has a published verdict; an editor can propose a correction."
    if claim.state not in RATEABLE_STATES:
        return (
            f"The claim is {claim.state.value}: a verdict can be proposed once it is "
            "corroborated or disputed."
        )
    if leased_to_other(claim, user) and not is_editor:
        return "Another fact-checker holds this claim; they propose its verdict."
    return None


def _override_notice(claim: Claim, user: User, is_editor: bool) -> str | None:
    """What an editor reads before changing a claim someone else holds (the services record
    the change as a lease override)."""
    if not is_editor or not leased_to_other(claim, user):
        return None
    expires = claim.lease_expires_at
    until = f" until {expires:%H:%M} UTC" if expires is not None else ""
    return (
        f"{person(claim.assignee)} holds this claim{until}; your change will be recorded as "
        "an override."
    )


def _users(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session().scalars(select(User).where(User.id.in_(ids)))}


def _export_runs(claim_runs: list[ExportRun]) -> list[tuple[ExportRun, User | None]]:
    runs = claim_runs[:EXPORTS_SHOWN]
    people = _users({r.actor_id for r in runs if r.actor_id is not None})
    return [(r, people.get(r.actor_id) if r.actor_id else None) for r in runs]


def _suggestions(claim: Claim) -> list[Suggestion]:
    s = session()
    pairs = similar(s, claim)
    if not pairs:
        return []
    others = {c.id: c for c in s.scalars(select(Claim).where(Claim.id.in_([o for o, _ in pairs])))}
    return [Suggestion(others[o], p) for o, p in pairs if o in others]


def build(
    claim: Claim, user: User, *, history_upto: int | None = None, **overrides: Any
) -> Workspace:
    s = session()
    view = claim_view(s, claim)
    waiting = pending(claim)
    standing_ = standing(claim)
    is_editor = has_role(user, Role.EDITOR)
    why_not = _why_not_propose(claim, user, waiting, standing_, is_editor=is_editor)
    closed = claim.closed_as is not None
    published = standing_ is not None and not standing_.stale
    forms: dict[str, Any] = {
        "evidence": EvidenceForm(formdata=None),
        "verdict": VerdictForm(formdata=None, version=claim.version),
        "approve": ApproveForm(formdata=None, version=claim.version),
        "reject": RejectForm(formdata=None, version=claim.version),
        "correct": CorrectionForm(
            formdata=None,
            version=claim.version,
            rating=standing_.rating if standing_ else None,
            rationale=standing_.rationale if standing_ else "",
        ),
        "closing": ClosingForm(formdata=None, version=claim.version),
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
    forms["correct"].rating.choices = options([(r, r) for r in ratings])
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
        proposal=describe(s, waiting) if waiting is not None else None,
        published=standing_,
        may_review=waiting is not None and may_review(user, waiting),
        can_propose=why_not is None,
        why_not_propose=why_not,
        can_correct=is_editor and published and waiting is None and not closed,
        can_copy_to_cluster=is_editor and view.verified and bool(view.cluster_members),
        can_withdraw=is_editor and not closed and not view.verified,
        can_reopen=is_editor and closed,
        override_notice=None if closed else _override_notice(claim, user, is_editor),
        public_url=public_path(claim.id, claim.public_slug) if view.verified else None,
        history=trail.timeline(s, claim.id, history_upto),
        export_runs=_export_runs(view.exports),
        ratings=ratings,
        restatements=list(
            s.scalars(select(Claim).where(Claim.id.in_(view.cluster_members)).order_by(Claim.id))
        )
        if view.cluster_members
        else [],
        suggestions=_suggestions(claim),
        forms=forms,
        **overrides,
    )
