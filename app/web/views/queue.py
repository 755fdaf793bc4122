"""The review queue (``/queue``, also the desk's home page): the caller's claims first, then
the open queue in the order ``queue/next`` hands claims out; filters, paging, Take next claim,
and bulk actions on a selection (assign, tag, export). Closed claims (rejected or withdrawn)
are listed only under the "Closed" choice of the verdict filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import DomainError, Invalid
from app.exports.query import ExportFilters, published_selection
from app.ids import MAX_ID
from app.models import Claim, ClaimState, Document, Role, User
from app.web import bp
from app.web.forms import BulkForm, first_error, options, split_tags
from app.web.pages import render, see_other
from app.web.views.exports import download
from app.workflow import queue
from app.workflow.directory import assignable
from app.workflow.editing import edit_claim
from app.workflow.listing import VERDICT_FILTERS, QueueFilters, QueuePage, queue_page
from config import settings

PAGE_SIZE = 50
# The formats a selection can be exported in (the exports service's names).
EXPORT_NAMES = {"claimreview": "ClaimReview", "claims.csv": "CSV", "claims.jsonl": "JSON Lines"}


def _filters() -> tuple[QueueFilters, dict[str, str]]:
    """The filters from the query string; unusable values are ignored, not refused, so a
    bookmarked or hand-edited URL still shows the queue."""
    args = request.args
    state = args.get("state", "")
    verdict = args.get("verdict", "open")
    document = args.get("document", "")
    q = " ".join(args.get("q", "").split())[:200].replace("\x00", "")
    tag = " ".join(args.get("tag", "").split())[:100].replace("\x00", "")
    filters = QueueFilters(
        state=ClaimState(state) if state in ClaimState._value2member_map_ else None,
        tag=tag or None,
        document_id=int(document) if document.isdigit() and 0 < int(document) <= MAX_ID else None,
        verdict=verdict if verdict in VERDICT_FILTERS else "open",  # type: ignore[arg-type]
        q=q or None,
    )
    shown = {
        "state": filters.state.value if filters.state else "",
        "tag": filters.tag or "",
        "document": str(filters.document_id or ""),
        "verdict": filters.verdict,
        "q": filters.q or "",
    }
    return filters, shown


def _query(shown: dict[str, str]) -> dict[str, Any]:
    return {k: v for k, v in shown.items() if v}


def _bulk_form() -> BulkForm:
    form = BulkForm(prefix="bulk")
    form.assignee.choices = options(
        [("", "nobody (unassign)")]
        + [(str(u.id), u.name or u.email) for u in assignable(session())]
    )
    form.export_format.choices = options(list(EXPORT_NAMES.items()))
    return form


def _queue_page(message: str | None = None, status: int = 200) -> Response:
    user = current_user()
    filters, shown = _filters()
    cursor = request.args.get("cursor") or None

    def listed(at: str | None) -> QueuePage:
        return queue_page(session(), user, filters, cursor=at, limit=PAGE_SIZE)

    try:
        page = listed(cursor)
    except Invalid as exc:  # a cursor this desk never gave out: start again from the top
        flash(exc.detail, "warning")
        page = listed(None)
        cursor = None
    documents = session().scalars(select(Document).order_by(Document.id.desc()).limit(100)).all()
    next_url = (
        url_for("web.queue", **_query(shown), cursor=page.next_cursor) if page.next_cursor else None
    )
    return render(
        "queue/page.html",
        fragment="queue/_results.html",
        status=status,
        page=page,
        shown=shown,
        paged=cursor is not None,
        next_url=next_url,
        first_url=url_for("web.queue", **_query(shown)),
        states=list(ClaimState),
        verdict_filters=VERDICT_FILTERS,
        documents=documents,
        bulk=_bulk_form(),
        message=message,
    )


@bp.get("/")
@require_role(Role.FACT_CHECKER)
def index() -> ResponseReturnValue:
    return _queue_page()


@bp.get("/queue", endpoint="queue")
@require_role(Role.FACT_CHECKER)
def queue_list() -> ResponseReturnValue:
    return _queue_page()


@bp.post("/queue/next")
@require_role(Role.FACT_CHECKER)
def take_next() -> ResponseReturnValue:
    """The same call as ``POST /api/v1/queue/next``: lease the best open claim, open it.
    (CSRFProtect has checked the form's token before any view runs.)"""
    s = session()
    claim = queue.take_next(s, current_user())
    if claim is None:
        s.rollback()
        return _queue_page("The queue is empty: every open claim is taken or has a verdict.")
    s.commit()
    minutes = settings().LEASE_MINUTES
    flash(f"Claim {claim.id} is yours for the next {minutes} minutes.", "success")
    return see_other("web.claim", claim_id=claim.id)


def _selected() -> list[int]:
    ids = []
    for raw in request.form.getlist("claim"):
        if raw.isdigit() and 0 < int(raw) <= MAX_ID:
            ids.append(int(raw))
    return list(dict.fromkeys(ids))


@bp.post("/queue/bulk")
@require_role(Role.FACT_CHECKER)
def bulk() -> ResponseReturnValue:
    form = _bulk_form()
    if not form.validate_on_submit():
        return _queue_page(first_error(form), 422)
    ids = _selected()
    action = request.form.get("action", "")
    if not ids:
        return _queue_page("Select at least one claim first.", 422)
    if action == "export":
        return _export_selection(ids, form.export_format.data or "claimreview")
    if action == "assign":
        return _assign_selection(ids, form.assignee.data or "")
    if action == "tag":
        tags = split_tags(form.tag.data)
        if not tags:
            return _queue_page("Type the tag to add to the selected claims.", 422)
        return _tag_selection(ids, tags)
    return _queue_page("Choose what to do with the selection.", 422)


def _each(ids: list[int], apply: Callable[[Claim], object]) -> tuple[list[int], list[str]]:
    """Run ``apply(claim)`` per claim, each in its own savepoint: one refusal (someone else's
    lease, a lost race) does not undo the others."""
    s = session()
    done: list[int] = []
    refused: list[str] = []
    claims = {c.id: c for c in s.scalars(select(Claim).where(Claim.id.in_(ids)))}
    for claim_id in ids:
        claim = claims.get(claim_id)
        if claim is None:
            refused.append(f"claim {claim_id} does not exist")
            continue
        try:
            with s.begin_nested():
                apply(claim)
                s.flush()
            done.append(claim_id)
        except DomainError as exc:
            refused.append(exc.detail)
        except StaleDataError:  # only this claim's savepoint is rolled back
            refused.append(
                f"Claim {claim_id} was changed by someone else at the same moment; try again."
            )
    s.commit()
    return done, refused


def _report(done: list[int], refused: list[str], verb: str) -> ResponseReturnValue:
    if done:
        flash(f"{verb} {len(done)} claim{'s' if len(done) != 1 else ''}.", "success")
    for reason in refused[:10]:
        flash(reason, "error")
    return see_other("web.queue")


def _assign_selection(ids: list[int], assignee_raw: str) -> ResponseReturnValue:
    editor = current_user()
    if not has_role(editor, Role.EDITOR):
        return _queue_page("Only an editor may assign claims to people.", 403)
    assignee = None
    if assignee_raw:
        assignee = session().get(User, int(assignee_raw)) if assignee_raw.isdigit() else None
        if assignee is None:
            return _queue_page("Choose a person from the list to assign the claims to.", 422)
    done, refused = _each(ids, lambda claim: queue.assign(session(), claim, editor, assignee))
    who = f"to {assignee.name or assignee.email}" if assignee else "to nobody"
    return _report(done, refused, f"Assigned {who}:")


def _tag_selection(ids: list[int], tags: list[str]) -> ResponseReturnValue:
    user = current_user()
    as_editor = has_role(user, Role.EDITOR)

    def add(claim: Claim) -> None:
        merged = list(dict.fromkeys([*claim.tags, *tags]))
        edit_claim(session(), claim, user, {"tags": merged}, as_editor=as_editor)

    done, refused = _each(ids, add)
    return _report(done, refused, f"Tagged “{', '.join(tags)}”:")


def _export_selection(ids: list[int], fmt: str) -> ResponseReturnValue:
    if fmt not in EXPORT_NAMES:
        return _queue_page("Choose an export format.", 422)
    chosen = ExportFilters(claim_ids=tuple(ids))
    published = set(session().scalars(select(published_selection(chosen).c.claim_id)))
    if not published:
        return _queue_page(
            "None of the selected claims is verified (approved and not stale), so there is "
            "nothing to export.",
            409,
        )
    resp = download(fmt, chosen, prefix="selection-")
    skipped = sorted(set(ids) - published)
    if skipped:
        resp.headers["X-Claimdesk-Skipped"] = ",".join(str(i) for i in skipped)
    return resp
