"""Quote matching through typography, with offsets that point into the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.archive.quotes import _normalise_ascii, _normalise_unicode, find_quote, normalise_for_match

TEXT = (
    "He said: \u201cForty  schools\u2014rebuilt\u201d, the min\u00adistry\u2019s data show.\n"
    "\u00abLes \u00e9coles\u00bb, a dit le ministre. Cafe\u0301 \uff21\uff22\uff23 \ufb01nal."
)


@pytest.mark.parametrize(
    ("quote", "highlighted"),
    [
        ('"forty schools-rebuilt"', "\u201cForty  schools\u2014rebuilt\u201d"),
        (
            "'Forty schools \u2013 rebuilt'".replace(" \u2013 ", "\u2013"),
            "\u201cForty  schools\u2014rebuilt\u201d",
        ),
        ("forty schools - rebuilt".replace(" - ", "\u2212"), "Forty  schools\u2014rebuilt"),
        ("FORTY\n\tSCHOOLS", "Forty  schools"),
        ("ministry's data", "min\u00adistry\u2019s data"),
        ("mini\u200bstry`s", "min\u00adistry\u2019s"),
        ('"les \u00e9coles"', "\u00abLes \u00e9coles\u00bb"),
        ("LES \u00c9COLES", "Les \u00e9coles"),
        ("caf\u00e9", "Cafe\u0301"),  # precomposed matches decomposed
        ("abc final", "\uff21\uff22\uff23 \ufb01nal"),  # fullwidth letters, fi ligature
        ("data show. \u00ab", "data show.\n\u00ab"),
    ],
)
def test_quote_found_despite_typography(quote: str, highlighted: str) -> None:
    span = find_quote(quote, TEXT)
    assert span is not None
    assert TEXT[span[0] : span[1]] == highlighted


@pytest.mark.parametrize("quote", ["fifty schools", "   ", "", "\u200b", '""', "schools rebuilt"])
def test_what_is_not_there_is_not_found(quote: str) -> None:
    assert find_quote(quote, TEXT) is None


def test_outer_quote_marks_are_optional_but_used_when_present() -> None:
    text = "Minister: forty schools were rebuilt, and 'new' ones opened."
    span = find_quote("\u201cforty schools were rebuilt\u201d", text)
    assert span is not None and text[span[0] : span[1]] == "forty schools were rebuilt"
    span = find_quote("'new'", text)
    assert span is not None and text[span[0] : span[1]] == "'new'"


def test_normalisation_rules() -> None:
    normal, index = normalise_for_match("  \u201cA\u2019b\u201d \u2014\u00a0C\u200d\u2013d\t\n")
    assert normal == "'a'b' - c-d"
    assert index == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13]


def test_index_maps_to_the_character_each_came_from() -> None:
    text = "X\u00e9\ufb01 \u2014"
    normal, index = normalise_for_match(text)
    assert normal == "x\u00e9fi -"
    assert [text[i] for i in index] == ["X", "\u00e9", "\ufb01", "\ufb01", " ", "\u2014"]


# --- properties -------------------------------------------------------------------------------

words = st.lists(
    st.from_regex(r"[A-Za-z\u00e0-\u00ff]{1,8}", fullmatch=True), min_size=1, max_size=25
)
SPACES = [" ", "  ", "\n", "\t ", "\u00a0", "\u2003", " \u200b"]
QUOTES = ["'", '"', "\u2018", "\u2019", "\u201c", "\u201d", "\u00ab", "\u00bb", "`"]


@settings(max_examples=300)
@given(words=words, data=st.data())
def test_a_perturbed_substring_is_found_exactly_where_it_is(
    words: list[str], data: st.DataObject
) -> None:
    # Numbered tokens make every passage unique, so the match is the passage itself.
    tokens = [f"{w}{n}" for n, w in enumerate(words)]
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in tokens:
        pieces.append(data.draw(st.sampled_from(SPACES)))
        starts.append(sum(map(len, pieces)))
        pieces.append(data.draw(st.sampled_from(QUOTES)) + token)
        ends.append(sum(map(len, pieces)))
    text = "".join(pieces)
    i = data.draw(st.integers(0, len(tokens) - 1))
    j = data.draw(st.integers(i + 1, len(tokens)))
    # The passage as a fact-checker might type it: other spacing, quote marks and case.
    typed = [data.draw(st.sampled_from(QUOTES)) + token for token in tokens[i:j]]
    quote = data.draw(st.sampled_from([" ", "\n", "  \t"])).join(typed)
    quote = data.draw(st.sampled_from([quote.upper(), quote.lower(), quote.swapcase()]))
    assert find_quote(quote, text) == (starts[i], ends[j - 1])


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_normalisation_is_idempotent_and_maps_back(text: str) -> None:
    normal, index = normalise_for_match(text)
    assert normalise_for_match(normal)[0] == normal
    assert len(index) == len(normal)
    assert index == sorted(index) and all(0 <= i < len(text) for i in index)
    assert normal == normal.strip() and "  " not in normal


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_ascii_fast_path_agrees_with_the_general_one(text: str) -> None:
    assert _normalise_ascii(text) == _normalise_unicode(text)


@settings(max_examples=300)
@given(
    text=st.text(alphabet=st.sampled_from("ab '\"`\t\n-"), max_size=80),
    data=st.data(),
)
def test_ascii_spans_agree_with_the_full_offset_table(text: str, data: st.DataObject) -> None:
    # The ASCII search maps back only its match; the table is the reference it must equal.
    start = data.draw(st.integers(0, len(text)))
    quote = text[start : data.draw(st.integers(start, len(text)))]
    haystack, starts, ends = _normalise_ascii(text)
    needle = normalise_for_match(quote)[0]
    expected = None
    for candidate in (needle, needle.strip(" '")) if needle else ():
        if not candidate:
            break
        at = haystack.find(candidate)
        if at >= 0:
            expected = (starts[at], ends[at + len(candidate) - 1])
            break
    assert find_quote(quote, text) == expected


@settings(max_examples=300)
@given(text=st.text(max_size=200), data=st.data())
def test_whatever_normalises_into_the_text_is_found(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    quote = text[start : data.draw(st.integers(start, len(text)))]
    needle = normalise_for_match(quote)[0]
    span = find_quote(quote, text)
    if needle and needle in normalise_for_match(text)[0]:
        assert span is not None
    if span is not None:
        assert needle.strip(" '") in normalise_for_match(text[span[0] : span[1]])[0]
