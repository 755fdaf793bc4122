"""The SPEC §4 lifecycle rule: properties over random evidence sets, and the spec's examples."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.workflow.lifecycle import (
    ClaimState,
    EvidenceFacts,
    Stance,
    compute_state,
    explain_state,
    is_usable,
    unusable_reason,
)
from app.workflow.publishers import publisher_of

# A few publishers, so random sets often cite one publisher twice.
PUBLISHERS = ["bbc.co.uk", "reuters.com", "apnews.com", "afp.com", "127.0.0.2"]

quotes = st.one_of(st.none(), st.sampled_from(["", "  ", "said so"]), st.text(max_size=12))
any_item = st.builds(
    EvidenceFacts,
    stance=st.sampled_from(Stance),
    publisher=st.sampled_from(PUBLISHERS),
    archived=st.booleans(),
    quote=quotes,
    quote_found=st.sampled_from([None, True, False]),
)
usable_item = st.builds(
    EvidenceFacts,
    stance=st.sampled_from(Stance),
    publisher=st.sampled_from(PUBLISHERS),
    archived=st.just(True),
    quote=quotes,
    quote_found=st.just(True),
) | st.builds(
    EvidenceFacts,
    stance=st.sampled_from(Stance),
    publisher=st.sampled_from(PUBLISHERS),
    archived=st.just(True),
    quote=st.sampled_from([None, "", " \t"]),
    quote_found=st.sampled_from([None, True, False]),
)
unusable_item = st.builds(
    EvidenceFacts,
    stance=st.sampled_from(Stance),
    publisher=st.sampled_from(PUBLISHERS),
    archived=st.just(False),
    quote=quotes,
    quote_found=st.sampled_from([None, True, False]),
) | st.builds(
    EvidenceFacts,
    stance=st.sampled_from(Stance),
    publisher=st.sampled_from(PUBLISHERS),
    archived=st.booleans(),
    quote=st.text(min_size=1, max_size=12).filter(lambda q: q.strip() != ""),
    quote_found=st.sampled_from([None, False]),
)
evidence_sets = st.lists(any_item, max_size=10)
min_sources = st.integers(min_value=1, max_value=5)


def restated_rule(items: list[EvidenceFacts], min_sources: int) -> str:
    """The rule written again independently: tally what counts, then read the tallies."""
    tally: Counter[str] = Counter()
    supporters: dict[str, int] = {}
    for item in items:
        quote_given = bool(item.quote and item.quote.strip())
        counts = item.archived and (not quote_given or item.quote_found is True)
        if not counts:
            continue
        tally[str(item.stance)] += 1
        if str(item.stance) == "supports":
            supporters[item.publisher] = supporters.get(item.publisher, 0) + 1
    if tally["refutes"]:
        return "disputed"
    if len(supporters) >= min_sources:
        return "corroborated"
    if sum(tally.values()) > 0:
        return "sourced"
    return "submitted"


@given(evidence_sets, min_sources)
def test_state_agrees_with_restated_rule(items: list[EvidenceFacts], m: int) -> None:
    assert compute_state(items, min_sources=m) == restated_rule(items, m)


@given(usable_item, unusable_item)
def test_strategies_produce_what_they_claim(usable: EvidenceFacts, unusable: EvidenceFacts) -> None:
    assert is_usable(usable) and unusable_reason(usable) is None
    assert not is_usable(unusable) and unusable_reason(unusable)


@given(evidence_sets, st.sampled_from(PUBLISHERS), min_sources)
def test_a_usable_refutation_always_disputes(
    items: list[EvidenceFacts], publisher: str, m: int
) -> None:
    refutation = EvidenceFacts(Stance.REFUTES, publisher, archived=True)
    assert compute_state([*items, refutation], min_sources=m) is ClaimState.DISPUTED


@given(evidence_sets.flatmap(lambda xs: st.tuples(st.just(xs), st.permutations(xs))), min_sources)
def test_order_of_arrival_never_matters(
    pair: tuple[list[EvidenceFacts], list[EvidenceFacts]], m: int
) -> None:
    items, shuffled = pair
    assert explain_state(shuffled, min_sources=m) == explain_state(items, min_sources=m)


@given(evidence_sets, st.lists(unusable_item, min_size=1, max_size=5), min_sources, st.randoms())
def test_unusable_items_never_change_the_state(
    items: list[EvidenceFacts], extra: list[EvidenceFacts], m: int, rnd: random.Random
) -> None:
    before = explain_state(items, min_sources=m)
    mixed = [*items, *extra]
    rnd.shuffle(mixed)
    after = explain_state(mixed, min_sources=m)
    assert after.state == before.state
    assert after.usable_count == before.usable_count
    assert after.supporting_publishers == before.supporting_publishers
    assert after.refuting_count == before.refuting_count
    assert len(after.reasons) == len(before.reasons) + len(extra)  # each one says why


@given(evidence_sets, min_sources, st.integers(min_value=1, max_value=3))
def test_raising_min_sources_never_corroborates(
    items: list[EvidenceFacts], low: int, step: int
) -> None:
    before = compute_state(items, min_sources=low)
    after = compute_state(items, min_sources=low + step)
    if after is ClaimState.CORROBORATED:
        assert before is ClaimState.CORROBORATED
    # The only move a stricter threshold can cause is corroborated -> sourced.
    assert after == before or (before, after) == (ClaimState.CORROBORATED, ClaimState.SOURCED)


@given(evidence_sets, usable_item, min_sources)
def test_usable_evidence_never_sends_a_claim_back(
    items: list[EvidenceFacts], new: EvidenceFacts, m: int
) -> None:
    before = compute_state(items, min_sources=m)
    after = compute_state([*items, new], min_sources=m)
    assert after is not ClaimState.SUBMITTED
    if before is ClaimState.DISPUTED:
        assert after is ClaimState.DISPUTED
    if before is ClaimState.CORROBORATED:
        assert after in (ClaimState.CORROBORATED, ClaimState.DISPUTED)


@given(evidence_sets, min_sources)
def test_explanation_is_consistent_with_the_state(items: list[EvidenceFacts], m: int) -> None:
    explanation = explain_state(items, min_sources=m)
    usable = [e for e in items if is_usable(e)]
    assert explanation.state == compute_state(items, min_sources=m)
    assert explanation.usable_count == len(usable)
    assert explanation.refuting_count == sum(e.stance == "refutes" for e in usable)
    assert explanation.supporting_publishers == {
        e.publisher for e in usable if e.stance == "supports"
    }
    assert (explanation.refuting_count > 0) == (explanation.state is ClaimState.DISPUTED)
    if explanation.state is ClaimState.CORROBORATED:
        assert len(explanation.supporting_publishers) >= m
    if explanation.state is ClaimState.SUBMITTED:
        assert explanation.usable_count == 0
    headline, *why_not = explanation.reasons
    assert headline.startswith(f"{explanation.state.value}: ")
    expected_why_not = [r for e in items if (r := unusable_reason(e)) is not None]
    assert sorted(r.split(": ", 1)[1] for r in why_not) == sorted(expected_why_not)


@given(evidence_sets, st.integers(max_value=0))
def test_min_sources_below_one_is_refused(items: list[EvidenceFacts], m: int) -> None:
    with pytest.raises(ValueError, match="min_sources"):
        compute_state(items, min_sources=m)
    with pytest.raises(ValueError, match="min_sources"):
        explain_state(items, min_sources=m)


def test_evidence_accepts_stance_strings_and_refuses_unknown_ones() -> None:
    assert EvidenceFacts("refutes", "afp.com", archived=True).stance is Stance.REFUTES  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EvidenceFacts("maybe", "afp.com", archived=True)  # type: ignore[arg-type]


def test_a_generator_of_items_is_read_once_but_fully() -> None:
    items = (EvidenceFacts(Stance.SUPPORTS, p, archived=True) for p in ["a.com", "b.com"])
    explanation = explain_state(items)
    assert explanation.state is ClaimState.CORROBORATED
    assert explanation.usable_count == 2


# -- the examples of SPEC §4 ----------------------------------------------------------------


def cite(
    url: str,
    stance: str = "supports",
    *,
    archived: bool = True,
    quote: str | None = None,
    found: bool | None = None,
) -> EvidenceFacts:
    return EvidenceFacts(Stance(stance), publisher_of(url), archived, quote, found)


BBC_NEWS = "https://news.bbc.co.uk/1/hi/world/123.stm"
BBC_WWW = "https://www.bbc.co.uk/news/world-123"
REUTERS = "https://www.reuters.com/world/abc"
AFP = "https://factcheck.afp.com/xyz"


@pytest.mark.parametrize(
    ("items", "min_sources", "state"),
    [
        pytest.param([], 2, "submitted", id="no evidence"),
        pytest.param([cite(BBC_NEWS, archived=False)], 2, "submitted", id="not archived yet"),
        pytest.param([cite(BBC_NEWS), cite(BBC_WWW)], 2, "sourced", id="one publisher twice"),
        pytest.param([cite(BBC_NEWS), cite(REUTERS)], 2, "corroborated", id="two publishers"),
        pytest.param(
            [cite(BBC_NEWS), cite(REUTERS), cite(AFP, "refutes")], 2, "disputed", id="refuted"
        ),
        pytest.param(
            [cite(BBC_NEWS), cite(REUTERS), cite(AFP, "refutes", archived=False)],
            2,
            "corroborated",
            id="unarchived refutation counts for nothing",
        ),
        pytest.param(
            [cite(BBC_NEWS), cite(REUTERS), cite(AFP, "refutes", quote="no", found=False)],
            2,
            "corroborated",
            id="refutation whose quote is not in the archive",
        ),
        pytest.param(
            [cite(BBC_NEWS, quote="q", found=True), cite(REUTERS, quote="q", found=None)],
            2,
            "sourced",
            id="quote not checked yet",
        ),
        pytest.param([cite(AFP, "context")], 2, "sourced", id="context is usable"),
        pytest.param(
            [cite(BBC_NEWS, "context"), cite(REUTERS, "context")], 2, "sourced", id="context only"
        ),
        pytest.param([cite(BBC_NEWS), cite(REUTERS)], 3, "sourced", id="three required"),
        pytest.param([cite(BBC_NEWS)], 1, "corroborated", id="one required"),
        pytest.param(
            [cite("https://alice.blogspot.com/p"), cite("https://bob.blogspot.com/p")],
            2,
            "corroborated",
            id="two blogs on one platform are two publishers",
        ),
        pytest.param(
            [cite("http://127.0.0.2:8000/a"), cite("http://127.0.0.3:8000/a")],
            2,
            "corroborated",
            id="two IP hosts",
        ),
    ],
)
def test_spec_examples(items: list[EvidenceFacts], min_sources: int, state: str) -> None:
    assert compute_state(items, min_sources=min_sources) == state


def test_one_publisher_twice_is_explained() -> None:
    explanation = explain_state([cite(BBC_NEWS), cite(BBC_WWW)])
    assert explanation.supporting_publishers == {"bbc.co.uk"}
    assert explanation.usable_count == 2
    assert "count once" in explanation.reasons[0]
    assert "bbc.co.uk" in explanation.reasons[0]


def test_a_source_that_could_not_be_archived_shows_why() -> None:
    explanation = explain_state(
        [cite(BBC_NEWS, archived=False), cite(REUTERS, quote="the figure", found=False)]
    )
    assert explanation.state is ClaimState.SUBMITTED
    assert explanation.reasons == [
        "submitted: none of the 2 evidence items is usable yet",
        "supports evidence from bbc.co.uk does not count: the source has not been archived yet",
        "supports evidence from reuters.com does not count: "
        "the quote was not found in the archived text",
    ]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (cite(BBC_NEWS), None),
        (cite(BBC_NEWS, quote="q", found=True), None),
        (cite(BBC_NEWS, quote="   ", found=False), None),  # a blank quote is no quote
        (cite(BBC_NEWS, archived=False, quote="q", found=True), "not been archived"),
        (cite(BBC_NEWS, quote="q", found=None), "not been checked"),
        (cite(BBC_NEWS, quote="q", found=False), "not found in the archived text"),
    ],
)
def test_unusable_reason(item: EvidenceFacts, reason: str | None) -> None:
    got = unusable_reason(item)
    assert (got is None) == (reason is None) == is_usable(item)
    if reason is not None:
        assert got is not None and reason in got


@pytest.mark.parametrize(
    ("items", "headline"),
    [
        ([], "submitted: no evidence yet"),
        ([cite(AFP, archived=False)], "submitted: the only evidence item is not usable yet"),
        (
            [cite(AFP, "refutes"), cite(BBC_NEWS)],
            "disputed: 1 usable source refutes the claim (afp.com); "
            "refutation outweighs support from 1 publisher",
        ),
        (
            [cite(BBC_NEWS), cite(REUTERS)],
            "corroborated: supported by 2 distinct publishers (bbc.co.uk, reuters.com) "
            "and refuted by none",
        ),
        (
            [cite(AFP, "context")],
            "sourced: 1 usable evidence item; corroboration needs supporting sources from "
            "2 distinct publishers, has none",
        ),
    ],
)
def test_headlines_read_as_sentences(items: list[EvidenceFacts], headline: str) -> None:
    assert explain_state(items).reasons[0] == headline
