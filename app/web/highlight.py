"""Marking spans of a text (candidate sentences, a claim in its article) for templates.

Templates escape every piece; nothing here builds HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Piece(Generic[T]):
    text: str
    mark: T | None  # what the span is (a candidate row, a flag), None for plain text


def pieces(text: str, spans: list[tuple[int, int, T]]) -> list[Piece[T]]:
    """``text`` cut into plain and marked pieces; overlapping or out-of-range spans are skipped."""
    out: list[Piece[T]] = []
    at = 0
    for start, end, mark in sorted(spans, key=lambda s: (s[0], s[1])):
        if start < at or end > len(text) or end <= start:
            continue
        if start > at:
            out.append(Piece(text[at:start], None))
        out.append(Piece(text[start:end], mark))
        at = end
    if at < len(text):
        out.append(Piece(text[at:], None))
    return out


def window(text: str, start: int, end: int, around: int = 400) -> tuple[str, int, int, bool, bool]:
    """The part of ``text`` around ``[start, end)``, cut at paragraph or sentence breaks when
    near; returns (excerpt, start, end within it, cut before, cut after)."""
    lo = max(0, start - around)
    hi = min(len(text), end + around)
    # Whole paragraphs where the window allows: start after the first break inside it, end
    # at the last one.
    para = text.find("\n\n", lo, start) if lo > 0 else -1
    if para != -1:
        lo = para + 2
    after = text.rfind("\n\n", end, hi) if hi < len(text) else -1
    if after != -1:
        hi = after
    return text[lo:hi], start - lo, end - lo, lo > 0, hi < len(text)
