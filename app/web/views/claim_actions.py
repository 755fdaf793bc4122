"""What a person does in the claim workspace: cite a source, propose, approve or reject a
verdict, edit the wording, renew or release the lease, assign (editors), write a note.

Each action calls the same service as the API under ``guarded_write``; a refusal is shown
beside its form with the status the API would answer (``app.errors.status_of``). Forms carry
the claim's version, checked with ``editing.check_version`` (the page's If-Match): an edit
made against an older version shows "someone changed this claim, here is the new version".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, request
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import DomainError, Stale, status_of
from app.models import Claim, Role, Stance, User
from app.web import bp
from app.web.forms import (
    ApproveForm,
    EditForm,
    EvidenceForm,
    NoteForm,
    RejectForm,
    VerdictForm,
    first_error,
    options,
    split_tags,
)
from app.web.pages import form_version, is_htmx, render, see_other
from app.web.views.claims import CLAIM_ID, live_fragment, workspace_page
from app.web.views.inbox import inbox_page
from app.web.workspace import build
from app.workflow import queue, verdicts
from app.workflow.citing import cite
from app.workflow.claims import guarded_write
from app.workflow.editing import check_version, edit_claim
from app.workflow.lookup import load
from app.workflow.notes import add_note


def refuse_beside(claim: Claim, section: str, message: str, status: int, **extra: Any) -> Response:
    """The workspace again, the message beside the form of ``section``, the form as sent."""
    session().rollback()
    session().refresh(claim)
    ws = build(claim, current_user(), errors={section: message}, **extra)
    return workspace_page(ws, status)


def write(claim: Claim, action: Callable[[], object], *, versioned: bool = True) -> None:
    """Run ``action`` on the claim under ``guarded_write`` (a lost race is refused, not lost)."""
    s = session()
    with guarded_write(s, claim.id, versioned=versioned):
        action()
        s.commit()


# --- evidence -----------------------------------------------------------------------------


@bp.post(f"/claims/{CLAIM_ID}/evidence")
@require_role(Role.FACT_CHECKER)
def add_evidence(claim_id: int) -> ResponseReturnValue:
    """Cite a source (the same call as ``POST /api/v1/claims/<id>/evidence``). With htmx the
    answer is the live status section, polling while the source is archived."""
    claim = load(session(), Claim, claim_id)
    form = EvidenceForm()
    message, status = None, 200
    if not form.validate_on_submit():
        message, status = first_error(form), 422
    else:
        quote = (form.quote.data or "").strip() or None
        try:
            write(
                claim,
                lambda: cite(
                    session(),
                    claim,
                    form.url.data.strip(),
                    Stance(form.stance.data),
                    quote,
                    actor=current_user(),
                    as_editor=has_role(current_user(), Role.EDITOR),
                ),
                versioned=False,
            )
        except DomainError as exc:
            message, status = exc.detail, status_of(exc)
    if message is None:
        if is_htmx():
            ws = build(claim, current_user())
            return live_fragment(ws, seen=request.args.get("seen"), evidence_sent=True)
        flash("Evidence added; the source is being archived.", "success")
        return see_other("web.claim", claim_id=claim.id)
    if is_htmx():
        session().rollback()
        ws = build(claim, current_user(), errors={"evidence": message}, forms={"evidence": form})
        resp = render("claims/_evidence_form.html", status=status, ws=ws)
        resp.headers["HX-Retarget"] = "#evidence-form"
        resp.headers["HX-Reswap"] = "outerHTML"
        return resp
    return refuse_beside(claim, "evidence", message, status, forms={"evidence": form})


# --- verdicts -----------------------------------------------------------------------------


@bp.post(f"/claims/{CLAIM_ID}/verdict")
@require_role(Role.FACT_CHECKER)
def propose_verdict(claim_id: int) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    form = VerdictForm()
    form.rating.choices = options([(r, r) for r in verdicts.scale()])
    if not form.validate_on_submit():
        return refuse_beside(claim, "verdict", first_error(form), 422, forms={"verdict": form})
    user = current_user()
    try:
        check_version(claim, form_version())
        write(
            claim,
            lambda: verdicts.propose(
                session(),
                claim,
                user,
                form.rating.data,
                form.rationale.data.strip(),
                as_editor=has_role(user, Role.EDITOR),
            ),
        )
    except Stale as exc:
        form.version.data = str(exc.current_version)
        return refuse_beside(
            claim,
            "verdict",
            "Someone changed this claim since you loaded it; the page now shows the new "
            "version. Check the evidence and propose again.",
            status_of(exc),
            forms={"verdict": form},
        )
    except DomainError as exc:
        return refuse_beside(claim, "verdict", exc.detail, status_of(exc), forms={"verdict": form})
    flash("Verdict proposed. An editor other than you will review it.", "success")
    return see_other("web.claim", claim_id=claim.id)


def _review(claim_id: int, decide: str) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    form: ApproveForm | RejectForm = ApproveForm() if decide == "approve" else RejectForm()
    from_inbox = request.form.get("back") == "inbox"
    editor = current_user()

    def refuse(message: str, status: int) -> Response:
        if from_inbox:
            session().rollback()
            return inbox_page(errors={claim.id: message}, status=status)
        return refuse_beside(claim, decide, message, status, forms={decide: form})

    if not form.validate_on_submit():
        return refuse(first_error(form), 422)
    note = (form.note.data or "").strip() or None
    waiting = verdicts.pending(claim)
    correction = waiting is not None and waiting.corrects_id is not None
    try:
        check_version(claim, form_version())
        if decide == "approve":
            write(claim, lambda: verdicts.approve(session(), claim, editor, note))
        else:
            close = isinstance(form, RejectForm) and bool(form.close.data)
            write(claim, lambda: verdicts.reject(session(), claim, editor, note or "", close=close))
    except Stale as exc:
        form.version.data = str(exc.current_version)
        return refuse(
            "Someone changed this claim since you loaded it; here is the new version. "
            f"Review it again before you {decide} the verdict.",
            status_of(exc),
        )
    except DomainError as exc:
        return refuse(exc.detail, status_of(exc))
    flash(_review_done(claim, decide, correction=correction), "success")
    return see_other("web.inbox") if from_inbox else see_other("web.claim", claim_id=claim.id)


def _review_done(claim: Claim, decide: str, *, correction: bool) -> str:
    """What the review did, in the words of what was reviewed (a verdict, a correction)."""
    what = "Correction" if correction else "Verdict"
    if decide == "approve":
        done = "approved: it is published" if correction else "approved: the claim is verified"
    elif claim.closed_as is not None:
        done = "rejected, and the claim is closed"
    else:
        done = "rejected"
    return f"{what} on claim {claim.id} {done}."


@bp.post(f"/claims/{CLAIM_ID}/verdict/approve")
@require_role(Role.EDITOR)
def approve_verdict(claim_id: int) -> ResponseReturnValue:
    return _review(claim_id, "approve")


@bp.post(f"/claims/{CLAIM_ID}/verdict/reject")
@require_role(Role.EDITOR)
def reject_verdict(claim_id: int) -> ResponseReturnValue:
    return _review(claim_id, "reject")


# --- editing ------------------------------------------------------------------------------


@bp.post(f"/claims/{CLAIM_ID}/edit")
@require_role(Role.FACT_CHECKER)
def edit(claim_id: int) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    form = EditForm()
    if not form.validate_on_submit():
        return refuse_beside(claim, "edit", first_error(form), 422, forms={"edit": form})
    user = current_user()
    changes = {
        "text": form.text.data.strip(),
        "speaker": (form.speaker.data or "").strip() or None,
        "tags": split_tags(form.tags.data),
    }
    try:
        check_version(claim, form_version(), required=True)
        write(
            claim,
            lambda: edit_claim(
                session(), claim, user, changes, as_editor=has_role(user, Role.EDITOR)
            ),
        )
    except Stale as exc:
        # Show the claim as it is now, keep the person's wording in the form, and let a
        # second press apply it to the new version.
        session().rollback()
        session().refresh(claim)
        form.version.data = str(claim.version)
        ws = build(
            claim,
            user,
            forms={"edit": form},
            errors={"edit": exc.detail},
            conflict={"text": claim.text, "speaker": claim.speaker, "tags": claim.tags},
        )
        return workspace_page(ws, status_of(exc))
    except DomainError as exc:
        return refuse_beside(claim, "edit", exc.detail, status_of(exc), forms={"edit": form})
    flash("Claim updated.", "success")
    return see_other("web.claim", claim_id=claim.id)


# --- lease and assignment -----------------------------------------------------------------


def _lease(claim_id: int, act: Callable[[Claim, User], object], done: str) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    user = current_user()
    try:
        check_version(claim, form_version())
        write(claim, lambda: act(claim, user))
    except DomainError as exc:
        return refuse_beside(claim, "lease", exc.detail, status_of(exc))
    flash(done, "success")
    return see_other("web.claim", claim_id=claim.id)


@bp.post(f"/claims/{CLAIM_ID}/lease/renew")
@require_role(Role.FACT_CHECKER)
def renew_lease(claim_id: int) -> ResponseReturnValue:
    return _lease(claim_id, lambda c, u: queue.renew(session(), c, u), "Lease renewed.")


@bp.post(f"/claims/{CLAIM_ID}/lease/release")
@require_role(Role.FACT_CHECKER)
def release_lease(claim_id: int) -> ResponseReturnValue:
    return _lease(
        claim_id,
        lambda c, u: queue.release(session(), c, u, as_editor=has_role(u, Role.EDITOR)),
        "The claim is back in the queue.",
    )


@bp.post(f"/claims/{CLAIM_ID}/assign")
@require_role(Role.EDITOR)
def assign(claim_id: int) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    raw = request.form.get("user_id", "")
    assignee = None
    if raw:
        assignee = session().get(User, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if assignee is None:
            return refuse_beside(claim, "lease", "Choose a person from the list.", 422)
    editor = current_user()
    try:
        check_version(claim, form_version())
        write(claim, lambda: queue.assign(session(), claim, editor, assignee))
    except DomainError as exc:
        return refuse_beside(claim, "lease", exc.detail, status_of(exc))
    who = (assignee.name or assignee.email) if assignee else "nobody"
    flash(f"Claim {claim.id} assigned to {who}.", "success")
    return see_other("web.claim", claim_id=claim.id)


# --- notes --------------------------------------------------------------------------------


@bp.post(f"/claims/{CLAIM_ID}/notes")
@require_role(Role.FACT_CHECKER)
def add_claim_note(claim_id: int) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    form = NoteForm()
    message, status = None, 200
    if not form.validate_on_submit():
        message, status = first_error(form), 422
    else:
        try:
            write(
                claim,
                lambda: add_note(session(), claim, current_user(), form.body.data),
                versioned=False,
            )
        except DomainError as exc:
            message, status = exc.detail, status_of(exc)
    if is_htmx():
        if message is not None:
            session().rollback()
        ws = build(
            claim,
            current_user(),
            errors={"note": message} if message else {},
            forms={"note": form} if message else {},
        )
        return render("claims/_notes.html", status=status, ws=ws)
    if message is not None:
        return refuse_beside(claim, "note", message, status, forms={"note": form})
    return see_other("web.claim", claim_id=claim.id, _anchor="notes")
