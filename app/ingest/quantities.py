# ruff: noqa: RUF001 - typographic dashes are what scraped text holds
"""Quantities a claim states, in comparable units, with ranges and approximations.

Public interface:

- ``Quantity(dimension, low, high, approximate)``: ``low == high`` for a single value; the
  dimension is ``count``, ``hours``, ``percent``, ``hectares``, ``km``, ``tonnes``, a currency
  (``usd``, ``gbp``, ``eur``), ``year`` or ``date`` (month * 100 + day).
- ``quantities(text) -> tuple[Quantity, ...]``.
- ``agree(a, b) -> "exact" | "approximate" | None``: whether two quantities state the same
  amount (approximately when either hedges, "about two hours", or the values differ by at most
  ``TOLERANCE``).

Numbers are read with ``app.ingest.numbers`` ("forty", "4,500", "a thousand", "$62m") and
then put in one unit: "72 hours" = "three days", "24 months" = "two years", "25 basis points"
= "0.25 percentage points", "35,000 acres" ≈ "14,180 hectares", "three out of five" = 60 %,
"2 hours and 10 minutes" = 130 minutes. Ranges ("2-3", "two to three", "between six and
twelve") keep both ends. Hedges before a number ("about", "nearly", "more than", "some")
mark it approximate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from app.ingest.numbers import SCALES, UNITS, words_to_number

TOLERANCE = Decimal("0.12")  # "about two hours" for 2 h 10 min; "nearly four hours" for 3 h 40

_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for name in names.split()
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
# unit word (singular or plural) -> (dimension, factor to the dimension's unit)
_UNITS: dict[str, tuple[str, Decimal]] = {
    **dict.fromkeys(("minute", "minutes", "min", "mins"), ("hours", Decimal(1) / 60)),
    **dict.fromkeys(("hour", "hours", "hr", "hrs"), ("hours", Decimal(1))),
    **dict.fromkeys(("day", "days"), ("hours", Decimal(24))),
    **dict.fromkeys(("week", "weeks"), ("hours", Decimal(168))),
    **dict.fromkeys(("month", "months"), ("hours", Decimal(730))),
    **dict.fromkeys(("year", "years"), ("hours", Decimal(8760))),
    **dict.fromkeys(("decade", "decades"), ("hours", Decimal(87600))),
    **dict.fromkeys(
        ("percent", "per cent", "%", "percentage points", "percentage point", "points", "point"),
        ("percent", Decimal(1)),
    ),
    **dict.fromkeys(("basis points", "basis point", "bps", "bp"), ("percent", Decimal("0.01"))),
    **dict.fromkeys(("hectare", "hectares", "ha"), ("hectares", Decimal(1))),
    **dict.fromkeys(("acre", "acres"), ("hectares", Decimal("0.404686"))),
    **dict.fromkeys(
        ("square kilometres", "square kilometers", "km2", "sq km"), ("hectares", Decimal(100))
    ),
    **dict.fromkeys(
        ("kilometre", "kilometres", "kilometer", "kilometers", "km"), ("km", Decimal(1))
    ),
    **dict.fromkeys(("mile", "miles"), ("km", Decimal("1.609344"))),
    **dict.fromkeys(("nautical mile", "nautical miles"), ("km", Decimal("1.852"))),
    **dict.fromkeys(("metre", "metres", "meter", "meters", "m"), ("km", Decimal("0.001"))),
    **dict.fromkeys(("tonne", "tonnes", "ton", "tons", "t"), ("tonnes", Decimal(1))),
    **dict.fromkeys(("kilogram", "kilograms", "kg"), ("tonnes", Decimal("0.001"))),
    **dict.fromkeys(("dollar", "dollars", "usd"), ("usd", Decimal(1))),
    **dict.fromkeys(("pound", "pounds", "gbp", "sterling"), ("gbp", Decimal(1))),
    **dict.fromkeys(("euro", "euros", "eur"), ("eur", Decimal(1))),
}
_CURRENCY = {"$": "usd", "£": "gbp", "€": "eur"}
_HEDGES = re.compile(
    r"\b(?:(?P<above>more than|over|at least|just over|well over|upwards of|in excess of|"
    r"a little more than|slightly more than|above)|"
    r"(?P<below>less than|under|fewer than|at most|up to|just under|nearly|almost|"
    r"a little less than|slightly less than|below)|"
    r"about|around|roughly|approximately|approx\.?|some|close to|near|an estimated|estimated|"
    r"circa|c\.)\s*$",
    re.I,
)
# How far past its figure a one-sided hedge reaches: "more than 14,000" covers 14,180.
ABOVE, BELOW = Decimal("1.5"), Decimal("0.75")
_SCALE_WORDS = "hundred|thousand|million|billion|trillion"
_NUMBER_WORD = "|".join(sorted((*UNITS, *SCALES), key=len, reverse=True))
_AFTER_SCALE = "(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))"
_WORD_RUN = (
    rf"(?:(?:a|an)\s+(?:{_SCALE_WORDS})|(?:{_NUMBER_WORD}))"
    rf"(?:(?:\s+|-|{_AFTER_SCALE}\s+and\s+)(?:{_NUMBER_WORD}))*"
)
# "more than a year", "took an hour": one of the unit
_ONE_UNIT = re.compile(
    r"\b(?:for|took|lasted|after|within|than|about|nearly|almost|around|over|under)\s+"
    r"(?P<one>an?)\s+(?=(?:minute|hour|day|week|month|year|decade)\b)",
    re.I,
)
_NUMERAL = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT = re.compile(
    rf"(?P<cur>[$£€])?\s?(?:(?P<num>{_NUMERAL})|\b(?P<words>{_WORD_RUN})\b)"
    rf"(?:\s*(?P<scale>{_SCALE_WORDS})\b|(?P<abbr>bn|mn|tn|m|k)\b)?",
    re.I,
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|or|and|from)\s*$", re.I)
_FRACTION = re.compile(
    r"\b(?P<a>\w+)\s+(?:out of|in|from|of every)\s+(?P<b>\w+)\b(?!\s*(?:percent|%|per))", re.I
)
_SIMPLE_FRACTIONS = {
    "half": Decimal(50), "a third": Decimal("33.33"), "one third": Decimal("33.33"),
    "two thirds": Decimal("66.67"), "two-thirds": Decimal("66.67"), "a quarter": Decimal(25),
    "one quarter": Decimal(25), "three quarters": Decimal(75), "three-quarters": Decimal(75),
}  # fmt: skip
_FRACTION_WORDS = re.compile(
    r"\b("
    + "|".join(re.escape(k) for k in sorted(_SIMPLE_FRACTIONS, key=len, reverse=True))
    + r")\b(?!\s+(?:an?|the)\s+(?:hour|day|week|month|year))",
    re.I,
)
_UNIT_AFTER = re.compile(
    r"^[\s-]*(?:(?P<unit>nautical miles?|basis points?|percentage points?|per cent|"
    r"square kilomet(?:re|er)s|sq km|km2|[a-z]+|%))",
    re.I,
)
_DETERMINERS = frozenset(("the", "both", "these", "those", "their", "its", "his", "her", "our"))
Agreement = Literal["exact", "approximate"]


@dataclass(frozen=True)
class Quantity:
    dimension: str
    low: Decimal
    high: Decimal
    approximate: bool = False
    direction: Literal["above", "below"] | None = None  # "more than" / "nearly"

    @property
    def value(self) -> Decimal:
        return (self.low + self.high) / 2


@dataclass
class _Raw:
    start: int
    end: int
    value: Decimal
    currency: str | None
    words: bool  # written in words


_CLOCK_AFTER = re.compile(r"^(?::\d|\s*[ap]\.?m\b|st\b|nd\b|rd\b|th\b)", re.I)


def _not_a_count(text: str, match: re.Match[str]) -> bool:
    """Clock times ("7:00", "7 p.m.") and ordinals ("2nd") state no amount."""
    if match.start() > 0 and text[match.start() - 1] == ":":
        return True
    return not match["abbr"] and bool(_CLOCK_AFTER.match(text[match.end() :]))


def _value(match: re.Match[str]) -> Decimal | None:
    num, words, scale, abbr = match["num"], match["words"], match["scale"], match["abbr"]
    if num:
        value = Decimal(num.replace(",", ""))
    else:
        found = words_to_number(re.split(r"[\s-]+", words.lower()))
        if found is None:
            return None
        value = Decimal(found)
    if scale:
        value *= SCALES[scale.lower()]
    elif abbr:
        value *= {"k": 1000, "m": 10**6, "mn": 10**6, "bn": 10**9, "tn": 10**12}[abbr.lower()]
    return value


def _raw_numbers(text: str) -> list[_Raw]:
    found: list[_Raw] = []
    for match in _ONE_UNIT.finditer(text):
        found.append(_Raw(match.start("one"), match.end("one"), Decimal(1), None, True))
    for match in _AMOUNT.finditer(text):
        if match["words"]:
            before = text[: match.start()].split()
            lone = match["words"].lower()
            if lone == "one" or lone in ("a", "an"):
                continue  # "one of them" is a pronoun, not a count
            if before and before[-1].lower() in _DETERMINERS and not match["scale"]:
                continue  # "the two countries" counts nothing new
        if match["num"] and _not_a_count(text, match):
            continue
        value = _value(match)
        if value is None:
            continue
        found.append(
            _Raw(
                match.start(),
                match.end(),
                value,
                _CURRENCY.get(match["cur"] or ""),
                match["words"] is not None,
            )
        )
    return sorted(found, key=lambda raw: raw.start)


def _dates(text: str) -> tuple[list[Quantity], list[tuple[int, int]]]:
    """ "14 March", "March 14", "the fourteenth of March", "Sept. 2": month * 100 + day."""
    out: list[Quantity] = []
    spans: list[tuple[int, int]] = []
    month = r"(?P<m>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
    day = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
    ordinal = r"(?P<o>" + "|".join(_ORDINALS) + r")"
    patterns = (
        rf"\b{day}\s+(?:of\s+)?{month}\b",
        rf"\b{month}\s+{day}\b(?!,\d)",
        rf"\b(?:the\s+)?{ordinal}\s+of\s+{month}\b",
    )
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.I):
            if any(s < match.end() and match.start() < e for s, e in spans):
                continue
            name = match["m"].lower()
            if name == "may" and not match["m"][0].isupper():
                continue
            parts = match.groupdict()
            number = int(parts["d"]) if parts.get("d") else _ORDINALS[parts["o"].lower()]
            if not 1 <= number <= 31:
                continue
            code = Decimal(_MONTHS[name] * 100 + number)
            out.append(Quantity("date", code, code))
            spans.append((match.start(), match.end()))
    return out, spans


def _unit_after(text: str, end: int) -> tuple[tuple[str, Decimal] | None, int]:
    """The unit right after a number, and where it ends."""
    match = _UNIT_AFTER.match(text[end : end + 30])
    if match is None:
        return None, end
    unit = _UNITS.get(re.sub(r"\s+", " ", match["unit"].lower()))
    return unit, (end + match.end() if unit else end)


def _hedge(text: str, start: int) -> tuple[bool, Literal["above", "below"] | None]:
    match = _HEDGES.search(text[max(0, start - 30) : start])
    if match is None:
        return False, None
    return True, ("above" if match["above"] else "below" if match["below"] else None)


def _fractions(text: str) -> list[tuple[int, int, Decimal]]:
    out = []
    for match in _FRACTION.finditer(text):
        a = _single(match["a"])
        b = _single(match["b"])
        if a is not None and b is not None and 0 < a < b <= 100:
            out.append((match.start(), match.end(), (Decimal(a) / Decimal(b) * 100)))
    for match in _FRACTION_WORDS.finditer(text):
        out.append((match.start(), match.end(), _SIMPLE_FRACTIONS[match[1].lower()]))
    return out


def _single(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return UNITS.get(word.lower())


def quantities(text: str) -> tuple[Quantity, ...]:
    found, taken = _dates(text)
    for start, end, percent in _fractions(text):
        if not any(s < end and start < e for s, e in taken):
            # "about one in five", "less than half": hedged like any other figure
            approximate, direction = _hedge(text, start)
            found.append(Quantity("percent", percent, percent, approximate, direction))
            taken.append((start, end))
    raws = [
        raw
        for raw in _raw_numbers(text)
        if not any(s < raw.end and raw.start < e for s, e in taken)
    ]
    i = 0
    while i < len(raws):
        raw = raws[i]
        low = high = raw.value
        end = raw.end
        # a range: "3-4", "three to four", "between six and twelve", "from 165 to 140"
        if (
            i + 1 < len(raws)
            and _RANGE_JOIN.match(text[raw.end : raws[i + 1].start])
            and not re.search(r"\bfrom\s*\W?\s*$", text[max(0, raw.start - 8) : raw.start], re.I)
        ):
            joined = raws[i + 1]
            low, high = min(raw.value, joined.value), max(raw.value, joined.value)
            end = joined.end
            i += 1
        i += 1
        unit, unit_end = _unit_after(text, end)
        dimension, factor = unit if unit else ("count", Decimal(1))
        if raw.currency:
            dimension, factor = raw.currency, Decimal(1)
        if (
            dimension == "count"
            and not raw.words
            and 1800 <= low <= 2100
            and low == high == low.to_integral_value()
        ):
            found.append(Quantity("year", low, high))
            continue
        approximate, direction = _hedge(text, raw.start)
        if dimension == "hours":
            # "2 hours and 10 minutes": the smaller unit adds to the larger
            follow = re.match(r"^\s*(?:and\s+)?", text[unit_end:])
            nxt = raws[i] if i < len(raws) else None
            if follow and nxt and nxt.start <= unit_end + follow.end() + 1:
                extra, _ = _unit_after(text, nxt.end)
                if extra and extra[0] == "hours" and extra[1] < factor:
                    low += nxt.value * extra[1] / factor
                    high += nxt.value * extra[1] / factor
                    i += 1
        found.append(Quantity(dimension, low * factor, high * factor, approximate, direction))
    return tuple(_unique(found))


def _unique(items: list[Quantity]) -> list[Quantity]:
    seen: dict[tuple[str, Decimal, Decimal], Quantity] = {}
    for item in items:
        key = (item.dimension, item.low.normalize(), item.high.normalize())
        if key in seen:
            if not item.approximate:
                seen[key] = replace(seen[key], approximate=False)
        else:
            seen[key] = item
    return list(seen.values())


def agree(a: Quantity, b: Quantity) -> Agreement | None:
    """ "exact", "approximate" or None (a different amount, or not comparable)."""
    if a.dimension != b.dimension:
        return None
    if a.low == b.low and a.high == b.high:
        return "approximate" if (a.approximate or b.approximate) else "exact"
    if a.dimension in ("date", "year"):
        return None
    if a.high >= b.low and b.high >= a.low and (a.low != a.high or b.low != b.high):
        return "approximate"  # a value inside the other's range
    if _within_bound(a, b) or _within_bound(b, a):
        return "approximate"
    larger = max(abs(a.value), abs(b.value))
    if larger == 0:
        return None
    gap = abs(a.value - b.value) / larger
    if gap <= TOLERANCE / 4 or ((a.approximate or b.approximate) and gap <= TOLERANCE):
        return "approximate"
    return None


def _within_bound(hedged: Quantity, other: Quantity) -> bool:
    """``other`` (a value, or some of a range: "aged 5 to 17 months" / "under 18 months") lies
    on the side a one-sided hedge points to, not too far from it."""
    if hedged.direction == "above":
        return other.high >= hedged.low and other.low <= hedged.high * ABOVE
    if hedged.direction == "below":
        return other.high >= hedged.low * BELOW and other.low <= hedged.high
    return False
