# ruff: noqa: E501 - the article is prose, one paragraph per line
"""The demo's article and the pages it cites (made-up news from a made-up region)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ARTICLE_TITLE = "Minister defends school rebuilding record as jobless figures are questioned"
ARTICLE_URL = "https://news.example.org/2026/11/minister-school-rebuilding"
ARTICLE_DATE = date(2026, 11, 18)
ARTICLE_TEXT = """\
By Staff Reporter | Share on Facebook | Share on X

The education minister, Dana Okafor, told parliament on Tuesday that 40 schools in the northern region were rebuilt last year.

Okafor said the programme cost 120 million euros, about a third less than the government had budgeted in 2024.

"Every child deserves a safe classroom," she said, to applause from her own benches.

The opposition leader, Marek Lind, replied that unemployment in the region had doubled since 2022.

Lind also said that 15,000 teachers had left the profession in the past two years.

According to the regional statistics office, the unemployment rate stood at 6.1 percent in September, compared with 5.8 percent a year earlier.

The ministry said the new schools will take 12,000 pupils by the start of the next school year.

Some parents think the buildings were rushed.

Read more: Budget 2027 explained | Subscribe for 1 euro a month
"""


# A second outlet's report of the same day: its claims restate, approximate and contradict
# the first article's, so the workspace shows restatement suggestions to accept or reject.
WIRE_TITLE = "Okafor: forty schools rebuilt; statistics office disputes jobless claim"
WIRE_URL = "https://wire.example.net/2026/11/18/north-schools"
WIRE_DATE = date(2026, 11, 18)
WIRE_TEXT = """\
NORTHERN REGION (Courier Wire) - Forty schools across the north were rebuilt in 2025, Education Minister Dana Okafor told lawmakers on Tuesday.

Unemployment in the northern region has not doubled since 2022, according to the regional statistics office.

About 15,000 teachers quit over the last two years, according to the teachers' union.

The ministry plans to rebuild 40 more schools in the south by 2028.

(Reporting by Courier Wire staff; editing by the regional desk)
"""


# Text extractors skip pages that are too short to be articles, so each page carries some
# background after its own paragraphs.
_BACKGROUND = (
    "The northern region has about 1.2 million inhabitants, a third of them in the two "
    "largest towns, and its schools serve some 160,000 pupils from the age of six.",
    "Regional figures are published every quarter and revised once, three months after "
    "their first release, when late returns from smaller municipalities have arrived.",
    "Questions about these figures can be sent to the press office, which answers on "
    "working days and keeps the tables of earlier years available for comparison.",
    "This page is part of the claimdesk demo: the organisations and people named here do "
    "not exist, and the figures were invented to show how claims are checked.",
)


@dataclass(frozen=True)
class SourcePage:
    path: str
    host: int  # 0 or 1: which of the two local "publishers" serves it
    title: str
    paragraphs: tuple[str, ...]

    def html(self) -> bytes:
        body = "".join(f"<p>{p}</p>" for p in (*self.paragraphs, *_BACKGROUND))
        return (
            "<!doctype html><html><head><meta charset=utf-8>"
            f'<title>{self.title}</title><meta name="date" content="2026-11-15">'
            f"</head><body><article><h1>{self.title}</h1>{body}</article></body></html>"
        ).encode()


SOURCES = {
    "ministry": SourcePage(
        "/ministry/school-programme-2025",
        0,
        "School rebuilding programme: annual report 2025",
        (
            "The ministry of education publishes its annual report on the school rebuilding "
            "programme.",
            "In 2025, 40 schools in the northern region were rebuilt and reopened to pupils.",
            "The programme's final cost was 120 million euros.",
        ),
    ),
    "paper": SourcePage(
        "/region/schools-reopen",
        1,
        "Forty rebuilt schools reopen across the north",
        (
            "Pupils returned this autumn to 40 schools rebuilt in the northern region last "
            "year, the regional council confirmed.",
            "Local officials inspected each building before it reopened.",
        ),
    ),
    "statistics": SourcePage(
        "/statistics/labour-market-september",
        0,
        "Labour market, September 2026",
        (
            "The regional unemployment rate was 6.1 percent in September 2026.",
            "In September 2022 the rate was 5.9 percent; unemployment has not doubled since 2022.",
        ),
    ),
    "union": SourcePage(
        "/union/teachers-survey",
        1,
        "Teachers' union survey on staffing",
        (
            "The teachers' union estimates that 15,000 teachers left the profession in the "
            "past two years.",
        ),
    ),
}

# Which claim (by words it contains) cites which source, with what stance and quote.
CITATIONS = (
    ("40 schools", "ministry", "supports", "40 schools in the northern region were rebuilt"),
    ("40 schools", "paper", "supports", None),
    ("unemployment in the region had doubled", "statistics", "refutes", None),
    ("15,000 teachers", "union", "supports", None),
    ("120 million euros", "gone", "supports", None),  # a dead link: archive health shows it
)
