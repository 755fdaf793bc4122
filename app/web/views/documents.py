"""Ingest: paste or upload an article (``/documents/new``), see its claim candidates
highlighted in the text, best first (``/documents/<id>``), accept the chosen ones as claims.
The documents already in (``/documents``) are listed with their claims."""

from __future__ import annotations

from flask import Response, flash, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.auth.policy import current_user, require_role
from app.db import session
from app.errors import DomainError, Invalid, status_of
from app.ids import ID
from app.models import Claim, Document, Role
from app.web import bp
from app.web.forms import IngestForm
from app.web.highlight import pieces
from app.web.pages import render, see_other
from app.workflow.document_view import document_view
from app.workflow.documents import accept_candidates, candidates_for, ingest_document
from app.workflow.lookup import load

DOC_ID = f"<{ID}:document_id>"


def _article_text(form: IngestForm) -> str:
    """The pasted text, or the uploaded file's (UTF-8); Invalid when neither is usable."""
    upload = form.file.data
    if isinstance(upload, FileStorage) and upload.filename:
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(
                "file: the upload is not UTF-8 text; save it as plain text (UTF-8) and try again.",
                field="file",
            ) from None
    else:
        text = form.text.data or ""
    text = text.replace("\r\n", "\n")
    if "\x00" in text:
        raise Invalid("text: the article contains NUL characters; paste it as plain text.")
    if not text.strip():
        raise Invalid("text: paste the article's text or upload a text file.", field="text")
    return text


@bp.get("/documents")
@require_role(Role.FACT_CHECKER)
def documents() -> ResponseReturnValue:
    s = session()
    rows = s.execute(
        select(Document, func.count(Claim.id))
        .outerjoin(Claim, Claim.document_id == Document.id)
        .group_by(Document.id)
        .order_by(Document.id.desc())
        .limit(200)
    ).all()
    return render("documents/list.html", rows=rows)


@bp.get("/documents/new")
@require_role(Role.FACT_CHECKER)
def new_document() -> ResponseReturnValue:
    return render("documents/new.html", form=IngestForm(formdata=None))


@bp.post("/documents/new")
@require_role(Role.FACT_CHECKER)
def create_document() -> ResponseReturnValue:
    form = IngestForm()
    if not form.validate_on_submit():
        return render("documents/new.html", status=422, form=form, error=None)
    s = session()
    try:
        result = ingest_document(
            s,
            title=form.title.data.strip(),
            text=_article_text(form),
            url=(form.url.data or "").strip() or None,
            published_at=form.published_at.data,
            actor=current_user(),
        )
        s.commit()
    except DomainError as exc:
        s.rollback()
        return render("documents/new.html", status=status_of(exc), form=form, error=exc.detail)
    count = len(result.candidates)
    if result.created:
        flash(f"{count} claim candidate{'s' if count != 1 else ''} found.", "success")
    else:
        flash("This article was already in; here it is with its candidates.", "warning")
    return see_other("web.document", document_id=result.document.id)


def _document_page(document: Document, status: int = 200, error: str | None = None) -> Response:
    view = document_view(session(), document)
    spans = [(r.candidate.start, r.candidate.end, r) for r in view.candidates]
    return render(
        "documents/show.html",
        status=status,
        view=view,
        article=pieces(document.text, spans),
        error=error,
    )


@bp.get(f"/documents/{DOC_ID}")
@require_role(Role.FACT_CHECKER)
def document(document_id: int) -> ResponseReturnValue:
    return _document_page(load(session(), Document, document_id))


@bp.post(f"/documents/{DOC_ID}/claims")
@require_role(Role.FACT_CHECKER)
def accept(document_id: int) -> ResponseReturnValue:
    """Accept the ticked candidates as claims (``accept_candidates``, as the API does)."""
    s = session()
    doc = load(s, Document, document_id)
    raw = request.form.getlist("candidate")
    indexes = [int(i) for i in raw if i.isdigit() and len(i) < 7]
    if not indexes:
        return _document_page(doc, 422, "Tick at least one candidate to accept.")
    try:
        claims = accept_candidates(s, doc, indexes, candidates_for(doc), actor=current_user())
        s.commit()
    except DomainError as exc:
        s.rollback()
        return _document_page(doc, status_of(exc), exc.detail)
    links = ", ".join(f"#{c.id}" for c in claims)
    flash(f"{len(claims)} claim{'s are' if len(claims) != 1 else ' is'} in the queue: {links}.")
    return see_other("web.document", document_id=doc.id)
