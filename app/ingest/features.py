# ruff: noqa: RUF001 - typographic quotes, dashes and arrows are what scraped text holds
"""Check-worthiness features of one sentence: each has a short slug and a fixed weight.

Public interface:

- ``Feature(name, weight)`` and ``FEATURES`` / ``PENALTIES``: the catalogue, in report order.
- ``features_of(sentence) -> list[Feature]``: the features that fire, positives first.

Positive features mark what a fact-checker can verify: figures ("number", "money",
"percentage"), time ("date", "duration"), named actors ("person", "organisation", "place"),
"attribution" verbs, "event" verbs, "comparative" and "statistic" words, and the facts that
carry no figure: "official_role" (who led, chaired, attended), "agreement" (what a deal or law
requires, allows or sets up), "procedure" (in person, by video link, behind closed doors, a
vote), "scheduled_date" ("on 14 March", "from the first of April") and "status" ("remains
closed", "is excluded", "was caused by"). Penalties mark what
cannot be checked: "opinion" and "modal" words, "question"s, "conditional"s, "first_person"
chatter, "vague" quantifiers, sentences that are mostly a direct "quote", and "short" ones.
Everything is regular expressions over the sentence: deterministic and fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Feature:
    name: str
    weight: float


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# "one" is left out: it is far more often a pronoun than a count.
_NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    "ninety|hundreds?|thousands?|millions?|billions?|dozens?|twice|double|triple|half"
)
# "the two countries" refers back to things already counted; it states no count
_NOT_AFTER = r"(?<!the )(?<!both )(?<!their )(?<!these )(?<!those )"
_NUMBER = re.compile(
    rf"\d|{_NOT_AFTER}\b(?:{_NUMBER_WORDS})\b|\ba (?:hundred|thousand|million)\b", re.I
)
_PERCENT = re.compile(r"\d\s*%|\b(?:per ?cent|percent|percentage points?)\b", re.I)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s*(?:m|bn|million|billion|trillion)?\s*(?:dollars|euros|pounds|"
    r"francs|yuan|roubles|rubles|USD|EUR|GBP|CHF)\b",
    re.I,
)
_DATE = re.compile(
    rf"\b(?:{_MONTHS})\b(?!\s+(?:be|have|not)\b)|\b(?:{_WEEKDAYS})(?:'s|’s)?\b|"
    r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}(?:[.:]\d\d)?\s*[ap]\.m\.|"
    r"\b(?:yesterday|today|tonight|last (?:year|month|week)|this (?:year|month|week)|"
    r"next (?:year|month|week)|since \d{4})\b"
)
_DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|a|an|{_NUMBER_WORDS}|several)[\s-]+"
    r"(?:hours?|days?|weeks?|months?|years?|decades?)\b(?!\s+ago\b)",
    re.I,
)
_TITLES = (
    r"(?:Mr|Mrs|Ms|Dr|Prof|President|Prime Minister|(?:Foreign |Deputy )?Minister|Secretary|"
    r"Ambassador|Chancellor|Senator|General|King|Queen|Pope|envoy|mediator|leader|"
    r"spokes(?:man|woman|person))"
)
_NOT_NAMES = _words(
    """The A An In On At For From To Of By And But Or If As It Its This That These Those
    Under Over After Before Since When While Yes No Not Thursday's Foreign Prime Minister
    Ministers Deputy General United Nations European Union Freedom Party Parliament Council
    Palais Associated Press Central Bank Key Read More Share News World"""
)
_CAP_PAIR = re.compile(r"\b([A-Z][a-z]+)\s+((?:[A-Z]\.\s?)*[A-Z][a-z]+)\b")
_PERSON = re.compile(
    rf"\b{_TITLES}\.?\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+|"  # Minister Anna Reller, envoy Solheim
    r"\b(?:[A-Z]\.\s?){1,3}[A-Z][a-z]+\b|"  # D. K. Voss, D.K. Voss
    r"\b[A-Z][a-z]+(?:'s|’s)?\s+(?:said|says|told|announced|claimed|added|insisted|wrote)\b|"
    r"\b(?:according to|said|says|told)\s+[A-Z][a-z]{2,}\b(?!\s+(?:Nations|Union|Party))"
)
_ORG = re.compile(
    r"\b(?:[Mm]inistry|[Mm]inistries|[Gg]overnments?|[Cc]ouncil|[Pp]arliaments?|[Cc]ommission|"
    r"[Aa]gency|[Cc]ommittee|[Uu]nion|[Nn]ations|[Pp]arty|[Cc]oalition|[Oo]ffice|"
    r"[Dd]epartment|[Ee]mbassy|[Dd]elegations?|[Pp]olice|[Aa]rmy|[Cc]ourt|[Bb]ank|"
    r"[Cc]ompany|[Cc]orporation|[Uu]niversity|[Mm]inisters?)\b|"
    r"\b[A-Z]{2,6}\b|\b(?:[A-Z]\.){2,}"  # NATO, EU, U.N., U.S.
)
_PLACE = re.compile(
    r"\b(?:in|at|from|to|into|near|across|outside|inside|along|between)\s+(?:the\s+)?"
    rf"(?!(?:{_MONTHS}|{_WEEKDAYS})\b)[A-Z][a-z]{{2,}}|"
    r"\b[A-Z][a-z]+(?:'s|’s)\s+(?:capital|border|president|government|parliament)\b|"
    r"\b[A-Z][a-z]+\s+(?:valley|river|region|province|mountains|lake|sea|city|island|strait)\b|"
    r"\b[A-Z][a-z]+(?:an|ian|i|ese|ish)\s+(?:side|capital|border|government|troops|soldiers|"
    r"fishermen|officials?)\b"
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|announced|announces|claimed|claims|stated|told|reported|reports|"
    r"confirmed|denied|according to|estimated|accused|insisted|called|described|"
    r"figures show|data show)\b",
    re.I,
)
_EVENT = re.compile(
    r"\b(?:signed|agreed|approved?|ratif(?:y|ied)|voted|elected|appointed|arrived|flew|met|"
    r"killed|died|wounded|injured|displaced|fled|returned|released?|freed|detained|arrested|"
    r"withdr[ae]w|withdrawn?|deployed|deploying|reopen(?:ed)?|closed|shut|collapsed|fought|"
    r"launched|opened|banned|imposed|lifted|mediated|rebuilt|built|destroyed|"
    r"took office|became|resigned|published|ended|began|started|lasted|ran for)\b",
    re.I,
)
_COMPARATIVE = re.compile(
    r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|largest|smallest|"
    r"biggest|highest|lowest|longest|shortest|first|only|record|most|least|doubled|tripled|"
    r"halved|increased?|decreased?|rose|fell|fallen|grew|declined|dropped|surged|jumped)\b",
    re.I,
)
_STATISTIC = re.compile(
    r"\b(?:rate|average|median|survey|poll|data|statistics|figures|census|estimated?|total|"
    r"majority|per capita|GDP|inflation|unemployment|casualties|deaths|exports|imports|"
    r"trade|troops|soldiers|refugees|votes?|seats|budget|fund|observers|monitors|"
    r"peacekeepers|detainees|prisoners)\b",
    re.I,
)
_OPINION = re.compile(
    r"\b(?:should|ought|unfortunately|fortunately|clearly|obviously|shameful|disgrace\w*|"
    r"hopefully|sadly|frankly|I think|I believe|we believe|in my view|in our view|it is time|"
    r"let us|let's|deserves?|naive|absurd|reckless|brave|regrettabl\w+|admirabl\w+|"
    r"remarkabl\w+|surely|pretend|anyone who|nobody|too early to)\b",
    re.I,
)
_MODAL = re.compile(r"\b(?:could|might|may|would|perhaps|maybe|possibly|must|hope)\b")
_QUESTION = re.compile(r"\?[\"'”’)\]]*\s*$")
_CONDITIONAL = re.compile(r"^\W*(?:if|unless|whether)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|us|our|Our|you|You|your)\b|\b(?:That's|Here is)\b")
_VAGUE = re.compile(r"\b(?:some|many|various|a number of|analysts|critics|everyone|anyone)\b", re.I)
# a count of something: "1,000 civilian monitors", "40 schools", "three border crossings"
_QUANTITY = re.compile(
    rf"(?:\b\d[\d,.]*|{_NOT_AFTER}\b(?:{_NUMBER_WORDS}|a thousand|a hundred))"
    r"(?:[\s-]+[a-z]+)?[\s-]+[a-z]+s\b"
)
_ROLE = re.compile(
    r"\b(?:presided|chaired|chairs|led by|headed by|chaired by|was led|were led|headed|"
    r"attended|hosted|represented|joined|leads|led the|heads the|presides)\b|"
    r"\b(?:Judge|Councilmember|Councillor|Superintendent|Gov\.|Governor|Mayor|Chief Executive|"
    r"CEO|[Cc]hair(?:man|woman|person)?|[Dd]irector|[Ss]ecretary|[Hh]ead of|Chief of Staff|"
    r"chief executive|spokes(?:man|woman|person))\b"
)
_AGREEMENT = re.compile(
    r"\b(?:agreements?|deal|accord|treaty|law|bill|ordinance|budget|proclamation|decision|"
    r"ruling|rules|regulation|plan|programme|program|text|document|declaration|protocol|"
    r"commission|committee|panel)\b[^.]*\b(?:requires?|obliges?|allows?|permits?|bans?|"
    r"prohibits?|provides? for|sets? up|creates?|established?|covers?|applies|excludes?|"
    r"includes?|funds?|pays? for|raises?|cuts?|takes? effect|enters? into force|"
    r"comes? in(?:to)? force|grants?|gives?|fix(?:es|ed)?|sets?|made)\b|"
    r"\b(?:agreed|agree|agreement) (?:to|on)\b|\bset up\b|\bjoint (?:commission|committee|"
    r"panel|statement)\b|\bunder (?:the|this) (?:deal|agreement|accord|law|plan|rules)\b",
    re.I,
)
_PROCEDURE = re.compile(
    r"\b(?:in person|by video|video (?:link|conference)|videoconference|behind closed doors|"
    r"closed session|remotely|took place|takes place|was held|were held|will be held|"
    r"adjourned|recessed|voted|unanimous(?:ly)?|face to face|in the format of|by phone|"
    r"by telephone|public comment|hearing|ruled|found that|in a (?:televised|television) "
    r"address|consult(?:ed|ation)?|informed|notified)\b",
    re.I,
)
_SCHEDULED = re.compile(
    rf"\b(?:scheduled|planned|set|due|expected|will|to begin|to start|to open|from|on|by|until)"
    rf"\b[^.]{{0,40}}\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})|(?:{_MONTHS})\.?\s+\d{{1,2}}|"
    r"(?:first|second|third|fourth|fifth|tenth|fourteenth|fifteenth|twentieth|thirtieth)\s+of\s+"
    rf"(?:{_MONTHS}))\b",
)
_STATUS = re.compile(
    r"\b(?:remains?|remained|is|are|was|were|has been|have been|had been|will be|stays?|"
    r"continue[sd]? to be)\s+(?:still\s+|now\s+|not\s+)?(?:open|closed|shut|free(?: of charge)?|"
    r"excluded|banned|in place|under investigation|in force|contained|suspended|cancelled|"
    r"postponed|underway|operating)\b|"
    r"\b(?:caused by|traced to|because of|due to|as a result of|killing|killed)\b|"
    r"\b(?:covers|applies (?:in|to|along)|excludes|does not (?:include|cover|apply))\b",
    re.I,
)
_QUOTED = re.compile(r"[“\"]([^”\"]*)[”\"]")
SHORT_WORDS = 5


def _person(sentence: str) -> bool:
    if _PERSON.search(sentence):
        return True
    return any(
        a not in _NOT_NAMES and b.split()[-1] not in _NOT_NAMES
        for a, b in _CAP_PAIR.findall(sentence)
    )


def _mostly_quote(sentence: str) -> bool:
    quoted = sum(len(m.group(1)) for m in _QUOTED.finditer(sentence))
    return quoted > 0.5 * len(sentence)


def _short(sentence: str) -> bool:
    return len(sentence.split()) < SHORT_WORDS


def _pattern(regex: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda sentence: regex.search(sentence) is not None


_Check = tuple[Feature, Callable[[str], bool]]

FEATURES: tuple[_Check, ...] = (
    (Feature("number", 0.2), _pattern(_NUMBER)),
    (Feature("quantity", 0.1), _pattern(_QUANTITY)),
    (Feature("money", 0.1), _pattern(_MONEY)),
    (Feature("percentage", 0.1), _pattern(_PERCENT)),
    (Feature("date", 0.15), _pattern(_DATE)),
    (Feature("duration", 0.05), _pattern(_DURATION)),
    (Feature("person", 0.15), _person),
    (Feature("organisation", 0.1), _pattern(_ORG)),
    (Feature("place", 0.15), _pattern(_PLACE)),
    (Feature("attribution", 0.15), _pattern(_ATTRIBUTION)),
    (Feature("event", 0.15), _pattern(_EVENT)),
    (Feature("comparative", 0.1), _pattern(_COMPARATIVE)),
    (Feature("statistic", 0.1), _pattern(_STATISTIC)),
    (Feature("official_role", 0.15), _pattern(_ROLE)),
    (Feature("agreement", 0.2), _pattern(_AGREEMENT)),
    (Feature("procedure", 0.2), _pattern(_PROCEDURE)),
    (Feature("scheduled_date", 0.15), _pattern(_SCHEDULED)),
    (Feature("status", 0.15), _pattern(_STATUS)),
)
PENALTIES: tuple[_Check, ...] = (
    (Feature("opinion", -0.35), _pattern(_OPINION)),
    (Feature("modal", -0.15), _pattern(_MODAL)),
    (Feature("question", -0.5), _pattern(_QUESTION)),
    (Feature("conditional", -0.25), _pattern(_CONDITIONAL)),
    (Feature("first_person", -0.1), _pattern(_FIRST_PERSON)),
    (Feature("vague", -0.1), _pattern(_VAGUE)),
    (Feature("quote", -0.05), _mostly_quote),
    (Feature("short", -0.2), _short),
)


def features_of(sentence: str) -> list[Feature]:
    """The features that fire on ``sentence``: positives in catalogue order, then penalties."""
    return [feature for feature, fires in (*FEATURES, *PENALTIES) if fires(sentence)]
