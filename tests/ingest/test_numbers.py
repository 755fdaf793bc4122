from __future__ import annotations

from decimal import Decimal

import pytest

from app.ingest.numbers import numbers_in, words_to_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("forty schools", {40}),
        ("40 schools", {40}),
        ("Forty regional schools", {40}),
        ("1,000 monitors", {1000}),
        ("1000 monitors", {1000}),
        ("a thousand observers", {1000}),
        ("3.5 million people", {3_500_000}),
        ("a $250m fund", {250_000_000}),
        ("250 million dollars", {250_000_000}),
        ("$1.2bn and $1.2 billion", {1_200_000_000}),
        ("38% or 38 per cent", {38}),
        ("0.8%", {Decimal("0.8")}),
        ("twenty-five", {25}),
        ("two hundred and ten", {210}),
        ("a six-week war", {6}),
        ("the 150-member parliament", {150}),
        ("ninety days", {90}),
        ("1,200 troops in 2019", {1200, 2019}),
        ("April 22 and 22 April", {22}),
        ("a dozen", {12}),
        ("one million", {1_000_000}),
    ],
)
def test_numbers_are_normalised(text: str, expected: set[int | Decimal]) -> None:
    assert numbers_in(text) == {Decimal(v) for v in expected}


@pytest.mark.parametrize(
    "text", ["the two countries", "both ministers", "one of them", "the one that matters", ""]
)
def test_references_are_not_counts(text: str) -> None:
    assert numbers_in(text) == frozenset()


def test_different_numbers_stay_different() -> None:
    assert numbers_in("14 hours") != numbers_in("forty hours")
    assert numbers_in("1,200 troops") != numbers_in("12,000 troops")


def test_words_to_number() -> None:
    assert words_to_number(["a", "thousand"]) == 1000
    assert words_to_number(["three", "hundred", "thousand"]) == 300_000
    assert words_to_number(["the"]) is None
    assert words_to_number(["a"]) is None
