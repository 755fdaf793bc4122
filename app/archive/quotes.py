"""Finding a quote in archived text despite typography, with offsets into the original.

Public interface::

    normalise_for_match(text: str) -> tuple[str, list[int]]
    find_quote(quote: str, text: str) -> tuple[int, int] | None

Both sides are normalised the same way: Unicode NFKC and case folding; every quotation
mark, apostrophe and prime (straight, curly, low-9, guillemets, backtick) becomes ``'``, so
"double", 'single' and «French» quoting match each other; every dash and minus variant
becomes ``-``; invisible format characters (zero-width space and joiners, soft hyphen, BOM,
bidi marks) are dropped; whitespace runs become one space and the ends are trimmed.

A base character and the combining marks after it are normalised together, so ``e`` +
U+0301 matches a precomposed ``é``. Each normalised character maps back to the index in the
original text of the character (or combining sequence) it came from, so
``text[start:end]`` from ``find_quote`` is exactly the passage to highlight.

A quote is looked up as written, then without quotation marks around it (fact-checkers
often paste a quote inside quotation marks the source does not use).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTE_MARKS = (
    "\"'`\u00b4\u00ab\u00bb\u02b9\u02ba\u02bb\u02bc\u02bd\u02c8\u2018\u2019\u201a\u201b"
    "\u201c\u201d\u201e\u201f\u2032\u2033\u2035\u2036\u2039\u203a\u275b\u275c\u275d\u275e"
    "\u301d\u301e\u301f\uff02\uff07"
)
_DASHES = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_MAP = {ord(c): "'" for c in _QUOTE_MARKS} | {ord(c): "-" for c in _DASHES}


def normalise_for_match(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, its index in ``text``."""
    normal, starts, _ = _normalise(text)
    return normal, starts


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """``(start, end)`` of ``quote`` in the original ``text``, or None when it is not there."""
    needle = normalise_for_match(quote)[0]
    if not needle:
        return None
    ascii_text = text.isascii()
    if ascii_text:
        # Most archived text is ASCII: search a plain normalised copy and map back only the
        # match, instead of building an offset table for every character of the page.
        haystack = " ".join(text.lower().translate(_ASCII_MAP).split())
    else:
        haystack, starts, ends = _normalise_unicode(text)
    for candidate in (needle, needle.strip(" '")):
        if not candidate:
            return None
        at = haystack.find(candidate)
        if at >= 0:
            last = at + len(candidate) - 1
            if ascii_text:
                return _ascii_span(text, at, last)
            return starts[at], ends[last]
    return None


def _ascii_span(text: str, first: int, last: int) -> tuple[int, int]:
    """Where normalised characters ``first..last`` of ASCII ``text`` came from.

    Both fall inside words (a normalised needle neither starts nor ends with a space), and
    ASCII normalisation keeps every word's length, joining words with one space.
    """
    offset = 0  # where the current word starts in the normalised text
    start = -1
    for match in _ASCII_WORD.finditer(text):
        word_start, word_end = match.span()
        length = word_end - word_start
        if start < 0 and first < offset + length:
            start = word_start + first - offset
        if last < offset + length:
            return start, word_start + last - offset + 1
        offset += length + 1
    raise ValueError("offsets beyond the normalised text")


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Normalised text, and for each character the start and end of its source in ``text``."""
    return _normalise_ascii(text) if text.isascii() else _normalise_unicode(text)


_ASCII_WORD = re.compile(r"[^\t\n\x0b\x0c\r\x1c-\x1f ]+")
_ASCII_MAP = str.maketrans({'"': "'", "`": "'"})


def _normalise_ascii(text: str) -> tuple[str, list[int], list[int]]:
    """The same result for ASCII text in a fraction of the time: no Unicode rules apply."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    previous_end = 0
    for match in _ASCII_WORD.finditer(text.lower().translate(_ASCII_MAP)):
        start, end = match.span()
        if pieces:
            pieces.append(" ")
            starts.append(previous_end)
            ends.append(start)
        pieces.append(match.group())
        starts.extend(range(start, end))
        ends.extend(range(start + 1, end + 1))
        previous_end = end
    return "".join(pieces), starts, ends


def _normalise_unicode(text: str) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    space_at: int | None = None  # start of a whitespace run not yet written
    for start, end, cluster in _clusters(text):
        for ch in _fold(cluster):
            if ch.isspace():
                if space_at is None:
                    space_at = start
                continue
            if space_at is not None:
                if out:  # no leading space
                    out.append(" ")
                    starts.append(space_at)
                    ends.append(start)
                space_at = None
            out.append(ch)
            starts.append(start)
            ends.append(end)
    return "".join(out), starts, ends


def _clusters(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, characters)`` of each visible character with its combining marks.

    Invisible format characters (category Cf) are left out here, before anything else, so
    that a combining mark after one still joins the character it belongs to.
    """
    clusters: list[tuple[int, int, str]] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":
            continue
        if clusters and unicodedata.combining(ch):
            start, _, chars = clusters[-1]
            clusters[-1] = (start, i + 1, chars + ch)
        else:
            clusters.append((i, i + 1, ch))
    return clusters


@lru_cache(maxsize=65536)
def _fold(cluster: str) -> str:
    """NFKC, case fold and punctuation unification, repeated until nothing changes.

    Case folding can produce text that NFKC would change again, so one pass is not always
    idempotent; a second or third always settles.
    """
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", cluster.translate(_MAP)).casefold()
        folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
        folded = folded.translate(_MAP)
        if folded == cluster:
            break
        cluster = folded
    return cluster
