"""Quantities in comparable units: ranges, hedges, durations, areas, dates, fractions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.ingest.quantities import Quantity, agree, quantities


def _one(text: str) -> Quantity:
    found = quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("a truce of three to four days", "a 3-4 day ceasefire"),
        ("between six and twelve nautical miles", "6-12 nautical miles"),
        ("at least 72 hours before", "three days before"),
        ("over 24 months", "two years"),
        ("25 basis points", "0.25 percentage points"),
        ("eighty-five thousand dollars", "$85,000"),
        ("4,500 servicemen", "four thousand five hundred servicemen"),
        ("eleven hundred roles", "1,100 roles"),
        ("on 14 March", "on the fourteenth of March"),
        ("Sept. 2", "September 2nd"),
        ("three quarters of the cost", "75% of the cost"),
        ("a 5-2 vote", "voted five to two"),
    ],
)
def test_one_amount_written_two_ways(a: str, b: str) -> None:
    assert agree(_one(a), _one(b)) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("lasted 2 hours and 10 minutes", "took about two hours"),
        ("burned 14,180 hectares", "burned roughly 35,000 acres"),
        ("took 14 months", "took more than a year"),
        ("3 hours and 50 minutes", "nearly four hours"),
        ("three out of five", "61.4%"),
        ("more than 14,000 hectares", "14,180 hectares"),
        ("about one in five", "21%"),  # a hedged fraction is hedged
        ("less than half", "45%"),
        ("aged 5 to 17 months", "under 18 months"),  # a range on the side a bound points to
    ],
)
def test_approximately_the_same_amount(a: str, b: str) -> None:
    assert agree(_one(a), _one(b)) == "approximate"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("40 schools", "45 schools"),
        ("82,000 tonnes", "82 vessels"),
        ("on 14 March", "on 15 March"),
        ("more than 14,000 hectares", "9,000 hectares"),
        ("nearly four hours", "five hours"),
        ("2.5 percent", "1.5 percent"),
        ("one in five", "21%"),
        ("less than half", "60%"),
        ("aged 20 to 30 months", "under 18 months"),
    ],
)
def test_different_amounts(a: str, b: str) -> None:
    assert agree(_one(a), _one(b)) is None


def test_years_clock_times_ordinals_and_pronouns_are_not_counts() -> None:
    found = quantities("At 7:00 a.m. on the 2nd day, one of them said 2024 was hard.")
    assert [q.dimension for q in found] == ["year"]
    assert found[0].low == Decimal(2024)
    assert quantities("The two countries met at 7 p.m.") == ()


def test_hedges_mark_approximations() -> None:
    assert _one("about 2,300 residents").approximate
    assert not _one("2,300 residents").approximate
    assert _one("more than 800 firefighters").direction == "above"
    assert _one("nearly four hours").direction == "below"
