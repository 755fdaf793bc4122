# ruff: noqa: RUF001 - typographic apostrophes are what scraped text holds
"""Words of a claim as the matcher sees them: lemmas, their rarity, and their sense family.

Public interface:

- ``tokens(text) -> list[str]``: lower-cased word tokens, apostrophes kept inside words.
- ``lemma(word) -> str``: the dictionary form (simplemma's English data: "servicemen" →
  "serviceman", "rebuilt" → "rebuild", "bodies" → "body").
- ``concept(word) -> str | None``: the key two claims must share for a word to count as shared:
  the lemma folded into a small family of interchangeable newsroom words ("truce" = "ceasefire",
  "troops" = "soldiers"); names nobody's dictionary knows are cut to their first six letters so
  that "Vesnia" and "Vesnian" meet. ``None`` for stop words and attribution verbs.
- ``weight(concept) -> float``: how much sharing it says, from its frequency in English
  (wordfreq's Zipf scale): "the" weighs nothing, "ceasefire" a lot, an unknown name most.

Frequencies come from ``wordfreq`` and lemmas from ``simplemma``; both ship their data inside
the package, so nothing is downloaded at run time. The synonym families are deliberately
small and generic (words a copy desk swaps freely), not a thesaurus.
"""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma
from wordfreq import zipf_frequency

from app.ingest.numbers import SCALES, UNITS


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    """a about above after again against all also am among an and any are around as at be
    because been before being below between both but by can could did do does doing down during
    each either few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just may me might more most must my myself nearly nor
    now of off on once only or other our ours ourselves out over own per roughly same shall she
    should since so some such than that the their theirs them themselves then there these they
    this those through to too under until up upon very was we were what when where which while
    who whom whose why will with within would you your yours yourself yourselves approximately
    almost still already last next also yes well one ones get got go going make made
    mr mrs ms dr hon gov
    not no never none nothing neither n't nobody without"""
)
# Reporting verbs say who claims a fact, not what the fact is.
ATTRIBUTION = _words(
    """say tell announce claim state report note add insist according explain stress
    describe call show"""
)
# Interchangeable words folded to one spelling: a family per line, the first word is its key.
_FAMILIES = """
truce ceasefire cease-fire armistice pause
troop soldier serviceman servicemen military personnel
body remains
observer monitor
border frontier
talks negotiation
meeting session
agreement deal accord treaty pact
envoy mediator
die death dead fatality perish lethal fatal deadly
return repatriate transfer handover hand
create establish set-up setup found
lead head chair preside
evacuate evacuation
shelter centre center
quota catch
lorry truck
vessel boat ship
tonne ton
oblige require compel compulsory mandatory obligatory
identify identification
job role position
worker employee staff workforce employ
child kid
resident inhabitant people
cost spend expenditure
city town
parliament assembly legislature
minister secretary
consult consultation
inform notify
vote ballot
remote remotely video
television televise tv
lawyer attorney counsel solicitor barrister
lawsuit litigation
discuss confer
strike walkout stoppage
leak leakage
"""
# Opposite poles: (key, sign) so that "rebuilt"/"demolished" share a key with opposite signs.
_POLES = """
rise: rise rose risen increase grow grew grown raise climb jump soar gain strengthen expand
  higher hike | fall fell fallen
  decrease drop decline cut lower reduce shrink slump weaken plunge down slash
allow: allow permit authorise authorize legalise legalize | ban prohibit forbid bar outlaw
build: build rebuild reconstruct restore repair | demolish destroy raze tear
approve: approve accept adopt pass ratify endorse uphold | reject veto block refuse overturn
convict: convict guilty | acquit innocent clear
open: open reopen resume restart reopening | close shut suspend halt closure
include: include | exclude
hire: hire recruit | dismiss sack redundant
support: support favour favor | oppose
win: win won | lose lost
"""
POLES: dict[str, tuple[str, int]] = {}
for _entry in re.split(r"\n(?=\w)", _POLES.strip()):
    _key, _sides = _entry.split(":", 1)
    _up, _down = _sides.split("|")
    POLES.update(dict.fromkeys(_up.split(), (_key, 1)))
    POLES.update(dict.fromkeys(_down.split(), (_key, -1)))
SYNONYMS: dict[str, str] = {
    word: line.split()[0] for line in _FAMILIES.strip().splitlines() for word in line.split()
}
NUMBER_WORDS = frozenset(UNITS) | frozenset(SCALES) | {"hundreds", "thousands", "millions"}
UNKNOWN_ZIPF = 1.0  # below this a word is (nearly) absent from English text: a name
NAME_PREFIX = 6
_TOKEN = re.compile(r"[a-z][a-z'’\-]*[a-z]|[a-z]")
_MAX_WEIGHT = 6.0
_MIN_WEIGHT = 0.3


def tokens(text: str) -> list[str]:
    """Word tokens; a hyphenated compound is its parts ("laboratory-confirmed" meets
    "confirmed in a laboratory") unless a family or a pole lists it whole ("cease-fire")."""
    out: list[str] = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        if "-" in token and token not in SYNONYMS and token not in POLES:
            out.extend(part for part in token.split("-") if part)
        else:
            out.append(token)
    return out


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    return zipf_frequency(word, "en")


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    word = word.removesuffix("'s").removesuffix("'")
    if not word.strip("'-"):
        return word
    found = simplemma.lemmatize(word, lang="en")
    return str(found).lower()


@lru_cache(maxsize=200_000)
def pole(word: str) -> tuple[str, int] | None:
    """("rise", -1) for "fell": the key of an opposition and which side the word is on."""
    word = word.removesuffix("'s").removesuffix("'")
    return POLES.get(word) or POLES.get(lemma(word)) or POLES.get(_verb_root(lemma(word)))


@lru_cache(maxsize=200_000)
def concept(word: str) -> str | None:
    word = word.removesuffix("'s").removesuffix("'")
    opposite = pole(word)
    if opposite is not None:
        return opposite[0]
    if len(word) < 2 or word in STOP_WORDS or word in NUMBER_WORDS:
        return None  # numbers are compared as quantities, not as words
    base = lemma(word)
    if base in STOP_WORDS or base in ATTRIBUTION or word in ATTRIBUTION:
        return None
    if base in SYNONYMS:
        return SYNONYMS[base]
    if word in SYNONYMS:
        return SYNONYMS[word]
    if zipf(base) < UNKNOWN_ZIPF and zipf(word) < UNKNOWN_ZIPF:
        return base[:NAME_PREFIX]  # "vesnian" / "vesnia": the same unknown name
    root = _verb_root(base)
    return None if root in ATTRIBUTION else SYNONYMS.get(root, root)


_NOMINAL = ("ment", "ation", "ition", "ion")
# Suffixes that also end adjectives and plain nouns ("national", "pressure", "signal"): the
# root counts only when its past tense is at least as common as the noun ("approval" →
# "approve": "approved"; "leakage" → "leak"; "closure" → "close"; not "national" → "nation",
# "pressure" → "press").
_VERBAL_ONLY = {"al": 5, "ure": 5, "age": 4}  # suffix -> shortest stem
ROOT_ZIPF = 2.5


@lru_cache(maxsize=200_000)
def _verb_root(word: str) -> str:
    """The verb a nominalisation comes from, when English knows it: "containment" → "contain",
    "evacuation" → "evacuate", "election" → "elect", "approval" → "approve", "leakage" →
    "leak"; other words unchanged."""
    for suffix in _NOMINAL:
        stem = word.removesuffix(suffix)
        if stem == word or len(stem) < 5:
            continue
        for root in (stem, stem + "e", stem + "ate"):
            if zipf(root) >= ROOT_ZIPF and root not in STOP_WORDS:
                return root
    for suffix, shortest in _VERBAL_ONLY.items():
        stem = word.removesuffix(suffix)
        if stem == word or len(stem) < shortest:
            continue
        for root in (stem + "e", stem):
            past = zipf(root + ("d" if root.endswith("e") else "ed"))
            if zipf(root) >= ROOT_ZIPF and past >= max(ROOT_ZIPF, zipf(word)):
                return root if root not in STOP_WORDS else word
    return word


@lru_cache(maxsize=200_000)
def weight(key: str) -> float:
    """Rarity of a concept: 7.5 minus its Zipf frequency, kept within [0.3, 6]."""
    frequency = zipf(key)
    if frequency < UNKNOWN_ZIPF:
        return _MAX_WEIGHT
    return max(_MIN_WEIGHT, min(_MAX_WEIGHT, 7.5 - frequency))


def warm_up() -> None:
    """Load the word data now: wordfreq's frequencies and simplemma's lemmas are read on first
    use, about a second of CPU per process. A server calls this before it forks its workers
    (gunicorn's, Celery's prefork pool), so they inherit the data instead of each loading it
    during its first claim, on a machine busy serving others."""
    from app.ingest.matching import blocking_keys

    blocking_keys("Forty schools in the region were rebuilt after the floods of 2003.")
