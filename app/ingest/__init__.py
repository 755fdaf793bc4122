"""Ingest: article text in, claim candidates and duplicate signatures out (pure functions).

- ``extract_candidates(text, *, min_score)``: check-worthy sentences with exact spans.
- ``claim_key(text)`` / ``best_match(sig, candidates, threshold)`` / ``is_restatement``:
  duplicate clusters (numbers must agree; wording may differ).

``app.workflow.documents`` wires these to the database and settings; nothing here imports
the workflow or the database.
"""

from app.ingest.candidates import DEFAULT_MIN_SCORE, Candidate, extract_candidates
from app.ingest.similarity import (
    DEFAULT_THRESHOLD,
    ClaimSignature,
    best_match,
    claim_key,
    is_restatement,
)

__all__ = [
    "DEFAULT_MIN_SCORE",
    "DEFAULT_THRESHOLD",
    "Candidate",
    "ClaimSignature",
    "best_match",
    "claim_key",
    "extract_candidates",
    "is_restatement",
]
