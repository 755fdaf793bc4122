"""The inbox (``/inbox``): for editors, verdicts awaiting approval with the evidence summary
and who proposed them, corrections awaiting a second editor and stale verdicts with why; for
everyone, their own proposals awaiting review and those rejected lately. Approve and Reject
appear only where the signed-in person may use them (never on their own proposal). A
correction is shown beside the verdict it would replace; a copy from a restatement is marked
"from cluster of #N"."""

from __future__ import annotations

from flask import Response
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, require_role
from app.db import session
from app.models import Role
from app.web import bp
from app.web.forms import ApproveForm, RejectForm
from app.web.pages import render
from app.web.review import describe
from app.workflow.inbox import inbox_for, may_review


def inbox_page(errors: dict[int, str] | None = None, status: int = 200) -> Response:
    user = current_user()
    return render(
        "inbox/page.html",
        status=status,
        inbox=inbox_for(session(), user),
        may_review=lambda verdict: may_review(user, verdict),
        proposal=lambda verdict: describe(session(), verdict),
        approve_form=ApproveForm(formdata=None),
        reject_form=RejectForm(formdata=None),
        errors=errors or {},
    )


@bp.get("/inbox")
@require_role(Role.FACT_CHECKER)
def inbox() -> ResponseReturnValue:
    return inbox_page()
