# ruff: noqa: RUF001 - typographic quotes, dashes and arrows are what scraped text holds
"""Sentences with exact character offsets into the original text.

Public interface:

- ``Span(start, end)``: ``text[start:end]`` is the sentence, trimmed of surrounding whitespace.
- ``sentence_spans(text) -> list[Span]``: prose sentences in document order, non-overlapping;
  noise lines, headings, list bullets and wire datelines are left out.
- ``prose_lines(text)``: (start, end, is_list_item) of the lines that hold prose.

The text is cut into lines first: scraped noise and headings are whole lines, and dropping them
before sentence splitting keeps a ticker from gluing itself to the next sentence. Each prose
line (a paragraph) goes through pysbd, which knows abbreviations ("p.m.", "U.S.", initials)
and quotations. pysbd's own ``char_span`` finds sentences again with a regex search and loses
or misplaces them when it has touched whitespace or when a sentence repeats, so offsets are
recovered here by walking the original line, comparing non-space characters only. Only cut
points are taken from pysbd: every character of a prose line ends up in exactly one sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pysbd

from app.ingest.noise import (
    dateline_length,
    ends_sentence,
    is_author_note,
    is_heading,
    is_noise_line,
    opens_boilerplate,
)

_LINE = re.compile(r"[^\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")
_LIST_MARK = re.compile(r"^\s*(?:[-*•‣◦–—]|\d{1,2}[.)]|\([a-z0-9]\))\s+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def prose_lines(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_list_item) of each line that is prose: not noise, not a heading."""
    blurb = False
    for match in _LINE.finditer(text):
        line = match.group(0)
        if not line.strip():
            continue
        mark = _LIST_MARK.match(line)
        body = line[mark.end() :] if mark else line
        if opens_boilerplate(body):
            blurb = True
            continue
        if blurb:  # the paragraph under "About ..." is the standing blurb
            blurb = False
            continue
        if is_noise_line(body) or is_heading(body, list_item=mark is not None):
            continue
        if mark and mark.group(0).strip()[0].isdigit() and not ends_sentence(body):
            continue  # "3. Fiscal Year 2025 budget (Resolution 17)": an agenda entry
        yield match.start() + (mark.end() if mark else 0), match.end(), mark is not None


def _cut_points(line: str, pieces: list[str]) -> list[int]:
    """Offsets in ``line`` where each of pysbd's ``pieces`` starts.

    Walks the line and the pieces together on non-space characters. A piece that does not line
    up (pysbd rewrote a character) is dropped as a cut point, so its text joins the previous
    sentence rather than going missing.
    """
    cuts: list[int] = []
    pos = 0
    for piece in pieces:
        chars = [c for c in piece if not c.isspace()]
        if not chars:
            continue
        i = pos
        while i < len(line) and line[i].isspace():
            i += 1
        start, ok = i, True
        for char in chars:
            while i < len(line) and line[i].isspace():
                i += 1
            if i >= len(line) or line[i] != char:
                ok = False
                break
            i += 1
        if ok:
            cuts.append(start)
            pos = i
        else:
            found = line.find(piece.strip(), pos)
            if found >= 0:
                cuts.append(found)
                pos = found + len(piece.strip())
    return cuts or [0]


def split_paragraph(line: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets within one paragraph, trimmed, covering all its text."""
    cuts = _cut_points(line, _segmenter().segment(line))
    cuts[0] = 0
    bounds = [*cuts, len(line)]
    spans = []
    for start, end in itertools.pairwise(bounds):
        start, end = _trim(line, start, end)
        if end > start:
            spans.append((start, end))
    return spans


def _furniture(text: str) -> Iterator[str]:
    """The noise lines of ``text`` (bylines among them), read lazily."""
    return (m.group(0) for m in _LINE.finditer(text) if is_noise_line(m.group(0)))


def sentence_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    lines = list(prose_lines(text))
    if lines and is_author_note(text[lines[-1][0] : lines[-1][1]], _furniture(text)):
        lines.pop()  # the op-ed's closing line about its author
    for line_start, line_end, _ in lines:
        line = text[line_start:line_end]
        for index, (start, end) in enumerate(split_paragraph(line)):
            if index == 0:  # a dateline opens a wire story's first paragraph
                start, end = _trim(line, start + dateline_length(line[start:end]), end)
            if end > start:
                spans.append(Span(line_start + start, line_start + end))
    return spans
