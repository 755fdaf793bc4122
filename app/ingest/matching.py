# ruff: noqa: RUF001 - typographic quotes and dashes are what scraped text holds
"""Do two claims state the same fact? Numbers, polarity and rare words decide.

Public interface:

- ``signature(text) -> Signature``: everything ``compare`` needs, computed once per text
  (cached); store-independent, so a worker can keep it for every claim it has seen.
- ``compare(a, b) -> Match(score, relation, reasons)`` on texts or signatures. ``relation``:
  ``same`` (one fact), ``approximate`` (one fact, a figure hedged or rounded), ``contradicts``
  (one fact, opposite polarity: "were rebuilt" / "were not rebuilt", "rose" / "fell", "X
  denied that ...") or ``different``. ``score`` in [0, 1] ranks suggestions; a contradiction
  keeps the score its wording earns, because a fact-checker wants to see it.
- ``blocking_keys(text) -> set[str]``: what a store indexes a claim under (its numbers, their
  approximate buckets and its rare lemmas); ``probe_keys(sig)``: what a new claim looks up.
- ``shortlist(probes, postings, limit)``: the stored claims sharing the most key weight with a
  new one, the only ones ``compare`` then reads; ``selective`` weighs a key down by how many
  stored claims share it, once that is more than ``RARE_POSTINGS``.

The rule: content words count by rarity (``app.ingest.lexicon``), shared quantities
(``app.ingest.quantities``) count like rare words; a quantity on each side of the same kind
with no partner on the other side ("40 schools" / "45 schools") makes the claims different;
a negation ("not", "no", "never", "denied that", "failed to") that governs words the other
claim states, or the opposite pole of a shared verb ("rebuilt" / "demolished"), makes them
contradict. A negated pole verb is a pole flipped: "denied that trawling would be allowed"
restates "trawling is banned".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from app.ingest.lexicon import concept, pole, tokens, weight
from app.ingest.quantities import Quantity, agree, quantities


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


Relation = Literal["same", "approximate", "contradicts", "different"]

SUGGEST_SCORE = 0.25  # below this two claims are "different" whatever else holds
# Two common words in common ("begin", "September") are a coincidence, not a fact; a shared
# figure is not.
MIN_SHARED_WEIGHT = 5.5
NUMBER_CONFLICT_FACTOR = 0.5
NAME_WEIGHT = 4.5  # a capitalised word this rare is a name
KEY_MIN_WEIGHT = 1.5  # words commoner than this (Zipf above 6) are not worth an index entry
MAX_WORD_KEYS = 12
NEGATION_WINDOW = 4  # content words a negator governs
BUCKET = math.log(1.12)  # number buckets as wide as the approximation tolerance

_NEGATORS = _words(
    """not n't no never none nobody nothing neither nor without deny denied denies denying
    refute refuted refutes fail failed fails false"""
)
_REFUSALS = _words("refuse refused refuses refusing decline declined declines declining")
_BOUNDS = _words("later earlier sooner more less fewer greater higher lower")
_MONTH_NAMES = _words(
    "january february march april may june july august september october november december"
)
_WEEKDAY_NAMES = _words("monday tuesday wednesday thursday friday saturday sunday")
LEAD_WINDOW = 4  # the subject of a news sentence comes first
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
_CLAUSE_END = re.compile(r"[,;:.()\"“”—–]|\bbut\b|\bwhile\b|\bwhereas\b|\bhowever\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|[,;:.()\"“”—–]")


@dataclass(frozen=True)
class Match:
    score: float
    relation: Relation
    reasons: list[str] = field(default_factory=list)
    # "different" only because the claims open on different names or date different months or
    # weekdays: a heuristic that also fires on restatements ("Judge Sandoval set sentencing for
    # Nov. 14" / "Pryce will be sentenced on Nov. 14"), so the pair may still be listed, at
    # half its score and never joined.
    near: bool = False


@dataclass(frozen=True)
class Signature:
    text: str
    concepts: Mapping[str, float]  # concept -> weight
    quantities: tuple[Quantity, ...]
    negations: tuple[frozenset[str], ...]  # concepts each negator governs
    poles: Mapping[str, frozenset[int]]  # opposition key -> signs, a negated pole flipped
    weight: float  # total weight of concepts and quantities
    lead: str | None = None  # the name the claim opens on ("Reller arrived ...")
    months: frozenset[str] = frozenset()
    weekdays: frozenset[str] = frozenset()
    negators: int = 0  # negating words, whether or not they govern a content word
    # words a negation governed before it reached the pole it flipped, with that pole's key
    spent: tuple[tuple[frozenset[str], str], ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(_keys(self, probe=False))


def _quantity_weight(q: Quantity) -> float:
    if q.dimension in ("year",):
        return 2.0
    if q.dimension == "date":
        return 4.0
    if q.dimension == "count" and q.high <= 12 and q.low == q.high:
        return 2.5  # small counts are everywhere
    return 5.0


def _clauses(text: str) -> list[list[str]]:
    """Lower-case word tokens cut at clause punctuation ("No, it rose" is two clauses)."""
    clauses: list[list[str]] = [[]]
    for token in _WORD.findall(text.replace("’", "'")):
        if _CLAUSE_END.fullmatch(token):
            clauses.append([])
        else:
            clauses[-1].extend(tokens(token) or [token.lower()])
    return [c for c in clauses if c]


def _split_nt(words: list[str]) -> list[str]:
    out = []
    for word in words:
        if word.endswith("n't"):
            out.extend([word[:-3], "n't"])
        else:
            out.append(word)
    return out


@lru_cache(maxsize=100_000)
def signature(text: str) -> Signature:
    concepts: dict[str, float] = {}
    negations: list[frozenset[str]] = []
    poles: dict[str, set[int]] = {}
    negators = 0
    spent: list[tuple[frozenset[str], str]] = []
    for clause in _clauses(text):
        scope: set[str] | None = None  # what the clause's last negator governs so far
        words_ = _split_nt(clause)
        skip = -1
        for index, word in enumerate(words_):
            after = words_[index + 1 : index + 3]
            if index == skip:
                continue  # the "later" of "no later than": a bound, not a fact
            if _negator(word, after):
                negators += 1
                if scope:
                    negations.append(frozenset(scope))
                scope = set()
                continue
            if word in _NEGATORS:
                skip = index + 1 if after[1:2] == ["than"] else -1
                continue
            key = concept(word)
            if key is None:
                continue
            concepts[key] = weight(key)
            live = scope is not None and len(scope) < NEGATION_WINDOW
            opposite = pole(word)
            if opposite is not None:
                poles.setdefault(opposite[0], set()).add(opposite[1] * (-1 if live else 1))
                if live:
                    if scope:  # "failed to consult its workforce before ... the closure"
                        spent.append((frozenset(scope), opposite[0]))
                    scope = None  # the negation is spent on the pole it flips
                continue
            if live and scope is not None:
                scope.add(key)
        if scope:
            negations.append(frozenset(scope))
    found = quantities(text)
    total = sum(concepts.values()) + sum(_quantity_weight(q) for q in found)
    words = text.replace("’", "'").split()
    lowered = {w.strip(".,;:!?\"'()").lower() for w in words}
    months = frozenset(
        w for w in lowered & _MONTH_NAMES if w != "may" or re.search(r"\bMay\b", text)
    )
    return Signature(
        text=text,
        concepts=concepts,
        quantities=found,
        negations=tuple(negations),
        poles={key: frozenset(signs) for key, signs in poles.items()},
        weight=total,
        lead=_lead(words),
        months=months,
        weekdays=frozenset(lowered & _WEEKDAY_NAMES),
        negators=negators,
        spent=tuple(spent),
    )


def _negator(word: str, after: list[str]) -> bool:
    """A word that negates what follows: "not", "never", "denied", "failed"; "refused to" and
    "declined to" too. "No later than", "not more than" and "not only" bound or add, they do
    not negate."""
    if word in _REFUSALS:
        return after[:1] == ["to"]
    if word not in _NEGATORS:
        return False
    return not (after[:1] == ["only"] or (after[1:2] == ["than"] and after[0] in _BOUNDS))


def _lead(words: list[str]) -> str | None:
    """The rare name among the first words, the claim's likely subject."""
    for word in words[:LEAD_WINDOW]:
        if not _CAPITALISED.match(word):
            continue
        for token in tokens(word):
            key = concept(token)
            low = token.lower()
            if key and weight(key) >= NAME_WEIGHT and low not in _MONTH_NAMES | _WEEKDAY_NAMES:
                return key
    return None


def _as_signature(claim: Signature | str) -> Signature:
    return claim if isinstance(claim, Signature) else signature(claim)


def _match_quantities(
    a: tuple[Quantity, ...], b: tuple[Quantity, ...]
) -> tuple[float, bool, bool, list[str]]:
    """(shared weight, any approximate, conflict, reasons) of two claims' quantities."""
    shared, approximate, reasons = 0.0, False, []
    used_b: set[int] = set()
    unmatched_a: list[Quantity] = []
    for qa in a:
        best: tuple[int, str] | None = None
        for index, qb in enumerate(b):
            if index in used_b:
                continue
            found = agree(qa, qb)
            if found == "exact" or (found and best is None):
                best = (index, found)
                if found == "exact":
                    break
        if best is None:
            unmatched_a.append(qa)
            continue
        used_b.add(best[0])
        shared += _quantity_weight(qa)
        if best[1] == "approximate":
            approximate = True
            reasons.append(f"approximately the same figure: {_show(qa)} ~ {_show(b[best[0]])}")
        else:
            reasons.append(f"same figure: {_show(qa)}")
    unmatched_b = [qb for index, qb in enumerate(b) if index not in used_b]
    # "40 schools" / "45 schools": a figure of one kind on each side and none in common. When
    # another figure of that kind agrees ("800 firefighters and 12 helicopters" / "850
    # firefighters from 14 agencies"), the odd ones out count other things.
    agreed = {qa.dimension for qa in a if qa not in unmatched_a}
    conflict = any(
        qa.dimension == qb.dimension and qa.dimension not in agreed and qa.dimension != "year"
        for qa in unmatched_a
        for qb in unmatched_b
    )
    if conflict:
        reasons.append(
            "different figures: "
            + ", ".join(_show(q) for q in unmatched_a)
            + " / "
            + ", ".join(_show(q) for q in unmatched_b)
        )
    return shared, approximate, conflict, reasons


def _show(q: Quantity) -> str:
    def number(value: Decimal) -> str:
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.4g}"

    amount = number(q.low) if q.low == q.high else f"{number(q.low)}-{number(q.high)}"
    unit = "" if q.dimension == "count" else f" {q.dimension}"
    return ("~" if q.approximate else "") + amount + unit


def _polarity_clash(a: Signature, b: Signature) -> str | None:
    """Why ``a`` and ``b`` state a fact with opposite polarity, or None."""
    for key in sorted(a.poles.keys() & b.poles.keys()):
        if not a.poles[key] & b.poles[key]:
            return f"opposite: {key} / not {key}"
    a_negated = _negated(a, b)
    b_negated = _negated(b, a)
    # "will not impose a settlement" / "will not end the dispute by decree": both negate, so
    # neither states the positive the other denies
    if bool(a_negated) != bool(b_negated) and not (a.negators and b.negators):
        words = sorted((a_negated or b_negated)[0] & (a.concepts.keys() | b.concepts.keys()))
        return "negated in one: " + ", ".join(words[:3])
    return None


def _negated(a: Signature, b: Signature) -> list[frozenset[str]]:
    """What ``a`` negates that ``b`` states. Words a negation governed on its way to a pole
    count when ``b`` does not state that pole: "denied that bottom trawling would be allowed"
    negates the allowing, not the trawling, of "bottom trawling is banned"; "failed to
    consult its workforce before announcing the closure" negates the consulting."""
    found = [n for n in a.negations if n & b.concepts.keys()]
    found += [n for n, key in a.spent if key not in b.poles and n & b.concepts.keys()]
    return found


def _clash(a: Signature, b: Signature) -> str | None:
    """Why two alike claims are about different things: their subjects, months or weekdays."""
    if a.lead and b.lead and a.lead not in b.concepts and b.lead not in a.concepts:
        return f"different subjects: {a.lead} / {b.lead}"
    # "8.1% in May from 7.4% in April" / "8.1 percent in May": a month in common is enough
    if a.months and b.months and not a.months & b.months:
        return "different months: " + "/".join(sorted(a.months ^ b.months))
    if a.weekdays and b.weekdays and not a.weekdays & b.weekdays:
        return "different days: " + "/".join(sorted(a.weekdays ^ b.weekdays))
    return None


def compare(a: Signature | str, b: Signature | str) -> Match:
    """How claim ``a`` relates to claim ``b`` (symmetric)."""
    sa, sb = _as_signature(a), _as_signature(b)
    if not sa.weight or not sb.weight:
        return Match(0.0, "different", [])
    shared_words = sa.concepts.keys() & sb.concepts.keys()
    shared = sum(sa.concepts[w] for w in shared_words)
    number_share, approximate, conflict, reasons = _match_quantities(sa.quantities, sb.quantities)
    shared += number_share
    dice = 2 * shared / (sa.weight + sb.weight)
    containment = shared / min(sa.weight, sb.weight)
    score = (dice + containment) / 2
    top = sorted(shared_words, key=lambda w: -sa.concepts[w])[:5]
    if top:
        reasons = [f"shared words: {', '.join(top)}", *reasons]
    if conflict:
        return Match(round(score * NUMBER_CONFLICT_FACTOR, 3), "different", reasons)
    veto = _clash(sa, sb)
    if veto is not None:
        near = score >= SUGGEST_SCORE and (shared >= MIN_SHARED_WEIGHT or number_share > 0)
        vetoed = round(min(1.0, score) * NUMBER_CONFLICT_FACTOR, 3)
        return Match(vetoed, "different", [*reasons, veto], near=near)
    score = round(min(1.0, score), 3)
    if score < SUGGEST_SCORE or (shared < MIN_SHARED_WEIGHT and not number_share):
        return Match(score, "different", reasons)
    clash = _polarity_clash(sa, sb)
    if clash is not None:
        return Match(score, "contradicts", [*reasons, clash])
    return Match(score, "approximate" if approximate else "same", reasons)


# ---- blocking: what a store indexes, and what a new claim looks up -------------------------


def _bucket(value: Decimal) -> int:
    return math.floor(math.log(float(abs(value)) or 1e-9) / BUCKET) if value else 0


def _number_keys(q: Quantity, *, probe: bool) -> Iterable[str]:
    exact = f"{q.low.normalize():f}-{q.high.normalize():f}" if q.low != q.high else None
    value = exact or f"{q.low.normalize():f}"
    yield f"n:{q.dimension}:{value}"
    if q.dimension in ("date", "year"):
        return
    # Stored under its bucket and both neighbours, looked up under its own bucket only: two
    # figures within the tolerance meet, and a new claim reads one index range per figure.
    bucket = _bucket(q.value)
    for offset in (0,) if probe else (-1, 0, 1):
        yield f"~:{q.dimension}:{bucket + offset}"


KEY_LENGTH = 80  # the width of claim_keys.key


def _keys(sig: Signature, *, probe: bool) -> Iterable[str]:
    for q in sig.quantities:
        for key in _number_keys(q, probe=probe):
            yield key[:KEY_LENGTH]
    rare = sorted(
        (w for w, weight_ in sig.concepts.items() if weight_ >= KEY_MIN_WEIGHT),
        key=lambda w: (-sig.concepts[w], w),
    )
    for word in rare[:MAX_WORD_KEYS]:
        yield f"w:{word}"[:KEY_LENGTH]


def key_weight(key: str) -> float:
    kind, _, rest = key.partition(":")
    if kind == "w":
        return weight(rest)
    if kind == "~":
        return 1.0
    dimension, _, value = rest.partition(":")
    if dimension == "count":
        try:
            return 2.5 if Decimal(value.split("-")[0]) <= 12 else 5.0
        except ArithmeticError:
            return 2.5
    return 2.0 if dimension == "year" else 5.0


def blocking_keys(text: str) -> set[str]:
    """The keys a store indexes ``text`` under: numbers, number buckets, rare lemmas."""
    return set(_keys(signature(text), probe=False))


def probe_keys(claim: Signature | str) -> dict[str, float]:
    """The keys a new claim looks up, with the weight a shared key adds to a candidate."""
    return {key: key_weight(key) for key in _keys(_as_signature(claim), probe=True)}


# A key's weight falls with the number of stored claims under it, as an inverse document
# frequency would: in full up to RARE_POSTINGS claims, then RARE_POSTINGS / n. Each key is read
# for its newest KEY_POSTINGS claims only (n is counted up to there), so a key as common as
# "w:council" or "n:year:2003" in a million claims costs a bounded index range and counts for
# a tenth; an older claim sharing a rare key is not crowded out by the newest claims sharing
# common ones. Below RARE_POSTINGS claims per key (every key of the corpus halves) the
# weights are the plain rarity weights.
RARE_POSTINGS = 50
KEY_POSTINGS = 500


def selective(probes: Mapping[str, float], postings: Mapping[str, int]) -> dict[str, float]:
    """``probes`` with each weight scaled by ``min(1, RARE_POSTINGS / n)`` for a key with ``n``
    stored claims (counted up to ``KEY_POSTINGS``)."""
    return {
        key: weight * min(1.0, RARE_POSTINGS / max(1, min(postings.get(key, 0), KEY_POSTINGS)))
        for key, weight in probes.items()
    }


def shortlist(
    probes: Mapping[str, float], postings: Iterable[tuple[int, str]], limit: int
) -> list[int]:
    """Ids of the ``limit`` stored claims sharing the most probe weight (newest on ties).

    ``postings`` are (claim id, key) pairs; each key contributes its newest ``KEY_POSTINGS``
    claims, weighted by ``selective``, as the database lookup does."""
    by_key: dict[str, list[int]] = {}
    for claim_id, key in postings:
        by_key.setdefault(key, []).append(claim_id)
    counts = {key: len(ids) for key, ids in by_key.items()}
    weights = selective(probes, counts)
    totals: dict[int, float] = {}
    for key, ids in by_key.items():
        for claim_id in sorted(ids, reverse=True)[:KEY_POSTINGS]:
            totals[claim_id] = totals.get(claim_id, 0.0) + weights.get(key, 0.0)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], -item[0]))
    return [claim_id for claim_id, _ in ranked[:limit]]
