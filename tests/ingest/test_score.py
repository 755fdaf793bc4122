from __future__ import annotations

import pytest

from app.ingest.candidates import DEFAULT_MIN_SCORE, extract_candidates
from app.ingest.features import FEATURES, PENALTIES
from app.ingest.score import score_sentence


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Kestrany will release 40 fishermen.", "number"),
        ("A fund of $250 million was created.", "money"),
        ("Trade fell 38 per cent.", "percentage"),
        ("The talks ended on Thursday, 14 March 2024.", "date"),
        ("The war lasted six weeks.", "duration"),
        ("Foreign Minister Anna Reller left early.", "person"),
        ("Opposition leader D. K. Voss left early.", "person"),
        ("The ministry of reconstruction published the list.", "organisation"),
        ("The U.N. envoy left early.", "organisation"),
        ("Reller arrived in Geneva late.", "place"),
        ("Ibarek said the fund was ready.", "attribution"),
        ("It was the largest fund of its kind.", "comparative"),
        ("The unemployment rate is unknown.", "statistic"),
        ("The two countries signed the declaration.", "event"),
        ("1,000 civilian monitors are to be posted.", "quantity"),
        ("Unfortunately, the talks failed.", "opinion"),
        ("The talks could fail.", "modal"),
        ("Is this a breakthrough for the region?", "question"),
        ("If both sides agree, the border opens.", "conditional"),
        ("We are hearing that a deal is close.", "first_person"),
        ("Many people were unhappy with it.", "vague"),
        ("“We have not solved everything, but we have stopped digging,” she said.", "quote"),
        ("It is not.", "short"),
    ],
)
def test_each_feature_is_reported(sentence: str, reason: str) -> None:
    assert reason in score_sentence(sentence).reasons


def test_reasons_are_known_slugs_and_scores_are_bounded() -> None:
    slugs = {f.name for f, _ in (*FEATURES, *PENALTIES)}
    for sentence in ["", "?", "x" * 500, "In 2019, 60,000 people fled, the U.N. said; " * 10]:
        scored = score_sentence(sentence)
        assert 0.0 <= scored.value <= 1.0
        assert set(scored.reasons) <= slugs


def test_facts_outscore_opinions() -> None:
    fact = score_sentence(
        "About 60,000 people were displaced by the fighting in 2019, according to the U.N."
    )
    opinion = score_sentence("Surely Voss knows that the alternative is no deal at all.")
    question = score_sentence("Why should farmers in the Orsk valley believe this time?")
    assert fact.value >= DEFAULT_MIN_SCORE > opinion.value
    assert question.value < DEFAULT_MIN_SCORE
    assert "month" not in fact.reasons


def test_scoring_is_deterministic() -> None:
    text = "Kestrany will release 40 fishermen, Ibarek said on Thursday. It is not."
    assert extract_candidates(text) == extract_candidates(text)
    assert [c.text for c in extract_candidates(text)] == [
        "Kestrany will release 40 fishermen, Ibarek said on Thursday."
    ]


def test_min_score_filters() -> None:
    text = "Kestrany will release 40 fishermen, Ibarek said. Diplomacy is not photography."
    assert len(extract_candidates(text, min_score=0.0)) == 2
    assert extract_candidates(text, min_score=1.01) == []
