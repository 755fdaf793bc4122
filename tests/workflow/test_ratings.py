"""The rating scale setting and the ClaimReview values it yields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.workflow.ratings import (
    DEFAULT_RATINGS,
    DEFAULT_SCALE,
    best_rating,
    best_worst,
    parse_scale,
    rating_value,
    worst_rating,
)
from config.settings import Settings


def test_default_scale_is_the_spec_scale_in_order() -> None:
    assert list(DEFAULT_RATINGS.items()) == [
        ("true", 5),
        ("mostly-true", 4),
        ("mixed", 3),
        ("mostly-false", 2),
        ("false", 1),
        ("unverifiable", None),
    ]
    assert best_worst(DEFAULT_RATINGS) == (5, 1)
    assert parse_scale(DEFAULT_SCALE) == DEFAULT_RATINGS


def test_the_setting_default_is_the_same_scale() -> None:
    assert parse_scale(Settings.model_fields["RATING_SCALE"].default) == DEFAULT_RATINGS


def test_spaces_and_a_trailing_comma_are_tolerated() -> None:
    assert parse_scale(" true = 5 , false=1, unverifiable = ,") == {
        "true": 5,
        "false": 1,
        "unverifiable": None,
    }


def test_names_in_other_languages_and_negative_values() -> None:
    scale = parse_scale("verdadero=2,engañoso=0,falso=-1,sin datos=")
    assert scale == {"verdadero": 2, "engañoso": 0, "falso": -1, "sin datos": None}
    assert best_worst(scale) == (2, -1)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("true=5,,false=1", "entry 2 is empty"),
        ("true=5,false", r"entry 2 \('false'\) is not NAME=VALUE"),
        ("=5", "rating name"),
        ("true=5,pants on fire!=0", "rating name"),
        ("a,b=1", "not NAME=VALUE"),
        ("true=5,true=4", "'true' appears twice"),
        ("true=five", "whole number or empty, not 'five'"),
        ("true=4.5", "whole number"),
        ("true=5=5", "whole number"),
        ("unverifiable=,unknown=", "at least one rating with a numeric value"),
    ],
)
def test_bad_scales_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_scale(spec)


names = st.from_regex(r"[a-z]+(-[a-z]+)?", fullmatch=True)
scales = st.dictionaries(names, st.none() | st.integers(-100, 100), min_size=1, max_size=8).filter(
    lambda d: any(v is not None for v in d.values())
)


@given(scales)
def test_a_scale_written_out_parses_back_in_order(scale: dict[str, int | None]) -> None:
    spec = ",".join(f"{k}={'' if v is None else v}" for k, v in scale.items())
    parsed = parse_scale(spec)
    assert list(parsed.items()) == list(scale.items())
    numbers = [v for v in scale.values() if v is not None]
    assert best_rating(parsed) == max(numbers)
    assert worst_rating(parsed) == min(numbers)
    for name, value in scale.items():
        assert rating_value(parsed, name) == value


def test_rating_value() -> None:
    assert rating_value(DEFAULT_RATINGS, "mostly-false") == 2
    assert rating_value(DEFAULT_RATINGS, "unverifiable") is None
    with pytest.raises(ValueError, match="unknown rating 'pants-on-fire'; the scale has: true, "):
        rating_value(DEFAULT_RATINGS, "pants-on-fire")


def test_best_and_worst_need_a_numeric_rating() -> None:
    with pytest.raises(ValueError, match="no rating with a numeric value"):
        best_worst({"unverifiable": None})
