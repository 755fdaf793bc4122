"""The Atom feed of published fact-checks parses as Atom 1.0 with the right entries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from app.exports.atom import ATOM, atom_feed
from tests.exports.conftest import claim, corrected

NS = {"a": ATOM}


def feed_xml(*records: object) -> bytes:
    return b"".join(
        atom_feed(
            records,  # type: ignore[arg-type]
            feed_id="https://checkers.example/fact-checks",
            title="The Checkers: fact-checks",
            self_url="https://checkers.example/fact-checks.atom",
            site_url="https://checkers.example/fact-checks",
            author="The Checkers",
            updated=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        )
    )


def test_feed_parses_with_the_right_entries() -> None:
    data = feed_xml(claim(1), corrected(2))
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(data)
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.findtext("a:id", namespaces=NS) == "https://checkers.example/fact-checks"
    assert root.findtext("a:updated", namespaces=NS) == "2026-11-25T12:00:00Z"
    assert root.findtext("a:author/a:name", namespaces=NS) == "The Checkers"
    self_link = root.find("a:link[@rel='self']", NS)
    assert self_link is not None and self_link.get("href").endswith(".atom")  # type: ignore[union-attr]
    entries = root.findall("a:entry", NS)
    assert [e.findtext("a:id", namespaces=NS) for e in entries] == [
        "https://checkers.example/fact-checks/1-40-schools",
        "https://checkers.example/fact-checks/2-40-schools",
    ]
    first, second = entries
    assert first.findtext("a:title", namespaces=NS) == "40 schools were rebuilt last year."
    assert (
        first.findtext("a:summary", namespaces=NS)
        == "Mostly false: 40 schools were rebuilt last year."
    )
    link = first.find("a:link[@rel='alternate']", NS)
    assert (
        link is not None and link.get("href") == "https://checkers.example/fact-checks/1-40-schools"
    )
    category = first.find("a:category", NS)
    assert category is not None
    assert (category.get("term"), category.get("label")) == ("mostly-false", "Mostly false")
    # A corrected fact-check keeps its id, first publication, and shows the correction time.
    assert second.findtext("a:published", namespaces=NS) == "2026-11-10T00:00:00Z"
    assert second.findtext("a:updated", namespaces=NS) == "2026-11-20T09:30:00Z"


def test_markup_and_control_characters_in_a_claim_stay_text() -> None:
    record = claim(text='Tax < 5% & "rising" </title><script>x()</script>\x0b\x00 done')
    root = ET.fromstring(feed_xml(record))
    entry = root.find("a:entry", NS)
    assert entry is not None
    assert (
        entry.findtext("a:title", namespaces=NS)
        == 'Tax < 5% & "rising" </title><script>x()</script> done'
    )
    assert entry.find(".//script") is None


def test_an_empty_feed_is_valid() -> None:
    root = ET.fromstring(feed_xml())
    assert root.findall("a:entry", NS) == []


def test_entries_stream_one_chunk_each() -> None:
    chunks = list(
        atom_feed(
            [claim(1), claim(2)],
            feed_id="urn:x",
            title="t",
            self_url="https://x.example/a",
            site_url="https://x.example/",
            author="n",
            updated=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )
    assert len(chunks) == 4
    assert chunks[1].startswith(b"<entry>") and chunks[1].endswith(b"</entry>")
