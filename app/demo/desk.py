"""Filling a desk with demo people, two articles, claims, archived sources, verdicts and a note.

Idempotent: a second run resets the demo people's passwords (they are printed again) and
adds nothing twice (documents are unique by text, accepted candidates by span, and a claim
that already cites a demo page is not cited again).

Public interface::

    PEOPLE                                   (email, name, role) of the demo desk
    DemoPerson(email, name, role, password)
    DemoDesk(people, document_id, claim_ids, captures)
    build_demo(session, port, say) -> DemoDesk
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.credentials import hash_password
from app.demo.content import (
    ARTICLE_DATE,
    ARTICLE_TEXT,
    ARTICLE_TITLE,
    ARTICLE_URL,
    CITATIONS,
    SOURCES,
    WIRE_DATE,
    WIRE_TEXT,
    WIRE_TITLE,
    WIRE_URL,
)
from app.demo.server import HOSTS
from app.models import CaptureStatus, Claim, OutboxMessage, Role, Stance, User
from app.outbox import CAPTURE_TASK
from app.workflow import verdicts
from app.workflow.archiving import run_capture
from app.workflow.citing import cite
from app.workflow.clusters import assign_cluster
from app.workflow.documents import accept_candidates, ingest_document
from app.workflow.notes import add_note

PEOPLE = (
    ("admin@desk.example", "Ada Admin", Role.ADMIN),
    ("checker1@desk.example", "Farah Haddad", Role.FACT_CHECKER),
    ("checker2@desk.example", "Tomas Berg", Role.FACT_CHECKER),
    ("editor1@desk.example", "Elena Ruiz", Role.EDITOR),
    ("editor2@desk.example", "Kofi Mensah", Role.EDITOR),
)
DEAD_LINK = "/reports/budget-2025-final"  # not served: archiving it fails with a 404


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role
    password: str


@dataclass
class DemoDesk:
    people: list[DemoPerson]
    document_id: int
    claim_ids: list[int]
    captures: dict[str, int] = field(default_factory=dict)  # outcome -> count


def _people(session: Session) -> tuple[list[DemoPerson], dict[str, User]]:
    out, users = [], {}
    for email, name, role in PEOPLE:
        password = secrets.token_urlsafe(9)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role)
            session.add(user)
        user.role, user.is_active = role, True
        user.password_hash = hash_password(password)
        out.append(DemoPerson(email, name, role, password))
        users[email] = user
    session.flush()
    return out, users


def _drop_capture_tasks(session: Session, capture_ids: list[int]) -> None:
    """The demo archived these captures itself: their queued tasks have nothing left to do."""
    done = set(capture_ids)
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.task == CAPTURE_TASK)):
        if message.args and message.args[0] in done:
            session.delete(message)
    session.commit()


def _claim_with(claims: list[Claim], words: str) -> Claim | None:
    return next((c for c in claims if words in c.text), None)


def _accept(
    session: Session,
    actor: User,
    say: Callable[[str], None],
    title: str,
    text: str,
    url: str,
    published: date,
    wanted: set[str] | None,
) -> tuple[int, list[Claim]]:
    """Ingest an article and accept its candidates that contain any of ``wanted`` (all when
    None); each accepted claim gets its restatement suggestions (the cluster task's work)."""
    ingested = ingest_document(
        session, title=title, text=text, url=url, published_at=published, actor=actor
    )
    chosen = [
        i
        for i, c in enumerate(ingested.candidates)
        if wanted is None or any(words in c.text for words in wanted)
    ]
    claims = accept_candidates(session, ingested.document, chosen, ingested.candidates, actor=actor)
    session.commit()
    for accepted in claims:
        assign_cluster(session, accepted.id)
    session.commit()
    say(
        f"article {ingested.document.id}: {len(ingested.candidates)} candidates, "
        f"{len(claims)} accepted as claims"
    )
    return ingested.document.id, claims


def build_demo(session: Session, port: int, say: Callable[[str], None]) -> DemoDesk:
    """``port`` is where ``app.demo.server.serving`` serves the source pages right now."""
    people, users = _people(session)
    session.commit()
    say(f"people: {len(people)} (an admin, two fact-checkers, two editors)")
    checker1, checker2 = users["checker1@desk.example"], users["checker2@desk.example"]
    editor1, editor2 = users["editor1@desk.example"], users["editor2@desk.example"]

    wanted = {words for words, *_ in CITATIONS} | {"12,000 pupils"}
    document_id, claims = _accept(
        session, checker1, say, ARTICLE_TITLE, ARTICLE_TEXT, ARTICLE_URL, ARTICLE_DATE, wanted
    )
    # Accepted after the first article's claims, so each is matched against them.
    _accept(session, checker2, say, WIRE_TITLE, WIRE_TEXT, WIRE_URL, WIRE_DATE, None)

    pending: list[int] = []
    for words, key, stance, quote in CITATIONS:
        claim = _claim_with(claims, words)
        if claim is None:
            continue
        page = SOURCES.get(key)
        path = page.path if page is not None else DEAD_LINK
        if any(e.source.url.endswith(path) for e in claim.evidence):
            continue  # cited on an earlier run
        host = HOSTS[page.host if page is not None else 0]
        actor = checker2 if key in ("statistics", "union") else checker1
        capture = cite(
            session, claim, f"http://{host}:{port}{path}", Stance(stance), quote, actor=actor
        ).capture
        session.commit()
        if capture.status is CaptureStatus.PENDING:
            pending.append(capture.id)
    outcomes: dict[str, int] = {}
    for capture_id in pending:
        outcome = run_capture(session, capture_id)
        outcomes[outcome.status] = outcomes.get(outcome.status, 0) + 1
    _drop_capture_tasks(session, pending)
    say(f"sources archived over HTTP: {outcomes or 'none new'}")

    schools = _claim_with(claims, "40 schools")
    jobless = _claim_with(claims, "unemployment in the region had doubled")
    if jobless is not None and not jobless.verdicts:
        session.refresh(jobless)
        if jobless.state in verdicts.RATEABLE_STATES:
            verdicts.propose(
                session,
                jobless,
                checker2,
                "false",
                "The statistics office puts unemployment at 6.1 percent in September 2026 "
                "against 5.9 percent in September 2022: a small rise, not a doubling.",
            )
            verdicts.approve(session, jobless, editor1, "Checked against the office's tables.")
            session.commit()
            say(f"claim {jobless.id}: verdict 'false' proposed and approved (exportable)")
    if schools is not None and not schools.verdicts:
        session.refresh(schools)
        if schools.state in verdicts.RATEABLE_STATES:
            verdicts.propose(
                session,
                schools,
                checker1,
                "true",
                "The ministry's annual report and the regional paper both count 40 schools "
                "rebuilt in the northern region in 2025.",
            )
            add_note(
                session,
                schools,
                editor2,
                "Does 'rebuilt' include the six schools that were only renovated? Ask the "
                "ministry before approving.",
            )
            session.commit()
            say(f"claim {schools.id}: verdict 'true' proposed, waiting in the editors' inbox")
    return DemoDesk(people, document_id, [c.id for c in claims], outcomes)
