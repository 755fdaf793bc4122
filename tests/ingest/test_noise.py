# ruff: noqa: RUF001 - typographic quotes, dashes and arrows are what scraped text holds
from __future__ import annotations

import pytest

from app.ingest.noise import dateline_length, is_heading, is_noise_line

NOISE = [
    "EUR/USD 1.0842 ▲0.12%",
    "Brent $82.14",
    "Gold 2,034.50 -0.4%",
    "DAX 17,842 +0.6% (+107)",
    "Written by Paul Okafor and Lena Marsh",
    "By Jane Doe, Reuters",
    "Reporting by Jane Doe; Editing by Mark Lindqvist",
    "GENEVA (AP) —",
    "Share on Facebook",
    "Share",
    "Advertisement",
    "Photo: Valdorian Foreign Minister Anna Reller arrives in Geneva / Getty Images",
    "Photo: Kestrani Foreign Minister Tomas Ibarek speaks (AP Photo/Jean Martin)",
    "Read more: Kestrany's new government signals thaw with neighbour",
    "Home | Opinion | Columnists | Letters",
    "Home › World › Europe",
    "U.S. News\tWorld News\tPolitics\tSports",
    "Skip to content",
    "Published 14 March 2024, 6:42 p.m. GMT",
    "March 14, 2024",
    "21:05 GMT",
    "5 min read",
    "Comments (214)",
    "© 2024 Reuters. All rights reserved.",
    "Associated Press writer Lena Marsh contributed from Merin.",
    "Ilse Marchetti is a former diplomat and a columnist for this newspaper.",
    "",
    # shapes, not strings: menus whose items are long, lists of names, references, notices
    "National Assembly of Estmark | Members | Committees | Bills | Visit | English",
    "Ministry of Health · Press Office · 12 May 2024 · Statements",
    "Panel members: Dana Price (Chair), Ivo Marsh, Lena Ekdahl, Tom Reyes, Ana Sousa",
    "State v. Morrow, Case No. 24-CR-118 (Dist. Ct.)",
    "Correction: An earlier version of this story gave the wrong date for the vote.",
    "Clarification (14 March): This article has been updated to reflect the ministry's reply.",
    "This page is published for information purposes only.",
    "Like what you read? Donate $10 and keep journalism free.",
    "Follow our live coverage on WhatsApp for alerts.",
    "Join the conversation on Bluesky",
    "Get the app: 2.99 € a month",
    "Tags: Estmark, budget, taxes",
    "Back to top",
    "(Additional reporting by Jane Doe; editing by Ivo Marsh)",
    "Firefighters work the line near Cedar Gap on Tuesday. (Jo Reyes/Riverton Herald)",
    "This story was produced in partnership with the Tallow Valley Report.",
    "This article originally appeared in The Halbury Post.",
    "Click here to read the committee's full report on the collapse.",
    "Story continues below advertisement",
    "Last modified on Tue 14 May 2024 10.42 BST",
    "Note: this interview was transcribed by a machine and edited for clarity.",
    "This page is not an official translation of the decision.",
    "The Herald uses cookies to improve your experience.",
    "Thanks for subscribing!",
    "Opinions and views expressed by contributors are their own.",
    "Please read our community guidelines before commenting.",
]
PROSE = [
    "Trade between the neighbours has fallen 38% since 2021, to $1.2 billion.",
    "By Thursday evening the two sides had agreed on 12 points.",
    "Share prices in Merin rose 3% after the deal was announced.",
    "Photographers waited outside the Palais des Nations for hours.",
    "Kestrany's currency, the kest, gained 0.8% against the euro on Thursday.",
    "Markets reacted calmly.",
    "The donation of 40 ventilators was announced on Monday.",
    "The ministry said it would follow the guidance on Telegram channels closely.",
    "Reller and Ibarek met in Geneva.",
    "Ombara, Kethu and Sarmand signed the accord in New Calder on 3 May.",
    "(The ministry later said 40 schools had reopened.)",
    "The report was published by the ministry in 2019.",
    "Update: Police said three people were killed in the collapse.",  # a live-blog entry
    "Give or take a week, the bridge will reopen in March.",
    "Join talks at Signal Hill were adjourned on Monday.",
    "Share prices fell 4% after the chief executive announced the cuts on X, the company said.",
    "Reller, Ibarek, Solheim, Marchetti, Oduya and Kral met in Geneva on Monday.",
    "The accord will keep the strait free of mines, the navy said.",
    "The minister said the leaked memo was not an official record.",
    "The study, originally published in 2019, found 40 cases.",
    '"Thank you for your support," Reller told voters after winning 62% of the vote.',
    "The Speaker ruled that the motion breached House rules.",
    "The regulator fined Kestrel Media for its use of cookies without consent.",
    "Topics discussed included the budget.",
]


@pytest.mark.parametrize("line", NOISE)
def test_noise_lines(line: str) -> None:
    assert is_noise_line(line)


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_not_noise(line: str) -> None:
    assert not is_noise_line(line)


def test_headings() -> None:
    assert is_heading("Valdoria and Kestrany agree to reopen border crossings after Geneva talks")
    assert is_heading("What is the dispute about?")
    assert not is_heading("Is this a breakthrough? It's too early to tell.")
    assert not is_heading("Markets reacted calmly.")
    assert not is_heading(" ".join(["word"] * 20))  # a long unpunctuated paragraph is prose
    assert is_heading("Home", list_item=True)
    assert not is_heading("Kestrany will release 40 fishermen", list_item=True)


def test_datelines() -> None:
    assert dateline_length("GENEVA (Reuters) — Talks ended.") == len("GENEVA (Reuters) — ")
    assert dateline_length("NEW YORK, March 14 (AP) - Talks ended.") == len(
        "NEW YORK, March 14 (AP) - "
    )
    assert dateline_length("Talks ended in GENEVA — on time.") == 0


def test_an_author_note_named_in_the_byline_is_left_out() -> None:
    from app.ingest.segment import sentence_spans

    text = (
        "By Ivo Marsh\n\nThe council cut the library budget by 12%.\n\n"
        "Ivo Marsh is a retired librarian and a former member of the Halbury arts board.\n"
        "© 2024 The Voice"
    )
    found = [text[s.start : s.end] for s in sentence_spans(text)]
    assert found == ["The council cut the library budget by 12%."]
    other = text.replace("By Ivo Marsh", "By Ana Sousa")
    assert len(sentence_spans(other)) == 2  # a person the page does not sign is a claim
    caption = text.replace("By Ivo Marsh", "Photo: Ivo Marsh at the library (Jo Reyes/Voice)")
    assert len(sentence_spans(caption)) == 2  # a caption names people, it does not sign
