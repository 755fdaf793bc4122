"""Evidence: cite a source for a claim; archiving is queued (202). ``POST /evidence:batch``
cites many at once for imports: the same rules, one transaction, all or nothing."""

from __future__ import annotations

from flask import Response, jsonify
from spectree import Response as Resp
from sqlalchemy.orm.exc import StaleDataError

from app.api import bp
from app.api.idempotency import idempotent
from app.api.responses import sent_if_match
from app.api.schemas.evidence import (
    EvidenceBatch,
    EvidenceBatchOut,
    EvidenceBatchResultItem,
    EvidenceCreate,
    EvidenceOut,
)
from app.api.schemas.sources import capture_out, source_brief
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import Conflict, DomainError, FieldError, Invalid, NotFound
from app.ids import ID
from app.models import Capture, Claim, Evidence, Role
from app.workflow.citing import cite
from app.workflow.claims import guarded_write
from app.workflow.lookup import load


def evidence_out(evidence: Evidence, capture: Capture | None) -> EvidenceOut:
    return EvidenceOut(
        id=evidence.id,
        claim_id=evidence.claim_id,
        stance=evidence.stance,
        quote=evidence.quote,
        quote_found=evidence.quote_found,
        quote_start=evidence.quote_start,
        quote_end=evidence.quote_end,
        created_at=evidence.created_at,
        added_by_id=evidence.added_by_id,
        source=source_brief(evidence.source),
        capture=capture_out(capture) if capture is not None else None,
    )


@bp.post(f"/claims/<{ID}:claim_id>/evidence")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(
    json=EvidenceCreate,
    resp=Resp(
        HTTP_200=EvidenceOut,
        HTTP_202=EvidenceOut,
        HTTP_401=ProblemModel,
        HTTP_403=ProblemModel,
        HTTP_404=ProblemModel,
        HTTP_409=ProblemModel,
        HTTP_422=ProblemModel,
    ),
    tags=["evidence"],
)
def add_evidence(claim_id: int, json: EvidenceCreate) -> Response:
    """Cite a source for the claim; 202 while the source is archived in the background. Citing
    the same source with the same stance again returns the existing item (200)."""
    s = session()
    claim = load(s, Claim, claim_id)
    # A worker recording an archive for this claim at the same moment wins; the caller retries.
    user = current_user()
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        cited = cite(
            s,
            claim,
            json.url,
            json.stance,
            json.quote,
            actor=user,
            as_editor=has_role(user, Role.EDITOR),
        )
        s.commit()
    resp = jsonify(evidence_out(cited.evidence, cited.capture).model_dump(mode="json"))
    resp.status_code = 202 if cited.created else 200
    return resp


def _at_item(exc: DomainError, index: int) -> DomainError:
    """The refusal of one item, saying which: ``items[3]: ...`` and fields under it."""
    where = f"items[{index}]"
    detail = f"{where}: {exc.detail}"
    if isinstance(exc, Invalid):
        fields = [FieldError(f"{where}.{e.field}", e.message) for e in exc.errors]
        return Invalid(detail, errors=fields or [FieldError(where, exc.detail)])
    if isinstance(exc, NotFound):
        return NotFound(exc.kind, exc.ident, detail)
    if isinstance(exc, Conflict):
        return type(exc)(detail, current_version=exc.current_version)
    return type(exc)(detail)


@bp.post("/evidence:batch")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(
    json=EvidenceBatch,
    resp=Resp(
        HTTP_200=EvidenceBatchOut,
        HTTP_202=EvidenceBatchOut,
        HTTP_401=ProblemModel,
        HTTP_403=ProblemModel,
        HTTP_404=ProblemModel,
        HTTP_409=ProblemModel,
        HTTP_422=ProblemModel,
    ),
    tags=["evidence"],
)
def add_evidence_batch(json: EvidenceBatch) -> Response:
    """Cite many sources at once (an import): each item as `POST /claims/{id}/evidence` would,
    all in one transaction. Any item refused refuses the whole batch, with the item's index
    (`items[3]: ...`) and nothing written; 202 when at least one item is new, else 200."""
    s = session()
    user = current_user()
    as_editor = has_role(user, Role.EDITOR)
    claims: dict[int, Claim] = {}
    results: list[EvidenceBatchResultItem] = []
    try:
        for index, item in enumerate(json.items):
            try:
                claim = claims.get(item.claim_id) or load(s, Claim, item.claim_id)
                claims[claim.id] = claim
                cited = cite(
                    s, claim, item.url, item.stance, item.quote, actor=user, as_editor=as_editor
                )
            except DomainError as exc:
                raise _at_item(exc, index) from None
            out = evidence_out(cited.evidence, cited.capture)
            results.append(EvidenceBatchResultItem(**dict(out), created=cited.created))
        s.commit()
    except StaleDataError:
        s.rollback()
        raise Conflict(
            "A claim of this batch was changed by someone else at the same moment; send the "
            "batch again."
        ) from None
    except BaseException:
        s.rollback()  # nothing of the batch stays
        raise
    resp = jsonify(EvidenceBatchOut(items=results).model_dump(mode="json"))
    resp.status_code = 202 if any(r.created for r in results) else 200
    return resp
