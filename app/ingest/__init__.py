"""Ingest: article text in, claim candidates and restatement matches out (pure functions).

- ``extract_candidates(text, *, min_score)``: check-worthy sentences with exact spans.
- ``attributed_speaker(sentence)``: who the sentence attributes its claim to.
- ``compare(a, b) -> Match``, ``signature(text)``, ``blocking_keys(text)``: whether two claims
  state the same fact (``same``, ``approximate``), its opposite (``contradicts``) or not.
- ``rank``/``auto_joins``: the suggestions kept for a new claim and the rare automatic join.

``app.workflow.documents`` and ``app.workflow.clusters`` wire these to the database and
settings; nothing here imports the workflow or the database.
"""

from app.ingest.candidates import DEFAULT_MIN_SCORE, Candidate, extract_candidates
from app.ingest.matching import Match, Signature, blocking_keys, compare, signature
from app.ingest.speakers import attributed_speaker
from app.ingest.suggestions import AUTO_JOIN_SCORE, auto_joins, rank

__all__ = [
    "AUTO_JOIN_SCORE",
    "DEFAULT_MIN_SCORE",
    "Candidate",
    "Match",
    "Signature",
    "attributed_speaker",
    "auto_joins",
    "blocking_keys",
    "compare",
    "extract_candidates",
    "rank",
    "signature",
]
