# ruff: noqa: RUF001 - typographic quotes, dashes and arrows are what scraped text holds
"""Is a new claim a restatement of an existing one?

Public interface:

- ``claim_key(text) -> ClaimSignature``: a precomputable signature (content words, numbers,
  lead name); cache it per claim.
- ``similarity(a, b) -> float`` in [0, 1].
- ``is_restatement(a, b, *, threshold) -> bool``: ``a``/``b`` are signatures or raw texts.
- ``best_match(sig, candidates, threshold) -> int | None``: the id, among ``(id, signature)``
  pairs, of the existing claim the new one restates (most similar; earliest on ties).

The rule, in order:

1. The numbers must agree exactly (``app.ingest.numbers.numbers_in``: "forty" = "40",
   "a thousand" = "1,000"). Different numbers are different facts, however alike the words.
2. Nothing may clash: when both name months (or both name weekdays) they name the same ones;
   a claim about "a second fund" or "a further three crossings" is not the first one; and the
   lead names must agree: when each claim opens on a name the other never mentions
   ("Reller arrived in Geneva" / "Ibarek arrived in Geneva") they are about different actors.
3. The content words must overlap: the Dice coefficient of the two sets of content words, where
   words are lower-cased, stop words, attribution verbs ("said", "according") and number words
   are dropped, newsroom synonyms are folded together ("soldiers" = "troops", "freed" =
   "released") and two words also count as the same when rapidfuzz's ``ratio`` is at least
   ``WORD_MATCH`` ("Valdorian"/"Valdoria", "rebuilt"/"rebuild").

The threshold for 3 is the INGEST_CLUSTER_THRESHOLD setting; DEFAULT_THRESHOLD is the value
measured on the labelled articles in tests/data/ingest (see docs/ingest.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz, process

from app.ingest.numbers import SCALES, UNITS, numbers_in


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DEFAULT_THRESHOLD = 0.35
WORD_MATCH = 85.0
MIN_SHARED = 3  # two shared words ("begin", "September") are a coincidence, not a fact

STOP_WORDS = _words(
    """a about above after again against all also am among an and any are around as at be
    because been before being below between both but by can could did do does doing down during
    each either few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just may me might more most must my myself nearly no
    nor not now of off on once only or other our ours ourselves out over own part per roughly
    same shall she should since so some such than that the their theirs them themselves then
    there these they this those through to too under until up upon very was we were what when
    where which while who whom whose why will with within would you your yours yourself
    yourselves cent percent per-cent about approximately almost still already just last next
    people"""
)
ATTRIBUTION = _words(
    """say says said saying according told tell tells telling announce announced announces
    claim claimed claims state stated states report reported reports confirm confirmed
    confirms note noted notes add added adds insist insisted show shows showed figures"""
)
# Words a wire desk uses interchangeably for the same thing, folded to one spelling.
SYNONYMS = {
    **dict.fromkeys(_words("soldiers soldier troop forces"), "troops"),
    **dict.fromkeys(_words("free freed freeing release released releasing"), "release"),
    **dict.fromkeys(
        _words("pull pulled pulling withdraw withdrew withdrawn withdrawal"), "withdraw"
    ),
    **dict.fromkeys(_words("monitors monitor observers observer"), "observer"),
    **dict.fromkeys(_words("frontier frontiers border borders"), "border"),
    **dict.fromkeys(_words("crossings crossing checkpoints checkpoint"), "crossing"),
    **dict.fromkeys(_words("negotiations negotiation talks"), "talks"),
    **dict.fromkeys(_words("session round"), "session"),
    **dict.fromkeys(
        _words("rebuild rebuilt rebuilding reconstruction reconstruct reconstructed"), "rebuild"
    ),
    **dict.fromkeys(_words("deal deals agreement declaration accord"), "deal"),
    **dict.fromkeys(_words("fled flee displaced displace homeless"), "displaced"),
    **dict.fromkeys(_words("shut closed close"), "closed"),
    **dict.fromkeys(_words("reopen reopened reopening open opened"), "open"),
    **dict.fromkeys(_words("mediator envoy"), "envoy"),
    **dict.fromkeys(_words("fell fallen dropped drop declined decline"), "fall"),
    **dict.fromkeys(_words("held detained detain"), "detain"),
    **dict.fromkeys(_words("lasted ran lasting"), "lasted"),
    **dict.fromkeys(_words("meet meeting met meets"), "meet"),
    **dict.fromkeys(_words("called described calling"), "call"),
    **dict.fromkeys(_words("approve approved approval ratify ratified ratification"), "approve"),
    **dict.fromkeys(_words("neighbours neighbors countries"), "countries"),
    **dict.fromkeys(_words("posted deployed deploy sent"), "deploy"),
}
LEAD_WINDOW = 4  # the subject of a news sentence comes first: "Under the deal, Kestrany will"
_WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
_MONTHS = _words(
    """january february march april june july august september october november
    december"""
)
_TIMES = _WEEKDAYS | _MONTHS
_ANOTHER = re.compile(r"\b(?:second|another|further|separate|additional)\b", re.I)
_NUMBER_WORDS = frozenset(UNITS) | frozenset(SCALES) | {"thousands", "hundreds", "millions"}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_SUFFIXES = ("ations", "ation", "ional", "ings", "ing", "ies", "ied", "es", "ed", "s")


def stem(word: str) -> str:
    """A light suffix strip: enough to line up "crossings"/"crossing", "regional"/"region"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("ion" if suffix == "ional" else "")
    return word


@dataclass(frozen=True)
class ClaimSignature:
    words: frozenset[str]
    numbers: frozenset[Decimal]
    lead: str | None  # the name the claim opens on, lower-cased
    months: frozenset[str] = frozenset()
    weekdays: frozenset[str] = frozenset()
    another: bool = False  # "a second fund", "a further three crossings": not the one before


_ACRONYMS = (
    (re.compile(r"\bUnited Nations\b|\bU\.N\.(?!\w)"), "UN"),
    (re.compile(r"\bEuropean Union\b|\bE\.U\.(?!\w)"), "EU"),
    (re.compile(r"\bUnited States\b|\bU\.S\.(?!\w)"), "US"),
)


def _canonical(token: str) -> str | None:
    word = token.lower().replace("’", "'").strip("'-")
    word = word.removesuffix("'s")
    if token.isupper() and len(word) == 2:
        return word  # a two-letter acronym: "UN", "EU", "US"
    if len(word) <= 2 or word in STOP_WORDS or word in ATTRIBUTION or word in _NUMBER_WORDS:
        return None
    return SYNONYMS.get(word) or stem(word)


def claim_key(text: str) -> ClaimSignature:
    words: set[str] = set()
    months: set[str] = set()
    weekdays: set[str] = set()
    another = _ANOTHER.search(text) is not None
    lead = None
    for pattern, acronym in _ACRONYMS:
        text = pattern.sub(acronym, text)
    for position, token in enumerate(_TOKEN.findall(text)):
        word = _canonical(token)
        if word is None:
            continue
        words.add(word)
        if word in _MONTHS:
            months.add(word)
        elif word in _WEEKDAYS:
            weekdays.add(word)
        if lead is None and position < LEAD_WINDOW and token[0].isupper() and word not in _TIMES:
            lead = word
    return ClaimSignature(
        frozenset(words), numbers_in(text), lead, frozenset(months), frozenset(weekdays), another
    )


def _matches(word: str, others: frozenset[str]) -> bool:
    if word in others:
        return True
    return process.extractOne(word, others, scorer=fuzz.ratio, score_cutoff=WORD_MATCH) is not None


def _clash(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and a != b


def _number_tokens(sig: ClaimSignature) -> frozenset[str]:
    return frozenset(f"#{number}" for number in sig.numbers)


def similarity(a: ClaimSignature, b: ClaimSignature) -> float:
    """0 when numbers differ or lead names clash; else fuzzy Dice overlap of content words."""
    if a.numbers != b.numbers or not a.words or not b.words:
        return 0.0
    if (
        a.lead is not None
        and b.lead is not None
        and not _matches(a.lead, b.words)
        and not _matches(b.lead, a.words)
    ):
        return 0.0
    a_items, b_items = a.words | _number_tokens(a), b.words | _number_tokens(b)
    if a.another != b.another or _clash(a.months, b.months) or _clash(a.weekdays, b.weekdays):
        return 0.0
    # Greedy one-to-one matching: exact words first, then the closest fuzzy partner.
    unmatched = set(b_items - a_items)
    matched = len(a_items & b_items)
    for word in sorted(a.words - b_items):
        if not unmatched:
            break
        hit = process.extractOne(word, unmatched, scorer=fuzz.ratio, score_cutoff=WORD_MATCH)
        if hit is not None:
            unmatched.discard(hit[0])
            matched += 1
    if matched < MIN_SHARED:
        return 0.0
    dice = 2 * matched / (len(a_items) + len(b_items))
    containment = matched / min(len(a_items), len(b_items))
    return (dice + containment) / 2


def _signature(claim: ClaimSignature | str) -> ClaimSignature:
    return claim if isinstance(claim, ClaimSignature) else claim_key(claim)


def is_restatement(
    a: ClaimSignature | str, b: ClaimSignature | str, *, threshold: float = DEFAULT_THRESHOLD
) -> bool:
    score = similarity(_signature(a), _signature(b))
    return score > 0 and score >= threshold  # a veto (score 0) holds at any threshold


def best_match(
    sig: ClaimSignature,
    candidates: Iterable[tuple[int, ClaimSignature]],
    threshold: float = DEFAULT_THRESHOLD,
) -> int | None:
    """The id of the most similar candidate at or above ``threshold`` (earliest on ties)."""
    best_id: int | None = None
    best_score = threshold
    for claim_id, other in candidates:
        if other.numbers != sig.numbers:
            continue  # the cheap test first: most stored claims fail it
        score = similarity(sig, other)
        if score <= 0:
            continue
        if score > best_score or (best_id is None and score >= threshold):
            best_id, best_score = claim_id, score
    return best_id
