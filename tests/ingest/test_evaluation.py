"""Candidates and restatements on the development data, as a regression bar.

The figures are those of ``tests.ingest.evaluation`` (``python -m tests.ingest.evaluation dev``
prints them); docs/ingest.md gives them for both halves. Only development data is asserted on
here: the older labelled articles in tests/data/ingest and the corpus's development halves,
``dev`` and ``heldout`` (run once as a test set, development data since). A later half is
measured once, by hand, after the rules are frozen.
"""

from __future__ import annotations

import itertools
from typing import cast

import pytest

from app.ingest.candidates import extract_candidates
from app.ingest.matching import compare, signature
from app.ingest.segment import sentence_spans
from app.ingest.suggestions import AUTO_JOIN_SCORE, auto_joins, rank
from tests.ingest import evaluation
from tests.ingest.corpus import Half, load
from tests.ingest.labelled import Article, articles, claims


@pytest.fixture(scope="module", params=evaluation.DEVELOPMENT_HALVES)
def half(request: pytest.FixtureRequest) -> Half:
    return cast(Half, request.param)


@pytest.fixture(scope="module")
def dev_candidates(half: Half) -> evaluation.CandidateFigures:
    return evaluation.candidate_figures(load(half))


@pytest.fixture(scope="module")
def dev_restatements(half: Half) -> evaluation.RestatementFigures:
    return evaluation.restatement_figures(load(half))


def test_dev_candidates_find_claims_and_never_noise(
    dev_candidates: evaluation.CandidateFigures,
) -> None:
    assert dev_candidates.recall >= 0.95
    assert dev_candidates.noise_offered == 0
    assert dev_candidates.precision >= 0.85


def test_dev_speakers_named_in_the_sentence_are_found() -> None:
    figures = evaluation.candidate_figures(load("dev"))
    assert figures.speakers_right >= 0.85 * figures.speakers


def test_dev_restatements_rank_the_partner_in_the_top_three(
    dev_restatements: evaluation.RestatementFigures,
) -> None:
    assert dev_restatements.top3 >= 0.95 * dev_restatements.directed


def test_dev_auto_joins_no_negative_pair(dev_restatements: evaluation.RestatementFigures) -> None:
    assert dev_restatements.auto_joined["contradicts"] == 0
    assert dev_restatements.auto_joined["different"] == 0
    assert dev_restatements.auto_joined_cross_topic == 0
    assert dev_restatements.auto_joined_unlabelled == 0
    assert dev_restatements.auto_joined_positive > 0  # the threshold is not out of reach


def test_details_are_refused_for_any_half_but_the_development_ones() -> None:
    assert evaluation.DEVELOPMENT_HALVES == ("dev", "heldout")
    with pytest.raises(SystemExit, match="refused"):
        evaluation.report("heldout2", details=True)  # type: ignore[arg-type]


# ---- the older labelled articles (tests/data/ingest) ---------------------------------------


@pytest.mark.parametrize("article", articles(), ids=lambda a: a.name)
def test_segmentation_matches_the_labelled_sentences(article: Article) -> None:
    got = [article.text[s.start : s.end] for s in sentence_spans(article.text)]
    assert got == [s.text for s in article.sentences]


@pytest.mark.parametrize("article", articles(), ids=lambda a: a.name)
def test_noise_lines_are_never_candidates(article: Article) -> None:
    noise = article.noise_spans()
    assert len(noise) >= len(article.noise)
    for cand in extract_candidates(article.text, min_score=0.0):
        assert not any(cand.start < end and start < cand.end for start, end in noise), cand


def test_older_articles_candidate_recall() -> None:
    found = total = 0
    for article in articles():
        cands = extract_candidates(article.text)
        for sentence in article.sentences:
            if sentence.label != "claim":
                continue
            spans = article.occurrences(sentence.text)
            total += 1
            found += any(s <= c.start and c.end <= e for c in cands for s, e in spans)
    assert found / total >= 0.9


def test_older_articles_restatements_rank_first_and_distinct_facts_never_auto_join() -> None:
    labelled = claims()
    keys = list(labelled)
    sigs = {k: signature(k[1]) for k in keys}
    top3 = positives = 0
    for key in keys:
        ranked = rank(sigs[key], [(i, sigs[k]) for i, k in enumerate(keys) if k != key])
        order = [keys[i] for i, _ in ranked]
        partners = [k for k in keys if k != key and labelled[k] == labelled[key]]
        positives += len(partners)
        top3 += sum(p in order[: max(3, len(partners))] for p in partners)
        for i, _ in auto_joins(ranked):
            assert labelled[keys[i]] == labelled[key], (key, keys[i])
    assert top3 >= 0.9 * positives
    for a, b in itertools.combinations(keys, 2):
        if labelled[a] != labelled[b]:
            match = compare(sigs[a], sigs[b])
            assert not (match.relation == "same" and match.score >= AUTO_JOIN_SCORE), (a, b)
