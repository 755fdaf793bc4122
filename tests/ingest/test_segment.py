# ruff: noqa: RUF001 - typographic quotes, dashes and arrows are what scraped text holds
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.candidates import extract_candidates
from app.ingest.segment import sentence_spans, split_paragraph
from tests.ingest.labelled import articles


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text)]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = (
        "The U.N. envoy spoke at 4.10 p.m. local time in Geneva. Opposition leader D. K. Voss "
        "left early. The ministers meet again at 10 a.m. On Wednesday the talks ran long.\n"
    )
    assert sentences(text) == [
        "The U.N. envoy spoke at 4.10 p.m. local time in Geneva.",
        "Opposition leader D. K. Voss left early.",
        "The ministers meet again at 10 a.m.",
        "On Wednesday the talks ran long.",
    ]


def test_quotations_stay_with_their_attribution() -> None:
    text = "“We have stopped digging,” Reller said. “Really?” he asked. He left the hall.\n"
    assert sentences(text) == [
        "“We have stopped digging,” Reller said.",
        "“Really?” he asked.",
        "He left the hall.",
    ]


def test_offsets_are_exact_with_crlf_tabs_curly_quotes_and_repeats() -> None:
    text = (
        "Menu\r\n\tThe talks lasted 14 hours.  The talks lasted 14 hours.\r\n"
        "She said: “It’s done.”\tThen she left.\r\n"
        "The talks lasted 14 hours.\r\n"
    )
    spans = sentence_spans(text)
    got = [text[s.start : s.end] for s in spans]
    assert got == [
        "The talks lasted 14 hours.",
        "The talks lasted 14 hours.",
        "She said: “It’s done.”",
        "Then she left.",
        "The talks lasted 14 hours.",
    ]
    starts = [s.start for s in spans]
    assert starts == sorted(set(starts))  # three copies, three different places
    assert all("\r" not in g and "\t" not in g for g in got)


def test_list_items_lose_their_bullet_and_short_ones_are_menus() -> None:
    text = "Key points\n- Kestrany will release 40 fishermen\n- Home\n2) Trade fell 38% in 2023.\n"
    assert sentences(text) == ["Kestrany will release 40 fishermen", "Trade fell 38% in 2023."]


def test_a_dateline_is_cut_from_the_first_sentence_only() -> None:
    text = "GENEVA (Reuters) — Talks ended on Thursday. NATO — the alliance — was absent.\n"
    assert sentences(text) == ["Talks ended on Thursday.", "NATO — the alliance — was absent."]


def test_noise_lines_between_paragraphs_are_skipped() -> None:
    text = (
        "The fund is worth $250 million.\nEUR/USD 1.0842 ▲0.12%\nShare on Facebook\n"
        "It opens in May.\n"
    )
    assert sentences(text) == ["The fund is worth $250 million.", "It opens in May."]


def test_split_paragraph_covers_every_character() -> None:
    line = "One. Two!  Three? Four"
    spans = split_paragraph(line)
    assert "".join(line[a:b] for a, b in spans).replace(" ", "") == line.replace(" ", "")


def test_crlf_and_lf_copies_of_an_article_give_the_same_sentences() -> None:
    for article in articles():
        lf = article.text.replace("\r\n", "\n")
        crlf = lf.replace("\n", "\r\n")
        assert sentences(lf) == sentences(crlf) == [s.text for s in article.sentences]


_ALPHABET = st.sampled_from(
    [*"abcXYZ .,;:!?\"'“”‘’()-—–\t\r\n0123456789%$€", "p.m.", "U.S.", "Mr.", "D. K.", "\u2028"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=120).map("".join) | st.text(max_size=200))
def test_candidates_are_exact_ordered_and_disjoint(text: str) -> None:
    previous_end = 0
    for cand in extract_candidates(text, min_score=0.0):
        assert text[cand.start : cand.end] == cand.text
        assert cand.text and cand.text == cand.text.strip()
        assert previous_end <= cand.start < cand.end
        previous_end = cand.end
