"""The labelled evaluation corpus is well formed, big enough and split as documented.

Nothing here calls application code: the corpus is meant to judge that code, so it must not
depend on it (checked below by reading this module's and the loader's imports).
"""

from __future__ import annotations

import ast
import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ingest import corpus
from tests.ingest.corpus import (
    ALL_HALVES,
    FRESH_HALVES,
    HALVES,
    KINDS,
    NEGATIVE,
    POSITIVE,
    ROOT,
    STYLES,
    Corpus,
    CorpusError,
    Half,
    load,
    split_topics,
)


@pytest.fixture(scope="module")
def halves() -> dict[Half, Corpus]:
    return {half: load(half) for half in ALL_HALVES}


def test_sizes(halves: dict[Half, Corpus]) -> None:
    assert sum(len(c.articles) for c in halves.values()) >= 40
    for half, c in halves.items():
        relations = Counter(pair.relation for pair in c.pairs)
        positives = sum(relations[r] for r in POSITIVE)
        negatives = sum(relations[r] for r in NEGATIVE)
        assert positives >= 35, (half, relations)
        assert negatives >= 25, (half, relations)
        # Each hard kind is represented, not only the easy "same" pairs.
        assert all(relations[r] >= 5 for r in corpus.RELATIONS), (half, relations)


def test_every_style_in_each_half(halves: dict[Half, Corpus]) -> None:
    for half, c in halves.items():
        assert {a.style for a in c.articles} == set(STYLES), half


def test_every_claim_kind_is_used_in_each_half(halves: dict[Half, Corpus]) -> None:
    for half, c in halves.items():
        assert {kind for claim in c.claims for kind in claim.kinds} == set(KINDS), half


def test_articles_are_within_the_length_range(halves: dict[Half, Corpus]) -> None:
    for c in halves.values():
        for article in c.articles:
            assert 250 <= len(article.text.split()) <= 900, article.id


def test_spans_point_at_their_text(halves: dict[Half, Corpus]) -> None:
    for c in halves.values():
        for article in c.articles:
            for claim in article.claims:
                assert article.text[claim.start : claim.end] == claim.text
                assert article.text.count(claim.text) == 1
            for span in (*article.noise, *article.not_claims):
                assert article.text[span.start : span.end] == span.text
                assert article.text.count(span.text) == 1
                assert not any(span.overlaps(claim.span) for claim in article.claims)


def test_datelines_precede_and_are_not_part_of_claims(halves: dict[Half, Corpus]) -> None:
    dated = [a for c in halves.values() for a in c.articles if a.dateline is not None]
    assert dated
    for article in dated:
        assert article.dateline is not None
        after = article.text[article.dateline.end :].lstrip()
        # The sentence after a dateline is the article's first claim, starting right there.
        assert any(after.startswith(claim.text) for claim in article.claims), article.id
        assert not any(claim.text.startswith(article.dateline.text) for claim in article.claims)


def test_every_article_has_noise_and_not_claims(halves: dict[Half, Corpus]) -> None:
    for c in halves.values():
        for article in c.articles:
            assert len(article.noise) >= 3, article.id
            assert article.not_claims, article.id


def test_ids_unique_across_halves(halves: dict[Half, Corpus]) -> None:
    ids = [a.id for c in halves.values() for a in c.articles]
    assert len(ids) == len(set(ids))
    files = [f"{c.half}/{a.file}" for c in halves.values() for a in c.articles]
    assert len(files) == len(set(files))


def test_split_is_the_documented_one(halves: dict[Half, Corpus]) -> None:
    topics = {a.topic: c.half for c in halves.values() if c.half in HALVES for a in c.articles}
    assert split_topics(topics) == topics
    assert len(halves["dev"].topics) == len(topics) // 2
    assert set(halves["dev"].topics).isdisjoint(halves["heldout"].topics)


def test_fresh_halves_have_topics_of_their_own(halves: dict[Half, Corpus]) -> None:
    assert HALVES == ("dev", "heldout")
    assert set(ALL_HALVES) == {*HALVES, *FRESH_HALVES}
    for fresh in FRESH_HALVES:
        assert len(halves[fresh].topics) >= 7, fresh
        others = {t for half, c in halves.items() if half != fresh for t in c.topics}
        assert others.isdisjoint(halves[fresh].topics), fresh


def test_pairs_join_two_outlets_on_one_topic(halves: dict[Half, Corpus]) -> None:
    for c in halves.values():
        for pair in c.pairs:
            a, b = c.article(pair.a.article_id), c.article(pair.b.article_id)
            assert a.id != b.id
            assert a.outlet != b.outlet, (a.id, b.id)
            assert a.topic == b.topic, (a.id, b.id)


def test_no_txt_file_is_left_unlabelled() -> None:
    for half in ALL_HALVES:
        listed = {raw["file"] for raw in json.loads((ROOT / half / "articles.json").read_text())}
        assert {p.name for p in (ROOT / half).glob("*.txt")} == listed


def test_corpus_code_does_not_import_the_application() -> None:
    for module in (Path(corpus.__file__), Path(__file__)):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n == "app" or n.startswith("app.")], module


# The loader's checks, each shown to fire on a corrupted copy of the corpus.


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT, tmp_path / "corpus")
    return tmp_path / "corpus"


def _edit(path: Path, change: Callable[[Any], object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_copy_loads(copy: Path) -> None:
    assert len(load("dev", copy).articles) == len(load("dev").articles)


def test_rejects_a_claim_not_in_the_text(copy: Path) -> None:
    _edit(copy / "dev" / "articles.json", lambda d: d[0]["claims"][0].update(text="Not there."))
    with pytest.raises(CorpusError, match="does not occur"):
        load("dev", copy)


def test_rejects_a_repeated_claim(copy: Path) -> None:
    articles = json.loads((copy / "dev" / "articles.json").read_text(encoding="utf-8"))
    claim = articles[0]["claims"][0]["text"]
    path = copy / "dev" / articles[0]["file"]
    path.write_bytes(path.read_bytes() + f"\n{claim}\n".encode())
    with pytest.raises(CorpusError, match="more than once"):
        load("dev", copy)


def test_rejects_a_claim_overlapping_noise(copy: Path) -> None:
    def overlap(d: Any) -> None:
        d[0]["noise"].append(d[0]["claims"][0]["text"][:20])

    _edit(copy / "dev" / "articles.json", overlap)
    with pytest.raises(CorpusError, match="overlaps"):
        load("dev", copy)


def _first(copy: Path, half: str) -> dict[str, Any]:
    """The first article of ``half`` in the copied corpus, as its articles.json holds it."""
    articles: list[dict[str, Any]] = json.loads(
        (copy / half / "articles.json").read_text(encoding="utf-8")
    )
    return articles[0]


def _file_elsewhere(copy: Path, article: dict[str, Any], source: str, target: str) -> None:
    """File ``article`` (its text too) in the ``target`` half as well."""
    shutil.copy(copy / source / article["file"], copy / target / article["file"])
    _edit(copy / target / "articles.json", lambda d: d.append(article))


def test_rejects_a_pair_with_an_unlabelled_side(copy: Path) -> None:
    _edit(copy / "dev" / "pairs.json", lambda d: d[0]["a"].__setitem__(1, "Unlabelled."))
    with pytest.raises(CorpusError, match="no labelled claim"):
        load("dev", copy)


def test_rejects_a_pair_across_halves(copy: Path) -> None:
    other = _first(copy, "heldout")
    side = [other["id"], other["claims"][0]["text"]]
    _edit(copy / "dev" / "pairs.json", lambda d: d[0].update(b=side))
    with pytest.raises(CorpusError, match="other half"):
        load("dev", copy)


def test_rejects_a_duplicate_article_id(copy: Path) -> None:
    _edit(copy / "dev" / "articles.json", lambda d: d[1].update(id=d[0]["id"]))
    with pytest.raises(CorpusError, match="used twice"):
        load("dev", copy)


def test_rejects_an_article_filed_in_the_wrong_half(copy: Path) -> None:
    _file_elsewhere(copy, _first(copy, "heldout"), "heldout", "dev")
    with pytest.raises(CorpusError, match="belongs to 'heldout'"):
        load("dev", copy)


def test_rejects_unknown_kinds_and_relations(copy: Path) -> None:
    _edit(copy / "dev" / "articles.json", lambda d: d[0]["claims"][0].update(kinds=["vibe"]))
    with pytest.raises(CorpusError, match="bad kinds"):
        load("dev", copy)
    shutil.copy(ROOT / "dev" / "articles.json", copy / "dev" / "articles.json")
    _edit(copy / "dev" / "pairs.json", lambda d: d[0].update(relation="similar"))
    with pytest.raises(CorpusError, match="unknown relation"):
        load("dev", copy)


def test_rejects_a_fresh_topic_filed_in_a_split_half(copy: Path) -> None:
    _file_elsewhere(copy, _first(copy, "heldout2"), "heldout2", "dev")
    with pytest.raises(CorpusError, match="also filed in dev or heldout"):
        load("dev", copy)


def test_rejects_a_split_topic_filed_in_a_fresh_half(copy: Path) -> None:
    _file_elsewhere(copy, {**_first(copy, "dev"), "id": "moved-copy"}, "dev", "heldout2")
    with pytest.raises(CorpusError, match="also filed in dev or heldout"):
        load("heldout2", copy)


def test_rejects_a_pair_from_a_fresh_half_to_another(copy: Path) -> None:
    other = _first(copy, "heldout")
    side = [other["id"], other["claims"][0]["text"]]
    _edit(copy / "heldout2" / "pairs.json", lambda d: d[0].update(b=side))
    with pytest.raises(CorpusError, match="other half"):
        load("heldout2", copy)


def test_rejects_an_id_used_in_another_half(copy: Path) -> None:
    taken = _first(copy, "dev")["id"]
    _edit(copy / "heldout2" / "articles.json", lambda d: d[0].update(id=taken))
    with pytest.raises(CorpusError, match="used in another half"):
        load("heldout2", copy)
