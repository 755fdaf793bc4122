"""Claim candidates of a document: check-worthy sentences with exact spans, in document order.

Public interface:

- ``Candidate(text, start, end, score, reasons)``: ``text == document[start:end]``.
- ``extract_candidates(text, *, min_score=DEFAULT_MIN_SCORE) -> list[Candidate]``.

Candidates are a pure function of the text (no state, no model), so they need not be stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ingest.score import score_sentence
from app.ingest.segment import sentence_spans

DEFAULT_MIN_SCORE = 0.35


@dataclass(frozen=True)
class Candidate:
    text: str  # == document text[start:end]
    start: int
    end: int
    score: float
    reasons: tuple[str, ...]


def extract_candidates(text: str, *, min_score: float = DEFAULT_MIN_SCORE) -> list[Candidate]:
    """Sentences of ``text`` scoring at least ``min_score``, in document order."""
    candidates = []
    for span in sentence_spans(text):
        sentence = text[span.start : span.end]
        scored = score_sentence(sentence)
        if scored.value >= min_score:
            candidates.append(
                Candidate(sentence, span.start, span.end, scored.value, scored.reasons)
            )
    return candidates
