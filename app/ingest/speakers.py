# ruff: noqa: RUF001 - typographic quotes are what scraped text holds
"""Who a sentence attributes its claim to, when it names them.

Public interface:

- ``attributed_speaker(sentence) -> str | None``: "X said ...", "..., X said.", "..., said X.",
  "according to X", "X told reporters ...", "X denied that ..."; ``None`` when the sentence
  names nobody (no reporting verb, or only a pronoun: "she said").

A reporting verb makes its subject the speaker. Only names and noun phrases are returned,
trimmed of relative clauses ("The Highland Alliance, which controls ..., said") and of what
follows the name ("said Gary Finch outside the hearing" gives "Gary Finch").
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VERBS = (
    r"said|says|say|told|tells|announced|announces|confirmed|confirms|denied|denies|claimed|"
    r"claims|insisted|insists|added|adds|noted|notes|stated|states|warned|warns|argued|"
    r"argues|explained|explains|wrote|writes|acknowledged|admitted|disclosed|revealed|testified|"
    r"claim|deny|confirm|insist|warn|argue|ruled|rules|disputes|dispute|disputed|maintains"
)
_PRONOUNS = _words(
    "he she they it we i you his her their its this that these those there who which one"
)
_NP = r"[A-Z\"“]?[\w.'’&-]+(?:\s+[\w.'’&()-]+){0,9}?"
_LEADING = re.compile(
    rf"^(?:[A-Z][a-z]+,\s+)?(?P<np>{_NP})(?:,\s+[^,]{{1,120}},)?"
    r"\s+(?:(?:has|have|had|also|again|later|publicly|already)\s+){0,2}"
    rf"(?:{_VERBS})\b"
)
_TRAILING = re.compile(
    rf"[,”\"]\s*(?P<np>{_NP})\s+(?:(?:has|have|had)\s+)?(?:{_VERBS})(?:\s+(?:on|in|at|late|early|after|before|"
    r"during|last|this|yesterday|today|tonight|reporters|us|the\s+\w+|a\s+\w+|[A-Z]\w+day)"
    r"[\w\s.,'’-]{0,60})?[.!]?[\"”’]?$"
)
_SAID_NAME = re.compile(
    rf"[,”\"]\s*(?!told|tells)(?:{_VERBS})\s+(?P<np>[\w.'’&-]+(?:\s+[\w.'’&-]+){{0,7}}?)"
    r"(?:,\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}?))?"
    r"(?=\s*(?:,|\.|$|\s+(?:outside|at|in|on|after|before|during|when|while|to|from)\b))"
)
_ACCORDING = re.compile(
    r"\baccording to\s+(?:(?:data|figures|a statement|a report|records|documents)\s+"
    r"(?:from|by|of|presented to)\s+)?(?P<np>[\w.'’&-]+(?:\s+[\w.'’&()-]+){0,8}?)"
    r"(?=\s*(?:,|\.|;|$|\s+(?:on|in|at|after|before|which|who|that)\b))",
    re.I,
)
_LEAD_IN = re.compile(
    r"^(?:but|and|so|as|meanwhile|however|also|separately|earlier|later)\s+", re.I
)
# words a speaker's name or title never contains: auxiliaries, negation, most prepositions
_NOT_IN_NAME = _words(
    """has have had is are was were will would can could not never also on in at to by with
    from that what i we you"""
)


def _clean(np: str, *, named: bool = False) -> str | None:
    name = np.strip(" ,\"“”'’")
    name = _LEAD_IN.sub("", name)
    if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
        name = name[:-1]
    words = name.split()
    if not words or len(words) > 8:
        return None
    if any(w.lower() in _NOT_IN_NAME for w in words) or words[-1].lower() in _DETERMINERS:
        return None
    if any(
        any(c.isdigit() for c in w) and not (i and words[i - 1][0].isupper())
        for i, w in enumerate(words)
    ):
        return None  # "212 confirmed" is a figure; "State Fire District 6" is a name
    if words[0].lower() in _PRONOUNS and len(words) == 1:
        return None
    if words[0].lower() in _PRONOUNS - {"this", "that", "these", "those"}:
        return None
    if named:
        return name  # "according to X" names a source whatever its case
    if not any(
        w[0].isupper() or w.lower() in _GROUP_NOUNS or w.lower().removesuffix("s") in _GROUP_NOUNS
        for w in words
        if w[0].isalpha()
    ):
        return None  # "the work said" is not a speaker; a name or a body is
    return name


_DETERMINERS = _words("the a an this that its their his her our")
_GROUP_NOUNS = _words(
    """officials official spokesperson spokesman spokeswoman police ministry government council
    minister officer officers statement agreement report researchers scientists doctors
    district authorities residents witnesses parents union company department agency"""
)


def attributed_speaker(sentence: str) -> str | None:
    text = sentence.strip()
    for pattern in (_ACCORDING, _SAID_NAME, _TRAILING, _LEADING):
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("name"):  # "says the leader of the association, Per Ostby"
            return _clean(groups["name"])
        name = _clean(match["np"], named=pattern is _ACCORDING)
        if name is not None:
            return name
    return None
