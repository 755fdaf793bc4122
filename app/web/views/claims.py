"""The claim workspace (``/claims/<id>``): the claim in its article, its state and why, the
evidence with each capture's status, verdicts, notes, lease controls, history.

With ``HX-Request`` the same route answers with the live status fragment the page polls every
second while a capture is pending; when every capture is final the fragment comes back without
its trigger, and the polling stops. When the state moved since the page last showed it, the
verdict panel comes along (an out-of-band swap), so "Propose verdict" appears by itself.

The history shows the newest events; ``?upto=N`` (or ``/claims/<id>/history?upto=N`` for the
fragment) shows the page of events ending at event N.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, require_role
from app.db import session
from app.ids import ID, MAX_ID
from app.models import Claim, Role
from app.web import bp
from app.web.pages import is_htmx, render
from app.web.workspace import Workspace, build
from app.workflow.lookup import load

CLAIM_ID = f"<{ID}:claim_id>"


def history_upto() -> int | None:
    """The ``upto`` of the history page asked for; anything unusable means the newest."""
    raw = request.args.get("upto", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None


def workspace_page(ws: Workspace, status: int = 200) -> Response:
    return render("claims/page.html", status=status, ws=ws)


def live_fragment(ws: Workspace, *, seen: str | None, status: int = 200, **extra: Any) -> Response:
    return render(
        "claims/live.html",
        status=status,
        ws=ws,
        refresh_verdict=seen != ws.claim.state.value,
        state_moved=seen is not None and seen != ws.claim.state.value,
        **extra,
    )


@bp.get(f"/claims/{CLAIM_ID}", endpoint="claim")
@require_role(Role.FACT_CHECKER)
def claim_page(claim_id: int) -> ResponseReturnValue:
    claim = load(session(), Claim, claim_id)
    ws = build(claim, current_user(), history_upto=history_upto())
    if is_htmx():
        return live_fragment(ws, seen=request.args.get("seen"))
    return workspace_page(ws)


@bp.get(f"/claims/{CLAIM_ID}/history")
@require_role(Role.FACT_CHECKER)
def claim_history(claim_id: int) -> ResponseReturnValue:
    """One page of the claim's history: the fragment for htmx, else the workspace showing it."""
    claim = load(session(), Claim, claim_id)
    ws = build(claim, current_user(), history_upto=history_upto())
    return render("claims/page.html", fragment="claims/_history.html", ws=ws)
