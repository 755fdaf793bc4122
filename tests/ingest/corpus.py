"""Loads the labelled evaluation corpus in tests/data/ingest/corpus (see its README).

Everything is validated on load, so a label that drifts from its article text fails loudly
instead of quietly skewing a recall or precision figure. This module must stay independent of
the application code it is used to judge.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast, get_args

Half = Literal["dev", "heldout", "heldout2"]
Relation = Literal["same", "approximate", "contradicts", "different"]
Kind = Literal[
    "number",
    "attribution",
    "official_role",
    "place",
    "scheduled_date",
    "agreement",
    "procedure",
    "quotation",
    "other",
]
Style = Literal[
    "wire",
    "commentary",
    "translated",
    "interview",
    "press_release",
    "live_blog",
    "local_news",
    "court_report",
    "science_health",
    "parliamentary",
]

# The two halves drawn by `split_topics`; callers that compare dev with held-out use these.
HALVES: tuple[Half, ...] = ("dev", "heldout")
# Fresh held-out halves written later on topics of their own, outside the split.
FRESH_HALVES: tuple[Half, ...] = ("heldout2",)
ALL_HALVES: tuple[Half, ...] = get_args(Half)
RELATIONS: tuple[Relation, ...] = get_args(Relation)
KINDS: tuple[Kind, ...] = get_args(Kind)
STYLES: tuple[Style, ...] = get_args(Style)
POSITIVE: frozenset[Relation] = frozenset({"same", "approximate"})
NEGATIVE: frozenset[Relation] = frozenset({"contradicts", "different"})

ROOT = Path(__file__).resolve().parent.parent / "data" / "ingest" / "corpus"
SPLIT_SEED = 20261125


class CorpusError(ValueError):
    """The corpus files contradict their own labels."""


@dataclass(frozen=True)
class Span:
    """An exact substring of an article and where it sits (``text == article[start:end]``)."""

    text: str
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class LabelledClaim:
    article_id: str
    span: Span
    speaker: str | None
    kinds: tuple[Kind, ...]

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end


@dataclass(frozen=True)
class Article:
    id: str
    topic: str
    outlet: str
    style: Style
    title: str
    url: str
    published_at: date
    file: str
    dateline: Span | None
    text: str
    claims: tuple[LabelledClaim, ...]
    noise: tuple[Span, ...]
    not_claims: tuple[Span, ...]

    @cached_property
    def _claims_by_text(self) -> dict[str, LabelledClaim]:
        return {claim.text: claim for claim in self.claims}

    def claim(self, text: str) -> LabelledClaim:
        try:
            return self._claims_by_text[text]
        except KeyError:
            raise KeyError(f"{self.id}: no labelled claim {text!r}") from None


@dataclass(frozen=True)
class Pair:
    a: LabelledClaim
    b: LabelledClaim
    relation: Relation

    @property
    def positive(self) -> bool:
        return self.relation in POSITIVE


@dataclass(frozen=True)
class Corpus:
    half: Half
    articles: tuple[Article, ...]
    pairs: tuple[Pair, ...]

    @cached_property
    def _by_id(self) -> dict[str, Article]:
        return {article.id: article for article in self.articles}

    def article(self, article_id: str) -> Article:
        return self._by_id[article_id]

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted({article.topic for article in self.articles}))

    @property
    def claims(self) -> tuple[LabelledClaim, ...]:
        return tuple(claim for article in self.articles for claim in article.claims)


def split_topics(topics: Iterable[str], seed: int = SPLIT_SEED) -> dict[str, Half]:
    """The documented split: sort, shuffle with ``random.Random(seed)``, first half is dev."""
    order = sorted(set(topics))
    random.Random(seed).shuffle(order)
    cut = len(order) // 2
    return {topic: ("dev" if index < cut else "heldout") for index, topic in enumerate(order)}


def load(half: Half, root: Path = ROOT) -> Corpus:
    if half not in ALL_HALVES:
        raise CorpusError(f"unknown half {half!r}; expected one of {ALL_HALVES}")
    directory = root / half
    raw_articles = _read_json_list(directory / "articles.json")
    halves = topic_halves(root)
    articles = tuple(_article(raw, directory, half, halves) for raw in raw_articles)
    other = {
        str(raw.get("id"))
        for name in ALL_HALVES
        if name != half and (root / name / "articles.json").exists()
        for raw in _read_json_list(root / name / "articles.json")
    }
    by_id: dict[str, Article] = {}
    for article in articles:
        if article.id in by_id:
            raise CorpusError(f"{half}: article id {article.id!r} is used twice")
        if article.id in other:
            raise CorpusError(f"{half}: article id {article.id!r} is used in another half")
        by_id[article.id] = article
    pairs = _pairs(_read_json_list(directory / "pairs.json"), by_id, other, half)
    return Corpus(half=half, articles=articles, pairs=pairs)


def topic_halves(root: Path = ROOT) -> dict[str, Half]:
    """Each topic's half: `split_topics` over dev and held-out, then the fresh halves' topics.

    A fresh half holds topics of its own, written after the split; a topic filed both in it and
    in dev or held-out is rejected (it would also change the split).
    """
    halves = split_topics(_all_topics(root))
    for fresh in FRESH_HALVES:
        path = root / fresh / "articles.json"
        for raw in _read_json_list(path) if path.exists() else []:
            topic = str(raw.get("topic"))
            if halves.setdefault(topic, fresh) != fresh:
                raise CorpusError(f"{fresh}: topic {topic!r} is also filed in dev or heldout")
    return halves


def _all_topics(root: Path) -> set[str]:
    return {
        str(raw.get("topic"))
        for half in HALVES
        for raw in _read_json_list(root / half / "articles.json")
    }


def _read_json_list(path: Path) -> list[Mapping[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise CorpusError(f"{path}: expected a JSON list of objects")
    return data


def _field(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value:
        raise CorpusError(f"{where}: {name!r} must be a non-empty string")
    return value


def _strings(raw: Mapping[str, Any], name: str, where: str) -> list[str]:
    value = raw.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise CorpusError(f"{where}: {name!r} must be a list of non-empty strings")
    return value


def _once(text: str, needle: str, where: str) -> Span:
    start = text.find(needle)
    if start < 0:
        raise CorpusError(f"{where}: {needle!r} does not occur in the text")
    if text.find(needle, start + 1) >= 0:
        raise CorpusError(f"{where}: {needle!r} occurs more than once")
    return Span(needle, start, start + len(needle))


def _no_overlap(spans: Sequence[tuple[str, Span]], where: str) -> None:
    ordered = sorted(spans, key=lambda item: (item[1].start, item[1].end))
    for (kind_a, a), (kind_b, b) in itertools.pairwise(ordered):
        if a.overlaps(b):
            raise CorpusError(f"{where}: {kind_a} {a.text!r} overlaps {kind_b} {b.text!r}")


def _article(
    raw: Mapping[str, Any], directory: Path, half: Half, halves: Mapping[str, Half]
) -> Article:
    article_id = _field(raw, "id", f"{half}/articles.json")
    where = f"{half}/{article_id}"
    topic = _field(raw, "topic", where)
    if halves.get(topic) != half:
        raise CorpusError(f"{where}: topic {topic!r} belongs to {halves.get(topic)!r}")
    style = _field(raw, "style", where)
    if style not in STYLES:
        raise CorpusError(f"{where}: unknown style {style!r}")
    file = _field(raw, "file", where)
    path = directory / file
    if path.parent != directory or path.suffix != ".txt":
        raise CorpusError(f"{where}: file {file!r} must be a .txt file in {half}/")
    # Decoded from bytes so that Windows line endings survive and spans stay exact.
    text = path.read_bytes().decode("utf-8")
    try:
        published_at = date.fromisoformat(_field(raw, "published_at", where))
    except ValueError as exc:
        raise CorpusError(f"{where}: published_at: {exc}") from None
    dateline_text = raw.get("dateline")
    if dateline_text is not None and (not isinstance(dateline_text, str) or not dateline_text):
        raise CorpusError(f"{where}: 'dateline' must be a non-empty string or null")
    dateline = _once(text, dateline_text, f"{where} dateline") if dateline_text else None

    raw_claims = raw.get("claims")
    if not isinstance(raw_claims, list) or not raw_claims:
        raise CorpusError(f"{where}: 'claims' must be a non-empty list")
    claims = tuple(_claim(item, article_id, text, where) for item in raw_claims)
    noise = tuple(_once(text, item, f"{where} noise") for item in _strings(raw, "noise", where))
    not_claims = tuple(
        _once(text, item, f"{where} not_claims") for item in _strings(raw, "not_claims", where)
    )
    labelled: list[tuple[str, Span]] = [("claim", claim.span) for claim in claims]
    labelled += [("noise", span) for span in noise]
    labelled += [("not_claim", span) for span in not_claims]
    if dateline is not None:
        labelled.append(("dateline", dateline))
    _no_overlap(labelled, where)
    url = _field(raw, "url", where)
    if not url.startswith("https://"):
        raise CorpusError(f"{where}: url {url!r} must be absolute https")
    return Article(
        id=article_id,
        topic=topic,
        outlet=_field(raw, "outlet", where),
        style=style,
        title=_field(raw, "title", where),
        url=url,
        published_at=published_at,
        file=file,
        dateline=dateline,
        text=text,
        claims=claims,
        noise=noise,
        not_claims=not_claims,
    )


def _claim(raw: Any, article_id: str, text: str, where: str) -> LabelledClaim:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: each claim must be an object")
    claim_text = _field(raw, "text", f"{where} claim")
    if claim_text != claim_text.strip():
        raise CorpusError(f"{where}: claim {claim_text!r} has surrounding whitespace")
    speaker = raw.get("speaker")
    if speaker is not None and (not isinstance(speaker, str) or not speaker):
        raise CorpusError(f"{where}: claim {claim_text!r}: speaker must be a name or null")
    kinds = _strings(raw, "kinds", f"{where} claim {claim_text!r}")
    unknown = [kind for kind in kinds if kind not in KINDS]
    if not kinds or unknown or len(set(kinds)) != len(kinds):
        raise CorpusError(f"{where}: claim {claim_text!r}: bad kinds {kinds!r}")
    return LabelledClaim(
        article_id=article_id,
        span=_once(text, claim_text, f"{where} claim"),
        speaker=speaker,
        kinds=tuple(cast(Kind, kind) for kind in kinds),
    )


def _pairs(
    raw_pairs: Sequence[Mapping[str, Any]],
    by_id: Mapping[str, Article],
    other_half: set[str],
    half: Half,
) -> tuple[Pair, ...]:
    pairs: list[Pair] = []
    seen: set[frozenset[tuple[str, str]]] = set()
    for index, raw in enumerate(raw_pairs):
        where = f"{half}/pairs.json[{index}]"
        relation = raw.get("relation")
        if relation not in RELATIONS:
            raise CorpusError(f"{where}: unknown relation {relation!r}")
        a = _pair_side(raw.get("a"), by_id, other_half, f"{where}.a")
        b = _pair_side(raw.get("b"), by_id, other_half, f"{where}.b")
        if a.article_id == b.article_id:
            raise CorpusError(f"{where}: both sides come from {a.article_id!r}")
        key = frozenset({(a.article_id, a.text), (b.article_id, b.text)})
        if key in seen:
            raise CorpusError(f"{where}: the same pair is labelled twice")
        seen.add(key)
        pairs.append(Pair(a=a, b=b, relation=cast(Relation, relation)))
    return tuple(pairs)


def _pair_side(
    raw: Any, by_id: Mapping[str, Article], other_half: set[str], where: str
) -> LabelledClaim:
    if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(x, str) for x in raw)):
        raise CorpusError(f"{where}: expected [article_id, claim text]")
    article_id, text = raw
    if article_id in other_half:
        raise CorpusError(f"{where}: {article_id!r} is in the other half; pairs cannot cross")
    if article_id not in by_id:
        raise CorpusError(f"{where}: unknown article {article_id!r}")
    try:
        return by_id[article_id].claim(text)
    except KeyError as exc:
        raise CorpusError(f"{where}: {exc.args[0]}") from None
