# ruff: noqa: RUF001, RUF003 - typographic quotes, dashes and arrows are what scraped text holds
"""Scraped page furniture: lines that are never claims.

Public interface:

- ``is_noise_line(line) -> bool``: tickers and prices, bylines and credits, datelines on their
  own line, share/print/comment links, ads, menus, timestamps, copyright and author tag lines.
- ``is_heading(line, *, list_item=False) -> bool``: titles and section headings (no closing
  punctuation, or a lone short question). A list item is a heading only when it is very short.
- ``dateline_length(sentence) -> int``: length of a leading wire dateline
  ("GENEVA (Reuters) — ") to cut from a paragraph's first sentence.

Scrapers keep page furniture on lines of its own, so noise is judged a whole line at a time;
prose paragraphs are never split here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ARROWS = re.compile(r"[▲▼△▽↑↓]")
# "EUR/USD 1.0842", "Brent $82.14", "Gold 2,034.50 -0.4%", "DAX 17,842 +0.6% (+107)"
_TICKER = re.compile(
    r"^(?:[A-Z][\w&./ -]{0,24}?)\s*:?\s*[$€£¥]?\s?[-+−]?\d[\d,.]*\s*(?:[$€£¥%]|USD|EUR|GBP|pts)?"
    r"(?:\s*[-+−]\s*\d[\d,.]*\s*%?)?(?:\s*\(\s*[-+−]?\d[\d,.]*\s*%?\s*\))?$"
)
_BYLINE = re.compile(
    r"^(?:by|written by|reporting by|editing by|additional reporting by|compiled by|"
    r"words by|story by|interview by|from our (?:correspondents?|reporters?)|with reporting)\b"
    r"\s*(.*)$",
    re.IGNORECASE,
)
_NAME_JOINERS = _words("and in of the by at for editing reporting additional &")
_CONTRIBUTED = re.compile(
    r"\bcontributed(?: reporting)?(?: to (?:this|the) (?:report|story|article))?(?: from .*)?\.?$",
    re.IGNORECASE,
)
_AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+ ){1,3}is (?:an? |the )[^.]{0,80}\b(?:columnist|correspondent|"
    r"contributor|editor|writer|reporter|fellow|professor|author)\b[^.]{0,60}\.?$"
)
_CREDIT = re.compile(
    r"^(?:photo|photograph|image|picture|video|illustration|graphic|source|credit|caption)s?"
    r"(?: credit)?\s*[:/]|"
    r"/\s*(?:getty images|reuters|afp|ap|epa|shutterstock|alamy)\s*\)?\.?$|"
    r"\((?:AP|AFP|Reuters|EPA)? ?Photo\s*/[^)]*\)\s*$|"
    r"^\((?:photo|picture|image) (?:by|:)|"
    r"\((?:[A-Z][\w.'’-]+ ){1,3}[A-Z][\w.'’-]+\s*/\s*[A-Z][^()]{1,40}\)\.?$",  # (Jo Doe/Herald)
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:share(?: on| this| via| article)?\b.*|tweet|e-?mail|print|copy link|save|"
    r"comments?(?:\s*\(\d+\))?|advertisement|sponsored(?: content)?|ad|"
    r"read more\b.*|related\b.*|more on this story\b.*|recommended\b.*|"
    r"sign up\b.*|subscribe\b.*|newsletter\b.*|follow us\b.*|skip to (?:main )?content|"
    r"show key events only|live|menu|search|"
    r"(?:published|updated|last updated|last modified|modified|posted|first published)\b.{0,60}|"
    r"\d+\s+(?:min|minute|hour|day)s? ago|\d+ min(?:ute)? read|"
    r"listen to (?:this )?article.*|cookie.*|accept(?: all)? cookies|"
    r"(?:tags|topics|filed under|trending|see also|also read|read also)\s*:.*|"
    r"(?:more from|most (?:read|popular|viewed|shared)|click here|jump to)\b.*|back to top|"
    r"loading\W*|"
    r"privacy(?: policy)?|"
    r"terms (?:of use|of service|and conditions)|accessibility|contact(?: us)?|about us|"
    r"print this (?:page|article)|rss)$",
    re.IGNORECASE,
)
# "Home | Opinion | Letters", "Home › World › Europe", tab-separated menus
_MENU = re.compile(r"^(?:[\w&'’. ]{1,24}\s*(?:[|·•›»>/]|\t)\s*){2,}[\w&'’. ]{1,24}$")
_TIMESTAMP = re.compile(
    r"^\d{1,2}[:.]\d{2}(?:\s*(?:[ap]\.?m\.?))?(?:\s*[A-Z]{2,4})?$|"
    r"^\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{4}\b.{0,20}$|"
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{1,2},? \d{4}\b.{0,20}$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3}"  # GENEVA, NEW YORK, ST. PETERSBURG
    r"(?:,\s*[A-Z0-9][\w .,]{1,30}?)?"  # , Switzerland / , March 14 / , 12 March 2024
    r"(?:\s*\([A-Z][\w .&]{0,20}\))?"  # (Reuters), (AP)
    r"\s*[-—–]{1,2}\s+"
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b|all rights\b)|\ball rights reserved\.?$", re.IGNORECASE
)
# subscription and donation prompts, with or without a price
_PROMO = re.compile(
    r"\bsubscri(?:be|ption)\b|\bnewsletter\b|\bcancel anytime\b|\bpaywall\b|"
    r"\bsupport (?:local|our|independent|quality) (?:news|journalism|reporting)\b|"
    r"(?:[$€£]\s?\d[\d.,]*|\d[\d.,]*\s?[$€£])\s*(?:a|per|/)\s*(?:day|week|month|year)\b|"
    r"^comments are (?:closed|open|disabled)\b|^(?:forward-looking statements|disclaimer|"
    r"notes? (?:to|for) editors|media contact|press contact|for more information|our standards|"
    r"download (?:the|our)\b.{0,40}\bapp\b|transcript (?:provided|prepared|produced) by)\b|"
    r"\bnot responsible for the content of external (?:sites|websites|links)\b|"
    r"\bviews expressed (?:here |in this article )?are (?:his|her|their|my|the author's) own\b|"
    r"\bmay not be in (?:its|their) final form\b",
    re.IGNORECASE,
)
# author taglines: "Priya Natarajan covers global health.", "Follow her on X @priya"
_TAGLINE = re.compile(
    r"^(?:[A-Z][\w.'’-]+ ){1,3}(?:covers|writes about|writes for|reports on|is a columnist)\b|"
    r"\bfollow (?:him|her|them|us|me) on\b|\b[\w.+-]+@[\w-]+\.[\w.]+\b|(?:^|\s)@\w{3,}",
)
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_BRACKETED = re.compile(r"[(\[](.+)[)\]]\.?")
# Notices about the page rather than the story: corrections, disclaimers, donation asks.
_NOTICE = re.compile(
    r"^(?:corrections?|clarifications?|editor'?s'? notes?)\b\s*[,:(—–-]|"
    r"\ban earlier version of this (?:article|story|report|post|piece|column)\b|"
    r"\bthis (?:article|story|report|post|piece) (?:has been|was) (?:updated|amended|corrected)\b|"
    r"\b(?:provided|published|intended) for (?:general )?information(?:al)? (?:purposes )?only\b|"
    r"\bdoes not constitute (?:legal|financial|investment|medical|professional) advice\b|"
    r"(?:^|[.!?]\s+)(?:please )?(?:donate|chip in|become a (?:member|supporter|patron|"
    r"subscriber))\b|\bkeep (?:it|us|this (?:site|page)|journalism) free (?:for (?:everyone|"
    r"all|readers)|to read)\b|"
    # notes on the page itself, opening the line: "This material is translated automatically"
    r"^(?:(?:please )?note:\s*)?this (?:article|story|report|piece|interview|column|content|"
    r"series|material|page|transcript|summary|news item|text)\b.{0,40}\b(?:published|produced|"
    r"republished|syndicated|supported|funded|made possible|part of|translated|typed|"
    r"transcribed|edited|appeared|prepared|provided|compiled|not an? official)\b|"
    r"^(?:this|it)\b[^.]{0,60}\bnot (?:an?|the) official (?:record|minutes|transcript|"
    r"translation)\b|"
    r"^(?:this (?:site|website)|we|[\w.]+(?: [\w.]+)?) uses? cookies\b|"
    r"\bcookie (?:policy|settings|preferences)\b|"
    r"^privacy (?:notice|policy|statement)\b|\bviews expressed\b.{0,40}\bown\b|"
    r"^thank(?:s| you) for (?:signing up|subscribing|registering|reading|your support)\b"
    r"[^.!?]{0,40}[.!]?$|"
    r"^(?:please )?(?:read |see )?(?:our )?(?:live )?(?:blog|community|comment(?:ing)?) "
    r"(?:guidelines|rules|standards)\b|"
    r"\b(?:click|tap) here\b|"
    r"\b(?:story|article) continues (?:below|after)\b|\bcontinue reading\b|"
    r"\bscroll (?:down )?to (?:continue|read)\b|^comments? (?:are|have been) (?:closed|"
    r"disabled|moderated)\b",
    re.IGNORECASE,
)
# Social platforms: a line that asks the reader to follow, join or share on one of them.
_PLATFORMS = (  # as their names are spelled, so that "at signal" or "on x" is not one
    r"Telegram|Twitter|X|Facebook|Instagram|WhatsApp|YouTube|TikTok|Threads|Bluesky|LinkedIn|"
    r"Mastodon|Signal|Reddit|Spotify|Apple Podcasts|Google News|RSS"
)
_SOCIAL = re.compile(
    r"^(?i:follow|join|like|find|watch|listen|share|subscribe|sign up|get|download|message)\b"
    rf".{{0,60}}\b(?i:on|via|to|at)\s+(?:{_PLATFORMS})\b(?!\s+[A-Z])",  # not "Signal Hill"
)
SOCIAL_WORDS = 16  # a longer line is a sentence about a platform, not a prompt
# Separators that menus, breadcrumbs and metadata rows put between their items.
_SEPARATOR = re.compile(r"\s+[|·•›»]\s+|\t")
# Words that join names in a list ("Chair of the Board", "Smith and Jones")
_JOINERS = _words("and of the for at in on de la le von van der da du des y")


def is_noise_line(line: str) -> bool:
    """True for a whole line that is scraped page furniture, not prose."""
    text = line.strip()
    if not text:
        return True
    inner = _BRACKETED.fullmatch(text)
    if inner and is_noise_line(inner[1]):
        return True  # "(Additional reporting by Jane Doe; editing by Ivo Marsh)"
    if _ARROWS.search(text) and len(text) < 100:
        return True  # market tickers
    words = text.split()
    if (
        len(words) <= 6
        and any(c.isdigit() for c in text)
        and not any(w.isalpha() and w.islower() and len(w) >= 4 for w in words)
    ):
        return True  # prices, scores, timestamps: figures and names, no prose
    return bool(
        _TICKER.match(text)
        or _TIMESTAMP.match(text)
        or _is_byline(text)
        or _CONTRIBUTED.search(text)
        or _AUTHOR_BIO.match(text)
        or _CREDIT.search(text)
        or _COPYRIGHT.search(text)
        or _PROMO.search(text)
        or _TAGLINE.search(text)
        or (_BOILERPLATE.match(text) and (len(words) <= 6 or not _TERMINAL.search(text)))
        or _MENU.match(text)
        or _DATELINE.fullmatch(text + " ")
        or _NOTICE.search(text)
        or (_SOCIAL.match(text) and len(words) <= SOCIAL_WORDS)
        or _is_item_row(text)
        or _is_name_list(words)
    )


def _is_item_row(text: str) -> bool:
    """Items between separators ("Assembly of New Calder | Members | Bills | Visit"): a menu,
    a breadcrumb or a metadata row when there are three or more and none is a sentence."""
    items = [item.strip() for item in _SEPARATOR.split(text)]
    if len(items) < 3:
        return False
    return all(len(item.split()) <= 8 for item in items) and not any(
        _TERMINAL.search(item) and len(item.split()) > 4 for item in items
    )


def _is_name_list(words: list[str]) -> bool:
    """No clause: names, titles and references without a lower-case word past a leading label
    ("Committee membership: Helen Strand (Chair), Tom Varga, ...", "People v. Pryce, No. 17
    (Super. Ct.)"). A sentence has a verb, and English verbs are lower case: "Reller, Ibarek
    and Solheim met in Geneva" is a sentence."""
    label = next((i for i, w in enumerate(words[:3]) if w.endswith(":")), -1)
    plain = [w.strip("()[],;:.\"'“”‘’") for w in words[label + 1 :]]
    alpha = [w for w in plain if w[:1].isalpha()]
    if len(alpha) < 4:
        return False
    return not any(w.islower() and len(w) > 1 and w not in _JOINERS for w in alpha)


def _is_byline(text: str) -> bool:
    """A byline ("By Jane Doe, Reuters"): the words after "by" are names, not a sentence."""
    match = _BYLINE.match(text)
    if match is None:
        return False
    rest = [w.strip(",;:.") for w in match.group(1).split()]
    return all(not w or w[0].isupper() or w.lower() in _NAME_JOINERS for w in rest)


def is_heading(line: str, *, list_item: bool = False) -> bool:
    """A title or section heading, not a claim.

    A line without closing punctuation and at most 16 words is a heading; so is a lone
    question of at most 8 words ("What is the dispute about?"). List items often lack a full
    stop, so they count as headings only when shorter than four words (menu entries).
    """
    text = line.strip()
    words = len(text.split())
    if list_item:
        return words < 4
    if text.endswith("?") and words <= 8 and text.count("?") == 1:
        return not re.search(r"[.!]\s", text)
    return not _TERMINAL.search(text) and words <= 16


_SPEAKER_TAG = re.compile(r"^[A-Z][A-Z.'’ -]{1,30}:\s+(?=\S)")
_ABOUT = re.compile(
    r"^(?:about (?:us|the company|the authors?|[A-Z]\w+)|notes? (?:to|for) editors|"
    r"editors'? notes?)\b",
    re.IGNORECASE,
)


_AUTHOR_NOTE = re.compile(
    r"^(?:[A-Z][\w.'’-]+ ){1,3}(?:chairs|is|covers|writes|teaches|leads|runs|directs|heads|"
    r"works|lives|founded|edits)\b[^.!?]{0,90}\.$"
)


_AUTHOR_LONG = re.compile(r"^((?:[A-Z][\w.'’-]+ ){1,3})(?:is|was) (?:an?|the)\b[^!?]{0,200}\.$")
AUTHOR_NOTE_WORDS = 14


def is_author_note(line: str, furniture: Iterable[str] = ()) -> bool:
    """An op-ed's closing line about its author ("Dana Price chairs the Parents' Alliance.");
    only meaningful for the last prose line of a document. A longer one ("Viktor Sand is a
    former deputy economy minister and a partner at ...") when the person it describes is named
    in the page furniture (``furniture``: the noise lines, where the byline is)."""
    text = line.strip()
    if len(text.split()) <= AUTHOR_NOTE_WORDS and _AUTHOR_NOTE.match(text) is not None:
        return True
    match = _AUTHOR_LONG.match(text)
    if match is None or any(c.isdigit() for c in text):
        return False
    name = match.group(1).strip()
    return " " in name and any(_signs(other.strip(), name) for other in furniture)


def _signs(furniture: str, name: str) -> bool:
    """``name`` signs the page in this furniture line: a byline ("By Rick Hammond") or a
    metadata row it opens ("Viktor Sand | 14 June 2024 | Comment (41)"); a photo caption
    that names the person does not."""
    return (_is_byline(furniture) and name in furniture) or (
        furniture.startswith(name) and _is_item_row(furniture)
    )


def ends_sentence(line: str) -> bool:
    return _TERMINAL.search(line.strip()) is not None


def dateline_length(sentence: str) -> int:
    """Characters of a leading wire dateline ("GENEVA (Reuters) — ") or transcript speaker tag
    ("ODUYA: "), 0 when there is none."""
    match = _DATELINE.match(sentence) or _SPEAKER_TAG.match(sentence)
    return match.end() if match else 0


def speaker_tag(line: str) -> str | None:
    """The name of a transcript speaker tag opening ``line`` ("ODUYA: Yes, ..."), if any."""
    match = _SPEAKER_TAG.match(line)
    return match.group(0).rstrip().rstrip(":").strip() if match else None


def opens_boilerplate(line: str) -> bool:
    """A heading ("About Norrland Systems", "Notes to editors") whose next paragraph is the
    outlet's or company's standing blurb, not the story."""
    return _ABOUT.match(line.strip()) is not None and is_heading(line)
