"""Claims: create, list (the review queue's view), read in full, edit under If-Match."""

from __future__ import annotations

from flask import Response, url_for
from spectree import Response as Resp

from app.api import bp
from app.api.idempotency import idempotent
from app.api.responses import if_match, json_response
from app.api.schemas.claims import (
    MAX_ID,
    ClaimCreate,
    ClaimDetail,
    ClaimEdit,
    ClaimPage,
    ClaimQuery,
    EventOut,
    EventPage,
    EventQuery,
)
from app.api.serialize import claim_detail, claim_out
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import Invalid
from app.ids import ID
from app.models import Claim, Document, Role
from app.workflow.claims import NewClaim, create_claim, guarded_write
from app.workflow.editing import edit_claim
from app.workflow.lookup import load
from app.workflow.queue import ClaimFilters, list_claims
from app.workflow.reading import claim_view, events_page

_AUTH = {"HTTP_401": ProblemModel, "HTTP_403": ProblemModel}


def detail_response(claim: Claim, status: int = 200) -> Response:
    return json_response(claim_detail(claim_view(session(), claim)), status)


@bp.post("/claims")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(
    json=ClaimCreate,
    resp=Resp(HTTP_201=ClaimDetail, HTTP_422=ProblemModel, **_AUTH),
    tags=["claims"],
)
def create(json: ClaimCreate) -> Response:
    """Submit a claim; it starts in state `submitted`. Accepts `Idempotency-Key`."""
    s = session()
    document = None
    if json.document_id is not None:
        document = s.get(Document, json.document_id)
        if document is None:
            raise Invalid(f"document_id {json.document_id} does not exist.", field="document_id")
    claim = create_claim(
        s,
        NewClaim(
            text=json.text,
            document=document,
            speaker=json.speaker,
            speaker_kind=json.speaker_kind,
            claim_date=json.claim_date,
            appearance_url=str(json.appearance_url) if json.appearance_url else None,
            tags=json.tags,
        ),
        actor=current_user(),
    )
    s.commit()
    resp = detail_response(claim, 201)
    resp.headers["Location"] = url_for("api.get_claim", claim_id=claim.id)
    return resp


@bp.get("/claims")
@require_role(Role.FACT_CHECKER)
@spec.validate(
    query=ClaimQuery, resp=Resp(HTTP_200=ClaimPage, HTTP_422=ProblemModel, **_AUTH), tags=["claims"]
)
def list_(query: ClaimQuery) -> Response:
    """Claims in queue order (priority, then oldest), filtered, one page at a time."""
    assignee: int | str | None = query.assignee
    if assignee == "me":
        assignee = current_user().id
    elif assignee is not None and assignee != "none":
        # An id beyond any real one matches nobody; 0 says so and fits a 32-bit column.
        assignee = int(assignee) if int(assignee) <= MAX_ID else 0
    claims, next_cursor = list_claims(
        session(),
        ClaimFilters(
            state=query.state,
            assignee=assignee,  # type: ignore[arg-type]
            document_id=query.document,
            has_verdict=query.has_verdict,
            verdict=query.verdict,
            q=query.q,
        ),
        cursor=query.cursor,
        limit=query.limit,
    )
    page = ClaimPage(claims=[claim_out(c) for c in claims], next_cursor=next_cursor)
    return json_response(page)


@bp.get(f"/claims/<{ID}:claim_id>")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=ClaimDetail, HTTP_404=ProblemModel, **_AUTH), tags=["claims"])
def get_claim(claim_id: int) -> Response:
    """A claim with its state and why, evidence, verdicts, wording history and audit trail."""
    return detail_response(load(session(), Claim, claim_id))


@bp.patch(f"/claims/<{ID}:claim_id>")
@require_role(Role.FACT_CHECKER)
@spec.validate(
    json=ClaimEdit,
    resp=Resp(
        HTTP_200=ClaimDetail,
        HTTP_400=ProblemModel,
        HTTP_404=ProblemModel,
        HTTP_412=ProblemModel,
        HTTP_422=ProblemModel,
        HTTP_428=ProblemModel,
        **_AUTH,
    ),
    tags=["claims"],
)
def edit(claim_id: int, json: ClaimEdit) -> Response:
    """Change the wording, speaker, tags, claim date or appearance URL. Needs
    `If-Match: "<version>"` and the claim's lease (or the editor role). Any change of wording
    after approval makes the verdict stale; the other fields do not."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim, required=True)
    user = current_user()
    changes = {f: getattr(json, f) for f in json.model_fields_set}
    if changes.get("appearance_url") is not None:
        changes["appearance_url"] = str(changes["appearance_url"])
    with guarded_write(s, claim_id, versioned=True):
        edit_claim(s, claim, user, changes, as_editor=has_role(user, Role.EDITOR))
        s.commit()
    return detail_response(claim)


@bp.get(f"/claims/<{ID}:claim_id>/events")
@require_role(Role.FACT_CHECKER)
@spec.validate(
    query=EventQuery,
    resp=Resp(HTTP_200=EventPage, HTTP_404=ProblemModel, HTTP_422=ProblemModel, **_AUTH),
    tags=["claims"],
)
def events(claim_id: int, query: EventQuery) -> Response:
    """The claim's audit trail, oldest first, one page at a time."""
    s = session()
    claim = load(s, Claim, claim_id)
    page, after = events_page(s, claim.id, int(query.cursor or 0), query.limit)
    return json_response(
        EventPage(
            events=[EventOut.model_validate(e, from_attributes=True) for e in page],
            next_cursor=str(after) if after is not None else None,
        )
    )
