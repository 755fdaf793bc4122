"""The earlier names of the matcher, kept for callers that compare two wordings.

``app.workflow.editing.changes_meaning`` asks whether a reworded claim still states the same
fact with ``similarity(claim_key(old), claim_key(new))``; both now come from
``app.ingest.matching``. A wording that contradicts the old one, states other figures or
shares too little scores 0 here.
"""

from __future__ import annotations

from app.ingest.matching import Signature, compare, signature

ClaimSignature = Signature


def claim_key(text: str) -> Signature:
    return signature(text)


def similarity(a: Signature | str, b: Signature | str) -> float:
    """``compare``'s score when the two state the same fact (exactly or approximately), else 0."""
    match = compare(a, b)
    return match.score if match.relation in ("same", "approximate") else 0.0


__all__ = ["ClaimSignature", "claim_key", "similarity"]
