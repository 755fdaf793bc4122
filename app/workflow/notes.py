"""Notes on a claim: the desk's internal discussion thread (never exported).

Public interface::

    MAX_NOTE_LENGTH
    add_note(session, claim, author, body) -> Note     Invalid for an empty or overlong note
    thread(session, claim) -> list[Note]               oldest first

Each note is also a ``note_added`` event (through ``events.record``), so the claim's history
shows the discussion in order among the evidence, state changes and verdicts.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import Invalid
from app.models import Claim, Note, User
from app.validation import clip
from app.workflow import events

MAX_NOTE_LENGTH = 10_000
_EXCERPT = 200  # characters of the note kept in its event


def add_note(session: Session, claim: Claim, author: User, body: str) -> Note:
    text = body.strip()
    if not text:
        raise Invalid("note: write something before adding the note.", field="body")
    if len(text) > MAX_NOTE_LENGTH:
        raise Invalid(f"note: at most {MAX_NOTE_LENGTH} characters, not {len(text)}.", field="body")
    note = Note(claim_id=claim.id, author_id=author.id, body=text)
    session.add(note)
    session.flush()
    excerpt = clip(text, _EXCERPT)
    events.record(session, claim, "note_added", actor=author, note_id=note.id, excerpt=excerpt)
    return note


def thread(session: Session, claim: Claim) -> list[Note]:
    return list(
        session.scalars(
            select(Note)
            .where(Note.claim_id == claim.id)
            .options(selectinload(Note.author))
            .order_by(Note.id)
        )
    )
