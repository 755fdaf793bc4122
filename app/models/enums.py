"""Closed vocabularies stored as checked strings."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


class ClaimState(StrEnum):
    """Derived from the evidence by the lifecycle rule (``app.workflow.lifecycle``)."""

    SUBMITTED = "submitted"
    SOURCED = "sourced"
    CORROBORATED = "corroborated"
    DISPUTED = "disputed"


class Stance(StrEnum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class SpeakerKind(StrEnum):
    """Who made a claim: ClaimReview types its author Person or Organization by this."""

    PERSON = "person"
    ORGANIZATION = "organization"


class Role(StrEnum):
    FACT_CHECKER = "fact_checker"
    EDITOR = "editor"
    ADMIN = "admin"


class CaptureStatus(StrEnum):
    PENDING = "pending"
    FETCHING = "fetching"
    ARCHIVED = "archived"
    FAILED = "failed"


class CapturePurpose(StrEnum):
    ARCHIVE = "archive"  # first archiving of a cited source
    RECHECK = "recheck"  # periodic re-fetch for rot and drift


class SourceHealth(StrEnum):
    UNKNOWN = "unknown"
    LIVE = "live"
    ROTTED = "rotted"  # gone from the web; the archived copy still stands
    DRIFTED = "drifted"  # content changed since it was archived


class ClaimClosure(StrEnum):
    """Why a claim left the desk without a verdict (editors reopen it)."""

    REJECTED = "rejected"  # an editor decided it gets no verdict (out of scope, not checkable)
    WITHDRAWN = "withdrawn"  # taken back, e.g. entered by mistake; claims are never deleted


class VerdictStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # replaced by a correction or a new proposal


def checked(enum_cls: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK constraint, identical on Postgres and SQLite."""
    values = [m.value for m in enum_cls]
    return Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values) + 4,
        validate_strings=True,
    )


__all__ = [
    "CapturePurpose",
    "CaptureStatus",
    "ClaimClosure",
    "ClaimState",
    "Role",
    "SourceHealth",
    "SpeakerKind",
    "Stance",
    "VerdictStatus",
    "checked",
]
