"""Plain records between the database and every export format.

The queries build these; every serialiser (ClaimReview, CSV, JSON Lines, Atom, the WACZ and
the evidence package) reads only these, so none of them needs a database or Flask.

Public interface::

    Person(email, name="")
    Appearance(url, published_at=None, title=None, publisher=None)
    Correction(date, note)
    ClaimRecord(id, text, speaker, speaker_kind, claim_date, appearances, tags, cluster_id,
                state, rating, rating_label, rating_value, summary, proposed_by, approved_by,
                approved_at, corrections, public_url, verdict_id, first_published_at=None)
    EvidenceRecord(claim_id, url, publisher, stance, quote, quote_found, capture_id,
                   captured_at, sha256, archive_url, warc_path=None)
    CaptureBlob(capture_id, url, final_url, fetched_at, title, warc, size)
    Publisher(name, url, best_rating, worst_rating)
    RatingScale.from_setting(spec) -> RatingScale   .label(key) .value(key) .best .worst
                                                    .publisher(name, url) -> Publisher
    warc_name(capture_id) -> "archive/capture-<id>.warc.gz"     page_id(capture_id)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Literal

from app.workflow.ratings import (
    best_rating,
    default_label,
    parse_labels,
    parse_scale,
    worst_rating,
)

SpeakerKind = Literal["person", "organization"]


@dataclass(frozen=True)
class Person:
    """A desk user as exports name them: by email, with the display name when there is one."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class Appearance:
    """A document in which the claim was made or repeated."""

    url: str
    published_at: date | None = None
    title: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Correction:
    """One published correction of a fact-check: when, and what changed."""

    date: date
    note: str


@dataclass(frozen=True)
class ClaimRecord:
    """A claim with its current approved verdict, as readers and researchers get it."""

    id: int
    text: str
    speaker: str | None
    speaker_kind: SpeakerKind | None  # None: unknown, exported as a Person
    claim_date: date | None
    appearances: Sequence[Appearance]  # the first is the first appearance
    tags: Sequence[str]
    cluster_id: int | None
    state: str
    rating: str  # the scale key, "mostly-true"
    rating_label: str  # what readers see, "Mostly true"
    rating_value: int | None  # None for ratings off the numeric scale (unverifiable)
    summary: str  # the editor's rationale
    proposed_by: Person | None
    approved_by: Person | None
    approved_at: datetime  # approval of the current verdict
    corrections: Sequence[Correction]
    public_url: str  # the public fact-check page
    verdict_id: int
    # First publication of a fact-check on this claim; a correction keeps it and moves
    # approved_at. None: the same as approved_at.
    first_published_at: datetime | None = None

    @property
    def published_at(self) -> datetime:
        return self.first_published_at or self.approved_at


@dataclass(frozen=True)
class EvidenceRecord:
    """One evidence item of an exported claim, with the capture that backs it (if any)."""

    claim_id: int
    url: str
    publisher: str
    stance: str  # supports | refutes | context
    quote: str | None
    quote_found: bool | None
    capture_id: int | None  # the archived capture cited; None when none could be made
    captured_at: datetime | None
    sha256: str | None  # of the capture's decoded payload (hex)
    archive_url: str | None  # where the archived copy can be viewed
    warc_path: str | None = None  # inside the package's WACZ; set by the package writer


WarcSource = Path | str | Callable[[], BinaryIO]


@dataclass(frozen=True)
class CaptureBlob:
    """A capture's WARC file (gzip per record) and what the WACZ page list says of it.

    ``warc`` is a path, or a callable returning a fresh binary file object (closed by the
    reader) such as ``lambda: store.open(key)``; it is read once, in chunks.
    """

    capture_id: int
    url: str  # as cited
    final_url: str  # after redirects: the response record's target
    fetched_at: datetime
    title: str | None
    warc: WarcSource
    size: int  # bytes of the .warc.gz

    def open(self) -> BinaryIO:
        if callable(self.warc):
            return self.warc()
        return Path(self.warc).open("rb")


def warc_name(capture_id: int) -> str:
    """Where a capture's WARC sits in a WACZ."""
    return f"archive/capture-{capture_id}.warc.gz"


def page_id(capture_id: int) -> str:
    """The capture's page id in the WACZ page list."""
    return f"capture-{capture_id}"


@dataclass(frozen=True)
class Publisher:
    """The newsroom publishing the fact-checks (ClaimReview ``author``) and its scale's ends."""

    name: str
    url: str
    best_rating: int
    worst_rating: int


@dataclass(frozen=True)
class RatingScale:
    """The RATING_SCALE setting: each rating's number and reader-facing label."""

    values: Mapping[str, int | None]
    labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_setting(cls, spec: str) -> RatingScale:
        return cls(parse_scale(spec), parse_labels(spec))

    def value(self, rating: str) -> int | None:
        return self.values.get(rating)

    def label(self, rating: str) -> str:
        return self.labels.get(rating) or default_label(rating)

    @property
    def best(self) -> int:
        return best_rating(self.values)

    @property
    def worst(self) -> int:
        return worst_rating(self.values)

    def publisher(self, name: str, url: str) -> Publisher:
        return Publisher(name=name, url=url, best_rating=self.best, worst_rating=self.worst)
