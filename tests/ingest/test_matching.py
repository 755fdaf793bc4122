"""compare(): numbers, polarity and rare words decide whether two claims state one fact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.matching import (
    KEY_POSTINGS,
    RARE_POSTINGS,
    blocking_keys,
    compare,
    probe_keys,
    selective,
    shortlist,
    signature,
)
from app.ingest.similarity import claim_key, similarity
from app.ingest.suggestions import AUTO_JOIN_SCORE, auto_joins, rank

SAME = [
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
    (  # number words, ranges and a synonym
        "Sarmand declared a truce of three to four days along parts of the front line.",
        "Sarmand will observe a 3-4 day ceasefire in some sectors of the front.",
    ),
    (  # same number, other words, a lemma ("servicemen") and a name's adjective ("Vesnian")
        "Aldavia will hand back the remains of 4,500 Vesnian servicemen killed in action.",
        "4,500 bodies of fallen troops will be repatriated to Vesnia from Aldavia.",
    ),
    (  # a denied negative restates the positive: "denied ... allowed" = "banned"
        "The minister denied that bottom trawling would be allowed in the Selva Bank zone.",
        "Bottom trawling is banned in the Selva Bank conservation area under the deal.",
    ),
]
APPROXIMATE = [
    (
        "The session of the Karsk talks lasted 2 hours and 10 minutes, an official said.",
        "The Karsk talks session took about two hours.",
    ),
    (
        "The Pine Hollow Fire has burned 14,180 hectares east of Riverton.",
        "The Pine Hollow Fire has burned roughly 35,000 acres east of Riverton.",
    ),
    (
        "Repairs of the Tallow schools took 14 months.",
        "Repairs of the Tallow schools took more than a year.",
    ),
    (  # a month in common is enough; the other month dates another figure
        "Annual inflation in Estmark accelerated to 8.1% in May from 7.4% in April.",
        "Estmark's annual inflation reached about 8.1 percent in May.",
    ),
    (  # "no later than" is a bound, not a negation
        "Both governments must notify the Missing Persons Office at least 72 hours before each "
        "transfer.",
        "The parties must inform the Missing Persons Office no later than three days before "
        "every transfer.",
    ),
]
SAME_DESPITE_TWO_NEGATIONS = [
    (
        "Labour Minister Erik Stahl has said he will not impose a settlement on the dockers.",
        "Labour Minister Erik Stahl says he will not end the dockers' dispute by decree and wants "
        "a negotiated settlement.",
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME_DESPITE_TWO_NEGATIONS)
def test_two_negated_claims_do_not_contradict_each_other(a: str, b: str) -> None:
    assert compare(a, b).relation == "same"


CONTRADICTS = [
    (  # "refused to" negates like "failed to"
        "Estmark's prime minister conceded defeat in the Kaldor regional election.",
        "The Estmark prime minister refused to admit defeat in the Kaldor regional election.",
    ),
    (  # the negation governs the consulting, not only the closure further on
        "Norrland has begun a consultation with its workforce.",
        "Norrland failed to consult its workforce before announcing the closure of its plant.",
    ),
    (
        "Forty schools damaged in the Riverton floods have been rebuilt, the district said.",
        "The 40 schools the Riverton district talks about were not rebuilt.",
    ),
    (
        "Enrollment in Riverton district schools fell by 3 percent this year.",
        "No, enrollment in Riverton schools has actually risen 3 percent this year.",
    ),
    (
        "Fire officials confirmed the Pine Hollow fire was caused by a lightning strike.",
        "State Fire District 6 denied that lightning caused the Pine Hollow fire.",
    ),
    (
        "The board voted to demolish Oak Street Elementary school.",
        "Oak Street Elementary school will be rebuilt, the board voted.",
    ),
    (
        "The Riverton council approved the 2025 budget on Tuesday.",
        "The Riverton council rejected the 2025 budget on Tuesday.",
    ),
]
DIFFERENT = [
    (  # numbers differ
        "The ministry says 40 schools in the region were rebuilt last year",
        "The ministry says 14 schools in the region were rebuilt last year",
    ),
    (  # another actor, same everything else
        "Reller arrived in Geneva on Tuesday evening.",
        "Ibarek arrived in Geneva on Tuesday evening.",
    ),
    (  # another month
        "Kestrany will release 40 Valdorian fishermen detained since August.",
        "In return, Valdoria will free 40 Kestrani fishermen it detained in September.",
    ),
    ("They will begin deploying in September.", "The fund will begin paying in September."),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_fact_in_other_words(a: str, b: str) -> None:
    assert compare(a, b).relation == "same"
    assert compare(b, a).relation == "same"


@pytest.mark.parametrize(("a", "b"), APPROXIMATE)
def test_approximations_are_flagged(a: str, b: str) -> None:
    match = compare(a, b)
    assert match.relation == "approximate"
    assert any("approximately" in reason for reason in match.reasons)


@pytest.mark.parametrize(("a", "b"), CONTRADICTS)
def test_opposite_polarity_contradicts(a: str, b: str) -> None:
    match = compare(a, b)
    assert match.relation == "contradicts", match
    assert match.score >= 0.25  # otherwise alike: worth showing to a fact-checker
    assert compare(b, a).relation == "contradicts"


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_facts(a: str, b: str) -> None:
    assert compare(a, b).relation == "different"


def test_identical_claims_score_one() -> None:
    text = "Trade between the neighbours has fallen 38% since 2021, to $1.2 billion."
    assert compare(text, text) == compare(signature(text), signature(text))
    assert compare(text, text).score == 1.0


def test_signature_is_cached() -> None:
    assert signature("Forty schools were rebuilt.") is signature("Forty schools were rebuilt.")


def test_blocking_keys_hold_numbers_and_rare_lemmas_not_common_words() -> None:
    keys = blocking_keys("Aldavia will hand back the remains of 4,500 Vesnian servicemen.")
    assert "n:count:4500" in keys
    assert {"w:aldavi", "w:vesnia", "w:troop"} <= keys
    assert not any(k in keys for k in ("w:will", "w:the", "w:back"))
    # a restatement in other words shares keys with it
    other = blocking_keys("4,500 bodies of fallen troops will be repatriated to Vesnia.")
    assert {"n:count:4500", "w:vesnia", "w:troop"} <= keys & other


def test_probes_reach_neighbouring_number_buckets() -> None:
    stored = blocking_keys("The fire has burned 14,180 hectares.")
    probes = probe_keys("The fire has burned more than 14,000 hectares.")
    assert stored & probes.keys()
    assert all(weight > 0 for weight in probes.values())


def test_shortlist_ranks_by_shared_key_weight_newest_first_on_ties() -> None:
    probes = {"w:vesnia": 6.0, "n:count:4500": 5.0, "w:deal": 2.0}
    postings = [(1, "w:deal"), (2, "w:vesnia"), (2, "n:count:4500"), (3, "w:vesnia"), (4, "w:x")]
    assert shortlist(probes, postings, 2) == [2, 3]
    assert shortlist(probes, postings, 10) == [2, 3, 1, 4]


def test_rank_drops_different_claims_and_orders_best_first() -> None:
    new = signature("Forty regional schools have been rebuilt since last year, the ministry says.")
    stored = [
        (1, signature("Kestrany will release 40 Valdorian fishermen.")),
        (2, signature("The ministry says 40 schools in the region were rebuilt last year.")),
        (3, signature("The ministry says 40 schools in the region were not rebuilt.")),
        (4, signature("The ministry says 14 schools in the region were rebuilt last year.")),
    ]
    ranked = rank(new, stored)
    assert [claim_id for claim_id, _ in ranked][:2] == [2, 3]
    assert dict(ranked)[3].relation == "contradicts"
    assert 4 not in dict(ranked)


def test_auto_join_only_for_a_confident_same_match() -> None:
    text = "The ministry says 40 schools in the region were rebuilt last year."
    same = compare(text, text)
    contradiction = compare(text, "The ministry says 40 schools in the region were not rebuilt.")
    assert same.score >= AUTO_JOIN_SCORE
    assert auto_joins([(1, same)]) == [(1, same)]
    assert auto_joins([(1, contradiction)]) == []
    assert auto_joins([]) == []
    # a contradiction ranked above the restatement stays a suggestion; the restatement joins
    loud = type(contradiction)(0.95, "contradicts", [])
    assert auto_joins([(2, loud), (1, same)]) == [(1, same)]


def test_the_earlier_names_still_answer() -> None:
    old = "The ministry said 40 schools in the region were rebuilt last year."
    assert similarity(claim_key(old), claim_key(old)) == 1.0
    assert similarity(old, "The ministry said 40 schools in the region were not rebuilt.") == 0


@settings(max_examples=200)
@given(st.text(max_size=200), st.text(max_size=200))
def test_any_text_compares_without_error(a: str, b: str) -> None:
    match = compare(a, b)
    assert 0.0 <= match.score <= 1.0
    assert match.relation in ("same", "approximate", "contradicts", "different")
    assert compare(b, a).relation == match.relation
    assert all(isinstance(key, str) and len(key) <= 80 for key in blocking_keys(a))


def test_keys_fit_the_index_column_whatever_the_input() -> None:
    huge = "The fund holds " + "9" * 300 + " dollars and " + "x" * 300 + "ology."
    assert all(len(key) <= 80 for key in blocking_keys(huge))
    assert all(len(key) <= 80 for key in probe_keys(huge))


def test_a_key_shared_by_many_stored_claims_counts_for_less() -> None:
    probes = {"w:council": 4.0, "n:count:4213": 5.0}
    weights = selective(probes, {"w:council": KEY_POSTINGS, "n:count:4213": 1})
    assert weights == {"w:council": 4.0 * RARE_POSTINGS / KEY_POSTINGS, "n:count:4213": 5.0}
    assert selective(probes, {"w:council": RARE_POSTINGS}) == probes  # rare enough: in full
    # claim 3 is too old to be among the common key's newest, but shares the rare key
    common = [(i, "w:council") for i in range(1, KEY_POSTINGS + 11)]
    assert shortlist(probes, [*common, (3, "n:count:4213")], 1) == [3]


def test_a_subject_or_month_clash_lists_the_pair_at_half_score_never_joined() -> None:
    # the subject veto also fires on restatements: the judge sets, the defendant is sentenced
    new = signature("Judge Maria Sandoval set sentencing for Nov. 14.")
    restated = signature("Pryce will be sentenced on Nov. 14.")
    match = compare(new, restated)
    assert match.relation == "different" and match.near
    assert any(r.startswith("different subjects") for r in match.reasons)
    assert [claim_id for claim_id, _ in rank(new, [(1, restated)])] == [1]
    twin = "Reller arrived in Geneva on Tuesday evening."
    near = compare(twin, "Ibarek arrived in Geneva on Tuesday evening.")
    assert near.near and near.score < AUTO_JOIN_SCORE / 2
    assert auto_joins([(1, near)]) == []
    # a figure clash is not a near miss
    assert not compare(
        "The ministry says 40 schools in the region were rebuilt last year",
        "The ministry says 14 schools in the region were rebuilt last year",
    ).near


def test_nominalisations_meet_their_verbs_and_poles() -> None:
    from app.ingest.lexicon import concept, pole, tokens

    assert concept("approval") == concept("approved") == "approve"
    assert concept("leakage") == concept("leaks") == "leak"
    assert concept("arrival") == concept("arrived")
    assert pole("rejection") == ("approve", -1) and pole("closure") == ("open", -1)
    # adjectives and plain nouns with the same endings stay themselves
    assert [concept(w) for w in ("national", "pressure", "signal", "shortage")] == [
        "national",
        "pressure",
        "signal",
        "shortage",
    ]
    assert tokens("laboratory-confirmed cease-fire") == ["laboratory", "confirmed", "cease-fire"]
    assert concept("attorney") == concept("lawyers") and concept("litigation") == "lawsuit"
