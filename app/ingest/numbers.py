"""Numbers stated in a claim, normalised so that "forty" = "40" and "1,000" = "a thousand".

Public interface:

- ``numbers_in(text) -> frozenset[Decimal]``: every number the text states.
- ``words_to_number(words) -> int | None``: the value of a run of number words.

Two claims can only be restatements when their numbers agree, so this reads numerals (with
thousands separators and decimals, "38%", "$1.2bn", "3.5 million", "250m") and number words up
to the trillions ("forty", "twenty-five", "a thousand", "two hundred and ten", "six-week").
A lone "one" is nearly always a pronoun ("one of them"), so it is not read either. A number
word right after a determiner ("the two countries", "both", "their three sons") refers
back to things already counted rather than stating a count, so it is not read; numerals always
are.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {
    "dozen": 12, "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9,
    "trillion": 10**12,
}  # fmt: skip
_ABBREVIATED = {"k": 1000, "m": 10**6, "mn": 10**6, "bn": 10**9, "tn": 10**12}
_DETERMINERS = _words("the both these those their its his her our your my")
_NUMERAL = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:\s*(hundred|thousand|million|billion|trillion)\b|(bn|mn|tn|k|m)\b)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z]+")


def words_to_number(words: list[str]) -> int | None:
    """Value of number words such as ["two", "hundred", "and", "ten"]; None if not a number."""
    total, current, seen = 0, 0, False
    for word in words:
        if word in ("a", "an") and not seen:
            current = 1
        elif word == "and" and seen:
            continue
        elif word in UNITS:
            current += UNITS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total, current = total + current, 0
        else:
            return None
        seen = seen or word not in ("a", "an")
    return total + current if seen else None


def _word_numbers(text: str) -> list[Decimal]:
    tokens = _WORD.findall(text.lower())  # "twenty-five" -> "twenty", "five"
    values: list[Decimal] = []
    i = 0
    while i < len(tokens):
        starts_run = (
            tokens[i] in UNITS
            or tokens[i] in SCALES
            or (tokens[i] in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1] in SCALES)
        )
        if not starts_run:
            i += 1
            continue
        after_determiner = i > 0 and tokens[i - 1] in _DETERMINERS
        run = [tokens[i]]
        i += 1
        while i < len(tokens) and (
            tokens[i] in UNITS
            or tokens[i] in SCALES
            or (tokens[i] == "and" and i + 1 < len(tokens) and tokens[i + 1] in UNITS)
        ):
            run.append(tokens[i])
            i += 1
        value = words_to_number(run)
        if run == ["one"] or (after_determiner and value is not None and value < 100):
            continue  # "one of", "the one that"; "the two countries"
        if value is not None:
            values.append(Decimal(value))
    return values


def numbers_in(text: str) -> frozenset[Decimal]:
    """Every number stated in ``text``, normalised (1,000 = 1000 = a thousand = 1e3)."""
    values: list[Decimal] = []
    for match in _NUMERAL.finditer(text):
        whole, fraction, scale, abbreviation = match.groups()
        try:
            value = Decimal(whole.replace(",", "") + (fraction or ""))
        except InvalidOperation:  # pragma: no cover - the pattern only admits digits
            continue
        if scale:
            value *= SCALES[scale.lower()]
        elif abbreviation:
            value *= _ABBREVIATED[abbreviation.lower()]
        values.append(value)
    values.extend(_word_numbers(_NUMERAL.sub(" ", text)))
    return frozenset(v.normalize() for v in values)
