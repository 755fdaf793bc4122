"""What only editors do in the claim workspace: propose a correction of the published verdict,
propose it for the claim's restatements, withdraw a claim entered by mistake, reopen a closed
one. The same services as the API (``app.workflow.verdicts``, ``app.workflow.closing``); a
refusal is shown beside the form with the status the API would answer."""

from __future__ import annotations

from flask import flash
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, require_role
from app.db import session
from app.errors import DomainError, Stale, status_of
from app.models import Claim, ClaimClosure, Role
from app.web import bp
from app.web.forms import ClosingForm, CorrectionForm, first_error, options
from app.web.pages import form_version, see_other
from app.web.views.claim_actions import refuse_beside, write
from app.web.views.claims import CLAIM_ID
from app.workflow import verdicts
from app.workflow.closing import close_claim, reopen_claim
from app.workflow.editing import check_version
from app.workflow.lookup import load

STALE_FORM = (
    "Someone changed this claim since you loaded it; the page now shows the new version. "
    "Check it and send the form again."
)


@bp.post(f"/claims/{CLAIM_ID}/verdict/correct")
@require_role(Role.EDITOR)
def propose_correction(claim_id: int) -> ResponseReturnValue:
    """A correction is a proposal: the published verdict stands until another editor approves
    it (``verdicts.correct``)."""
    claim = load(session(), Claim, claim_id)
    form = CorrectionForm()
    form.rating.choices = options([(r, r) for r in verdicts.scale()])
    if not form.validate_on_submit():
        return refuse_beside(claim, "correct", first_error(form), 422, forms={"correct": form})
    editor = current_user()
    try:
        check_version(claim, form_version())
        write(
            claim,
            lambda: verdicts.correct(
                session(),
                claim,
                editor,
                form.rating.data,
                form.rationale.data.strip(),
                form.correction_note.data.strip(),
            ),
        )
    except Stale as exc:
        form.version.data = str(exc.current_version)
        return refuse_beside(claim, "correct", STALE_FORM, status_of(exc), forms={"correct": form})
    except DomainError as exc:
        return refuse_beside(claim, "correct", exc.detail, status_of(exc), forms={"correct": form})
    flash(
        "Correction proposed. The published verdict stands until another editor approves it.",
        "success",
    )
    return see_other("web.claim", claim_id=claim.id)


@bp.post(f"/claims/{CLAIM_ID}/verdict/apply-to-cluster")
@require_role(Role.EDITOR)
def propose_for_cluster(claim_id: int) -> ResponseReturnValue:
    """Propose the published verdict for each restatement that stands on its own evidence
    (``verdicts.apply_to_cluster``); the result names those proposed and why others were not."""
    claim = load(session(), Claim, claim_id)  # a button only: CSRFProtect checked its token
    try:
        result = verdicts.apply_to_cluster(session(), claim, current_user())
        session().commit()
    except DomainError as exc:
        return refuse_beside(claim, "cluster", exc.detail, status_of(exc))
    if result.proposed:
        ids = ", ".join(f"#{v.claim_id}" for v in result.proposed)
        flash(
            f"Verdict proposed for {len(result.proposed)} restatement"
            f"{'s' if len(result.proposed) != 1 else ''}: {ids}. Another editor approves each "
            "in the inbox.",
            "success",
        )
    else:
        flash("No restatement could take the verdict.", "warning")
    for member_id, why in sorted(result.skipped.items()):
        flash(f"Not proposed for #{member_id}: {why}.", "warning")
    return see_other("web.claim", claim_id=claim.id)


def _closing(claim_id: int, verb: str) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    form = ClosingForm()
    if not form.validate_on_submit():
        return refuse_beside(claim, "closing", first_error(form), 422, forms={"closing": form})
    editor = current_user()
    note = (form.note.data or "").strip() or None
    try:
        check_version(claim, form_version())
        if verb == "reopen":
            write(claim, lambda: reopen_claim(session(), claim, editor, note))
        else:
            write(
                claim,
                lambda: close_claim(session(), claim, editor, ClaimClosure.WITHDRAWN, note),
            )
    except Stale as exc:
        form.version.data = str(exc.current_version)
        return refuse_beside(claim, "closing", STALE_FORM, status_of(exc), forms={"closing": form})
    except DomainError as exc:
        return refuse_beside(claim, "closing", exc.detail, status_of(exc), forms={"closing": form})
    done = "reopened: it is back in the queue" if verb == "reopen" else "withdrawn"
    flash(f"Claim {claim.id} {done}.", "success")
    return see_other("web.claim", claim_id=claim.id)


@bp.post(f"/claims/{CLAIM_ID}/reopen", endpoint="reopen_claim")
@require_role(Role.EDITOR)
def reopen_claim_page(claim_id: int) -> ResponseReturnValue:
    return _closing(claim_id, "reopen")


@bp.post(f"/claims/{CLAIM_ID}/withdraw")
@require_role(Role.EDITOR)
def withdraw_claim(claim_id: int) -> ResponseReturnValue:
    return _closing(claim_id, "withdraw")
