"""Reader-facing rating labels: configured in RATING_SCALE or made from the key."""

from __future__ import annotations

import pytest

from app.exports.records import RatingScale
from app.workflow.ratings import DEFAULT_SCALE, default_label, parse_labels, parse_scale


def test_labels_are_made_from_keys_when_none_is_configured() -> None:
    assert parse_labels(DEFAULT_SCALE) == {
        "true": "True",
        "mostly-true": "Mostly true",
        "mixed": "Mixed",
        "mostly-false": "Mostly false",
        "false": "False",
        "unverifiable": "Unverifiable",
    }
    assert default_label("sin_datos") == "Sin datos"
    assert default_label("engañoso") == "Engañoso"


def test_configured_labels_and_the_scale_ignores_them() -> None:
    spec = "true=5:Accurate, mostly-true=4 : Mostly accurate,false=1,unverifiable=:Can't say,"
    assert parse_labels(spec) == {
        "true": "Accurate",
        "mostly-true": "Mostly accurate",
        "false": "False",
        "unverifiable": "Can't say",
    }
    assert parse_scale(spec) == {"true": 5, "mostly-true": 4, "false": 1, "unverifiable": None}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("true=5:,false=1", "label after ':'"),
        ("true=5:\x07bell,false=1", "label after ':'"),
        ("true=5:" + "x" * 101, "label after ':'"),
        ("true=x:Label", "whole number"),
    ],
)
def test_bad_labels_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_labels(spec)


def test_rating_scale_record_helper() -> None:
    scale = RatingScale.from_setting("true=5:Accurate,false=1,unverifiable=")
    assert (scale.label("true"), scale.value("true")) == ("Accurate", 5)
    assert (scale.label("unverifiable"), scale.value("unverifiable")) == ("Unverifiable", None)
    assert (scale.best, scale.worst) == (5, 1)
    publisher = scale.publisher("Desk", "https://desk.example/")
    assert (publisher.best_rating, publisher.worst_rating) == (5, 1)
