"""Check-worthiness score of one sentence: the sum of its features' weights, in [0, 1].

Public interface:

- ``Score(value, reasons)``: ``reasons`` are the slugs of every feature that fired (see
  ``app.ingest.features``), so a fact-checker can see why a sentence was offered.
- ``score_sentence(sentence) -> Score``.

The weights are set by hand on the development data (tests/data/ingest and the corpus dev half);
the same sentence always gets the same score.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ingest.features import features_of

BASE = 0.2


@dataclass(frozen=True)
class Score:
    value: float
    reasons: tuple[str, ...]


def score_sentence(sentence: str) -> Score:
    fired = features_of(sentence)
    total = BASE + sum(feature.weight for feature in fired)
    return Score(round(min(1.0, max(0.0, total)), 3), tuple(f.name for f in fired))
