"""factory_boy factories; the session is bound per test by the ``factories`` fixture."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.auth.credentials import hash_password
from app.models import Claim, ClaimState, Document, Role, Source, User


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
