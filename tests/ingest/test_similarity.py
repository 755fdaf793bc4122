from __future__ import annotations

import pytest

from app.ingest.similarity import DEFAULT_THRESHOLD, best_match, claim_key, is_restatement

RESTATED = [
    (
        "The ministry says 40 schools in the region were rebuilt last year",
        "Forty regional schools have been rebuilt since last year, according to the ministry",
    ),
    (
        "A thousand civilian observers will be deployed along the border, she said.",
        "Under the plan, 1,000 civilian monitors are to be posted along the frontier.",
    ),
    (
        "Valdoria will withdraw 1,200 troops from the Orsk valley within ninety days.",
        "Valdoria will pull 1200 soldiers back from the Orsk valley within 90 days.",
    ),
]
DISTINCT = [
    # numbers differ
    (
        "The ministry says 40 schools in the region were rebuilt last year",
        "The ministry says 14 schools in the region were rebuilt last year",
    ),
    (
        "Talks on Wednesday had lasted nine hours.",
        "The final session on Thursday lasted 14 hours.",
    ),
    # another actor, same everything else
    (
        "Reller arrived in Geneva on Tuesday evening.",
        "Ibarek arrived in Geneva on Tuesday evening.",
    ),
    # another month
    (
        "Kestrany will release 40 Valdorian fishermen detained since August.",
        "In return, Valdoria will free 40 Kestrani fishermen it detained in September.",
    ),
    # another fund of the same size
    (
        "A reconstruction fund of $250 million will be shared equally.",
        "A second fund of $250 million, financed by the World Bank, will be shared equally.",
    ),
    # two common words in common are a coincidence
    ("They will begin deploying in September.", "The fund will begin paying in September."),
]


@pytest.mark.parametrize(("a", "b"), RESTATED)
def test_restatements(a: str, b: str) -> None:
    assert is_restatement(a, b, threshold=DEFAULT_THRESHOLD)
    assert is_restatement(claim_key(b), claim_key(a), threshold=DEFAULT_THRESHOLD)


@pytest.mark.parametrize(("a", "b"), DISTINCT)
def test_distinct_facts(a: str, b: str) -> None:
    assert not is_restatement(a, b, threshold=DEFAULT_THRESHOLD)
    assert not is_restatement(b, a, threshold=0.0)  # vetoed whatever the threshold


def test_identical_claims_match_at_any_threshold() -> None:
    text = "Trade between the neighbours has fallen 38% since 2021, to $1.2 billion."
    assert is_restatement(text, text, threshold=1.0)


def test_best_match_picks_the_closest_eligible_claim() -> None:
    new = claim_key("Forty regional schools have been rebuilt since last year, the ministry says.")
    stored = [
        (1, claim_key("Kestrany will release 40 Valdorian fishermen.")),
        (2, claim_key("The ministry says 40 schools in the region were rebuilt last year.")),
        (3, claim_key("The ministry says 40 schools in the region were rebuilt.")),
        (4, claim_key("The ministry says 14 schools in the region were rebuilt last year.")),
    ]
    assert best_match(new, stored, DEFAULT_THRESHOLD) == 2
    assert best_match(new, stored[:1], DEFAULT_THRESHOLD) is None
    assert best_match(new, [], DEFAULT_THRESHOLD) is None


def test_best_match_prefers_the_earliest_on_ties() -> None:
    sig = claim_key("Kestrany will release 40 Valdorian fishermen.")
    assert best_match(sig, [(7, sig), (3, sig)], threshold=DEFAULT_THRESHOLD) == 7


def test_a_higher_threshold_merges_less() -> None:
    a, b = RESTATED[2]
    assert is_restatement(a, b, threshold=0.3)
    assert not is_restatement(a, b, threshold=0.99)
