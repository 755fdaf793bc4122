"""The verdict rating scale and the ClaimReview ``ratingValue`` of each rating (SPEC §4).

A scale is an ordered mapping from the rating's words to its number, or to None for ratings
with no place on the numeric scale (``unverifiable``): ClaimReview then carries only the words
(``alternateName``). It is configured as one setting string, ``RATING_SCALE``. An entry may
carry the label readers see after a colon (``mostly-true=4:Mostly true``); without one the
label is made from the key (``mostly-true`` -> "Mostly true").

Public interface::

    DEFAULT_SCALE: str                       the setting's default, "true=5,...,unverifiable="
    DEFAULT_RATINGS: dict[str, int | None]   the same, parsed
    parse_scale(spec) -> dict[str, int | None]        ValueError says what is wrong and where
    parse_labels(spec) -> dict[str, str]              every rating's reader-facing label
    default_label(name) -> str                        "mostly-true" -> "Mostly true"
    rating_value(scale, rating) -> int | None         ValueError for a rating not on the scale
    best_rating(scale) -> int,  worst_rating(scale) -> int
    best_worst(scale) -> tuple[int, int]              (best, worst)
"""

from __future__ import annotations

import re
from collections.abc import Mapping

DEFAULT_SCALE = "true=5,mostly-true=4,mixed=3,mostly-false=2,false=1,unverifiable="

# Ratings are words shown to readers and exported: letters and digits of any script
# ("engañoso" is a rating too), joined by '-', '_' or a space. Keeping out commas, '=', quotes
# and control characters keeps them safe in the setting, CSV cells and URLs.
_NAME = re.compile(r"[^\W_]+(?:[-_ ][^\W_]+)*")
_VALUE = re.compile(r"[+-]?[0-9]+")
# A label is shown to readers and exported as ClaimReview alternateName: printable text with
# no commas (the entry separator), at most 100 characters.
_LABEL = re.compile(r"[^\x00-\x1f\x7f,]{1,100}")


def parse_scale(spec: str) -> dict[str, int | None]:
    """``"true=5,false=1,unverifiable="`` → ``{"true": 5, "false": 1, "unverifiable": None}``.

    Entries are ``NAME=VALUE`` separated by commas, in the order the UI should offer them;
    an empty VALUE means "no numeric value". Spaces around names and values are ignored, and
    so is a trailing comma. At least one rating must have a number, or there is no scale.
    A ``:LABEL`` after the value is the reader-facing label (see ``parse_labels``).
    """
    scale = {name: value for name, value, _ in _entries(spec)}
    if all(v is None for v in scale.values()):
        raise ValueError("the rating scale needs at least one rating with a numeric value")
    return scale


def parse_labels(spec: str) -> dict[str, str]:
    """Each rating's label for readers, in scale order: the configured ``:LABEL`` or one made
    from the name. ``"mostly-true=4:Mostly accurate,false=1"`` →
    ``{"mostly-true": "Mostly accurate", "false": "False"}``."""
    parse_scale(spec)  # the same validation and errors as the scale itself
    return {name: label or default_label(name) for name, _, label in _entries(spec)}


def default_label(name: str) -> str:
    """A rating key as readers see it: separators become spaces, the first letter a capital
    ("mostly-true" -> "Mostly true", "sin_datos" -> "Sin datos")."""
    words = re.sub(r"[-_ ]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _entries(spec: str) -> list[tuple[str, int | None, str | None]]:
    entries = spec.split(",")
    if entries and not entries[-1].strip():
        entries.pop()  # tolerate a trailing comma
    parsed: list[tuple[str, int | None, str | None]] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        where = f"rating scale entry {position} ({entry.strip()!r})"
        name, sep, rest = (s.strip() for s in entry.partition("="))
        if not entry.strip():
            raise ValueError(f"rating scale entry {position} is empty (two commas in a row?)")
        if not sep:
            raise ValueError(f"{where} is not NAME=VALUE")
        if not _NAME.fullmatch(name):
            raise ValueError(
                f"{where}: a rating name is letters and digits joined by '-', '_' or ' '"
            )
        if name in seen:
            raise ValueError(f"{where}: the rating {name!r} appears twice")
        value, colon, label = (s.strip() for s in rest.partition(":"))
        if value and not _VALUE.fullmatch(value):
            raise ValueError(f"{where}: the value must be a whole number or empty, not {value!r}")
        if colon and not _LABEL.fullmatch(label):
            raise ValueError(f"{where}: a label after ':' must be printable text, not {label!r}")
        seen.add(name)
        parsed.append((name, int(value) if value else None, label or None))
    if not parsed:
        raise ValueError("the rating scale is empty")
    return parsed


DEFAULT_RATINGS: dict[str, int | None] = parse_scale(DEFAULT_SCALE)


def rating_value(scale: Mapping[str, int | None], rating: str) -> int | None:
    """The numeric value of ``rating`` (None if it has none); ValueError if it is not on the
    scale, with the allowed ratings in the message so an API can return it as is."""
    try:
        return scale[rating]
    except KeyError:
        allowed = ", ".join(scale)
        raise ValueError(f"unknown rating {rating!r}; the scale has: {allowed}") from None


def _numbers(scale: Mapping[str, int | None]) -> list[int]:
    numbers = [v for v in scale.values() if v is not None]
    if not numbers:
        raise ValueError("the rating scale has no rating with a numeric value")
    return numbers


def best_rating(scale: Mapping[str, int | None]) -> int:
    """ClaimReview ``bestRating``: the highest value on the scale."""
    return max(_numbers(scale))


def worst_rating(scale: Mapping[str, int | None]) -> int:
    """ClaimReview ``worstRating``: the lowest value on the scale."""
    return min(_numbers(scale))


def best_worst(scale: Mapping[str, int | None]) -> tuple[int, int]:
    return best_rating(scale), worst_rating(scale)
