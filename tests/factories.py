"""factory_boy factories; the session is bound per test by the ``factories`` fixture."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session

from app.auth.credentials import hash_password
from app.models import Claim, ClaimState, Document, Role, Source, User
from app.workflow import clusters
from app.workflow.claims import NewClaim, create_claim


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@newsroom.test")
    name = factory.Faker("name")
    role = Role.FACT_CHECKER
    password_hash = factory.LazyFunction(lambda: hash_password("correct horse"))


class DocumentFactory(Base):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Article {n}")
    text = factory.Sequence(lambda n: f"The ministry said {n} schools were rebuilt in 2025.")
    content_hash = factory.Sequence(lambda n: f"{n:064x}")


class ClaimFactory(Base):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"Claim number {n}: unemployment fell by {n} percent.")
    state = ClaimState.SUBMITTED
    checkworthiness = 0.5
    priority = 0.5


class SourceFactory(Base):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news{n}.example.org/story")
    host = factory.Sequence(lambda n: f"news{n}.example.org")
    publisher = factory.Sequence(lambda n: f"news{n}.example.org")


ALL = [UserFactory, DocumentFactory, ClaimFactory, SourceFactory]


def matched_claims(session: Session, *texts: str) -> list[Claim]:
    """Claims created as the service creates them, then matched in order (the cluster task's
    work), so each gets its restatement suggestions against the ones before it."""
    made = [create_claim(session, NewClaim(text=text), actor=None) for text in texts]
    session.flush()
    for claim in made:
        clusters.assign_cluster(session, claim.id)
    session.flush()
    return made
