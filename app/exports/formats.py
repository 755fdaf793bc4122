"""Serialisations of the verified claim set.

ClaimReview follows schema.org (https://schema.org/ClaimReview) as fact-check aggregators
read it: ``claimReviewed``, ``reviewRating`` with ``ratingValue``/``bestRating``/
``worstRating`` and ``alternateName`` (the rating's words), ``itemReviewed`` a ``Claim`` with
its ``author``, ``datePublished`` and ``appearance``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from app.exports.rows import VerifiedClaim, iso
from app.workflow.ratings import parse_scale

CSV_FIELDS = [
    "claim_id",
    "claim",
    "speaker",
    "claim_date",
    "appearance_url",
    "state",
    "rating",
    "rating_value",
    "rationale",
    "proposed_by",
    "approved_by",
    "approved_at",
    "correction",
    "cluster_id",
    "sources",
]


def _rating_value(scale: dict[str, int | None], rating: str) -> int | None:
    return scale.get(rating)


def flat_record(item: VerifiedClaim, scale: dict[str, int | None]) -> dict[str, Any]:
    claim, verdict = item.claim, item.verdict
    return {
        "claim_id": claim.id,
        "claim": claim.text,
        "speaker": claim.speaker,
        "claim_date": iso(claim.claim_date),
        "appearance_url": claim.appearance_url,
        "state": claim.state.value,
        "rating": verdict.rating,
        "rating_value": _rating_value(scale, verdict.rating),
        "rationale": verdict.rationale,
        "proposed_by": verdict.proposed_by_id,
        "approved_by": verdict.reviewed_by_id,
        "approved_at": iso(verdict.reviewed_at),
        "correction": verdict.correction_note,
        "cluster_id": claim.cluster_id,
        "sources": [e.source.url for e in claim.evidence],
    }


def claimreview(
    item: VerifiedClaim, scale: dict[str, int | None], public_url: str, publisher: str
) -> dict[str, Any]:
    claim, verdict = item.claim, item.verdict
    numeric = [v for v in scale.values() if v is not None]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": verdict.rating}
    value = _rating_value(scale, verdict.rating)
    if value is not None:
        rating.update(ratingValue=value, bestRating=max(numeric), worstRating=min(numeric))
    reviewed: dict[str, Any] = {"@type": "Claim"}
    if claim.speaker:
        reviewed["author"] = {"@type": "Person", "name": claim.speaker}
    if claim.claim_date:
        reviewed["datePublished"] = iso(claim.claim_date)
    if claim.appearance_url:
        reviewed["appearance"] = {"@type": "CreativeWork", "url": claim.appearance_url}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{public_url.rstrip('/')}/claims/{claim.id}",
        "claimReviewed": claim.text,
        "datePublished": iso(verdict.reviewed_at),
        "author": {"@type": "Organization", "name": publisher},
        "reviewRating": rating,
        "itemReviewed": reviewed,
        "reviewBody": verdict.rationale,
    }
    if item.corrected is not None:
        review["correction"] = {
            "@type": "CorrectionComment",
            "text": verdict.correction_note or "This fact-check was corrected.",
            "datePublished": iso(verdict.reviewed_at),
        }
    return review


def to_claimreview(
    items: Iterable[VerifiedClaim], rating_scale: str, public_url: str, publisher: str
) -> str:
    scale = parse_scale(rating_scale)
    return json.dumps(
        [claimreview(i, scale, public_url, publisher) for i in items], ensure_ascii=False, indent=1
    )


def to_jsonl(items: Iterable[VerifiedClaim], rating_scale: str) -> Iterator[str]:
    scale = parse_scale(rating_scale)
    for item in items:
        yield json.dumps(flat_record(item, scale), ensure_ascii=False) + "\n"


def to_csv(items: Iterable[VerifiedClaim], rating_scale: str) -> Iterator[str]:
    scale = parse_scale(rating_scale)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for item in items:
        record = flat_record(item, scale)
        record["sources"] = " ".join(record["sources"])
        writer.writerow(record)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
