"""Which stored claims to suggest for a new one, and when a suggestion may join by itself.

Public interface:

- ``SHORTLIST``: how many stored claims (by shared key weight) ``compare`` reads per new claim.
- ``SUGGESTIONS``: how many suggestions are kept per new claim.
- ``AUTO_JOIN_SCORE``: a ``same`` match at or above it joins the cluster without a person.
- ``rank(new, candidates) -> list[(id, Match)]``: the suggestions, best first.
- ``auto_join(ranked) -> (id, Match) | None``: the one suggestion that may join on its own.

The storage (``app.workflow.clusters``) and the evaluation harness both call these, so the
figures in docs/ingest.md measure the rule the service applies.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.ingest.matching import Match, Signature, compare

SHORTLIST = 40
SUGGESTIONS = 5
# Chosen on the development half of the corpus so that no labelled negative pair and no pair
# across topics is auto-joined there (docs/ingest.md); a contradiction never is.
AUTO_JOIN_SCORE = 0.8


def rank(new: Signature, candidates: Iterable[tuple[int, Signature]]) -> list[tuple[int, Match]]:
    """Suggestions for ``new`` among ``candidates``, best score first: not ``different``, or
    different only by a clash of subjects, months or weekdays (``Match.near``, at half score)."""
    matches = [(claim_id, compare(new, other)) for claim_id, other in candidates]
    kept = [(claim_id, m) for claim_id, m in matches if m.relation != "different" or m.near]
    kept.sort(key=lambda item: (-item[1].score, item[0]))
    return kept[:SUGGESTIONS]


def auto_joins(ranked: list[tuple[int, Match]]) -> list[tuple[int, Match]]:
    """The best ``same`` suggestion when it scores at least ``AUTO_JOIN_SCORE``.

    Never a contradiction or an approximation: those are for a person to sort out, and they
    stay listed as suggestions beside the join.
    """
    same = [(claim_id, m) for claim_id, m in ranked if m.relation == "same"]
    if not same or same[0][1].score < AUTO_JOIN_SCORE:
        return []
    return same[:1]
