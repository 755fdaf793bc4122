"""Loads the labelled articles in tests/data/ingest (see its README)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"


@dataclass(frozen=True)
class Sentence:
    text: str
    label: str  # "claim" or "other"
    fact: str | None


@dataclass(frozen=True)
class Article:
    name: str
    kind: str
    text: str
    sentences: tuple[Sentence, ...]
    noise: tuple[str, ...]

    def occurrences(self, sentence: str) -> list[tuple[int, int]]:
        spans, start = [], self.text.find(sentence)
        while start >= 0:
            spans.append((start, start + len(sentence)))
            start = self.text.find(sentence, start + 1)
        return spans

    def noise_spans(self) -> list[tuple[int, int]]:
        """(start, end) of every line that is labelled noise (whole lines only)."""
        noise, spans, start = set(self.noise), [], 0
        for line in self.text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            if body in noise:
                spans.append((start, start + len(body)))
            start += len(line)
        return spans


@cache
def labels() -> dict[str, Any]:
    return json.loads((DATA / "labels.json").read_text(encoding="utf-8"))


@cache
def articles() -> tuple[Article, ...]:
    out = []
    for entry in labels()["articles"]:
        # bytes, not read_text: keep \r\n exactly as stored
        text = (DATA / entry["file"]).read_bytes().decode("utf-8")
        out.append(
            Article(
                name=entry["file"].removesuffix(".txt"),
                kind=entry["kind"],
                text=text,
                sentences=tuple(Sentence(**s) for s in entry["sentences"]),
                noise=tuple(n["text"] for n in entry["noise"]),
            )
        )
    return tuple(out)


def claims() -> dict[tuple[str, str], str]:
    """(article, claim text) -> fact key, over all articles; repeats within an article once."""
    out: dict[tuple[str, str], str] = {}
    for article in articles():
        for sentence in article.sentences:
            if sentence.label == "claim" and sentence.fact:
                out[(article.name, sentence.text)] = sentence.fact
    return out
