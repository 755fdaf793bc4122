"""Flat serialisations of the exported set: CSV and JSON Lines of claims and evidence.

Every function takes an iterable of records (``app.exports.records``) and yields text chunks
as it goes, one record at a time, so a set of any size streams.

- Claims: one row per claim with its current verdict; people by email and name; the first
  appearance in its own columns and every appearance URL in one cell.
- Evidence: one row per evidence item: claim id, URL, publisher, stance, quote, whether the
  quote was found, the capture and its time, the SHA-256 of the archived payload, the link
  to the archived copy and, in a package, the WARC's path inside the WACZ.
- CSV cells are spreadsheet-safe (``app.exports.csvsafe``); ``bom=True`` starts the file with
  a UTF-8 byte order mark for Excel.

Public interface::

    CLAIM_FIELDS, EVIDENCE_FIELDS
    claim_row(record) -> dict            evidence_row(record) -> dict
    claim_csv_row(record) -> dict        json_line(obj) -> str
    claims_jsonl(records) -> Iterator[str]      evidence_jsonl(records) -> Iterator[str]
    claims_csv(records, *, bom=False) -> Iterator[str]
    evidence_csv(records, *, bom=False) -> Iterator[str]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from app.exports.claimreview import isodate
from app.exports.csvsafe import csv_lines
from app.exports.records import ClaimRecord, EvidenceRecord, Person

CLAIM_FIELDS = [
    "claim_id",
    "claim",
    "speaker",
    "speaker_kind",
    "claim_date",
    "first_appearance_url",
    "first_appearance_date",
    "appearance_urls",
    "tags",
    "cluster_id",
    "state",
    "rating",
    "rating_label",
    "rating_value",
    "summary",
    "proposed_by_email",
    "proposed_by_name",
    "approved_by_email",
    "approved_by_name",
    "approved_at",
    "first_published_at",
    "corrections",
    "fact_check_url",
    "verdict_id",
]

EVIDENCE_FIELDS = [
    "claim_id",
    "url",
    "publisher",
    "stance",
    "quote",
    "quote_found",
    "capture_id",
    "captured_at",
    "sha256",
    "archive_url",
    "warc_path",
]


def claim_row(record: ClaimRecord) -> dict[str, Any]:
    """The claim as one JSON Lines object: lists and people kept as structures."""
    return {
        "claim_id": record.id,
        "claim": record.text,
        "speaker": record.speaker,
        "speaker_kind": record.speaker_kind,
        "claim_date": _iso(record.claim_date),
        "appearances": [
            {
                "url": a.url,
                "published_at": _iso(a.published_at),
                "title": a.title,
                "publisher": a.publisher,
            }
            for a in record.appearances
        ],
        "tags": list(record.tags),
        "cluster_id": record.cluster_id,
        "state": record.state,
        "rating": record.rating,
        "rating_label": record.rating_label,
        "rating_value": record.rating_value,
        "summary": record.summary,
        "proposed_by": _person(record.proposed_by),
        "approved_by": _person(record.approved_by),
        "approved_at": isodate(record.approved_at),
        "first_published_at": isodate(record.published_at),
        "corrections": [{"date": _iso(c.date), "note": c.note} for c in record.corrections],
        "fact_check_url": record.public_url,
        "verdict_id": record.verdict_id,
    }


def evidence_row(record: EvidenceRecord) -> dict[str, Any]:
    return {
        "claim_id": record.claim_id,
        "url": record.url,
        "publisher": record.publisher,
        "stance": record.stance,
        "quote": record.quote,
        "quote_found": record.quote_found,
        "capture_id": record.capture_id,
        "captured_at": _iso(record.captured_at),
        "sha256": record.sha256,
        "archive_url": record.archive_url,
        "warc_path": record.warc_path,
    }


def claims_jsonl(records: Iterable[ClaimRecord]) -> Iterator[str]:
    for record in records:
        yield json_line(claim_row(record))


def evidence_jsonl(records: Iterable[EvidenceRecord]) -> Iterator[str]:
    for record in records:
        yield json_line(evidence_row(record))


def claims_csv(records: Iterable[ClaimRecord], *, bom: bool = False) -> Iterator[str]:
    return csv_lines(CLAIM_FIELDS, (claim_csv_row(r) for r in records), bom=bom)


def evidence_csv(records: Iterable[EvidenceRecord], *, bom: bool = False) -> Iterator[str]:
    return csv_lines(EVIDENCE_FIELDS, (evidence_row(r) for r in records), bom=bom)


def claim_csv_row(record: ClaimRecord) -> dict[str, Any]:
    """The claim as one CSV row: several values in one cell, one per line (URLs: space)."""
    row = claim_row(record)
    first = record.appearances[0] if record.appearances else None
    proposed, approved = record.proposed_by, record.approved_by
    row.update(
        first_appearance_url=first.url if first else None,
        first_appearance_date=_iso(first.published_at) if first else None,
        appearance_urls=" ".join(a.url for a in record.appearances),
        tags="\n".join(record.tags),
        proposed_by_email=proposed.email if proposed else None,
        proposed_by_name=proposed.name if proposed else None,
        approved_by_email=approved.email if approved else None,
        approved_by_name=approved.name if approved else None,
        corrections="\n".join(f"{_iso(c.date)}: {c.note}" for c in record.corrections),
    )
    return row


def _person(person: Person | None) -> dict[str, str] | None:
    return {"email": person.email, "name": person.name} if person else None


def _iso(value: Any) -> str | None:
    return isodate(value) if value is not None else None


def json_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"
