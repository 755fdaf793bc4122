"""Published fact-checks as an Atom 1.0 feed (RFC 4287).

Written with the standard library's SAX ``XMLGenerator``, which escapes text and attributes
itself, one entry at a time, so a feed of any length streams.

Each entry: ``id`` and ``link rel="alternate"`` the public fact-check page (stable across
corrections, which move ``updated``), ``title`` the claim, ``summary`` the rating label and
the claim, ``category`` the rating, ``published`` the first publication.

Public interface::

    atom_feed(records, *, feed_id, title, self_url, site_url, author, updated) -> Iterator[bytes]
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesNSImpl

from app.exports.claimreview import isodatetime
from app.exports.records import ClaimRecord

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"


def atom_feed(
    records: Iterable[ClaimRecord],
    *,
    feed_id: str,
    title: str,
    self_url: str,
    site_url: str,
    author: str,
    updated: datetime,
) -> Iterator[bytes]:
    """The feed as UTF-8 XML chunks: the head, one chunk per entry, the end.

    ``updated`` is the feed's last change (the newest entry's approval); ``feed_id`` a
    permanent IRI for the feed, such as its own URL.
    """
    buffer = io.BytesIO()
    xml = _Writer(buffer)
    xml.open_document()
    xml.start("feed")
    xml.text_element("id", feed_id)
    xml.text_element("title", title)
    xml.text_element("updated", isodatetime(updated))
    xml.empty("link", rel="self", type=MEDIA_TYPE, href=self_url)
    xml.empty("link", rel="alternate", type="text/html", href=site_url)
    xml.start("author")
    xml.text_element("name", author)
    xml.end("author")
    yield xml.take()
    for record in records:
        xml.start("entry")
        xml.text_element("id", record.public_url)
        xml.text_element("title", record.text)
        xml.text_element("updated", isodatetime(record.approved_at))
        xml.text_element("published", isodatetime(record.published_at))
        xml.empty("link", rel="alternate", type="text/html", href=record.public_url)
        xml.empty("category", term=record.rating, label=record.rating_label)
        xml.text_element("summary", f"{record.rating_label}: {record.text}")
        xml.end("entry")
        yield xml.take()
    xml.end("feed")
    xml.close_document()
    yield xml.take()


class _Writer:
    """Atom-namespaced elements on an XMLGenerator, drained chunk by chunk."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._buffer = buffer
        self._gen = XMLGenerator(buffer, encoding="utf-8", short_empty_elements=True)

    def open_document(self) -> None:
        self._gen.startDocument()
        self._gen.startPrefixMapping(None, ATOM)  # Atom is the default namespace

    def close_document(self) -> None:
        self._gen.endPrefixMapping(None)
        self._gen.endDocument()

    def start(self, name: str, **attributes: str) -> None:
        qualified: dict[tuple[str | None, str], str] = {
            (None, key): _xml_text(value) for key, value in attributes.items()
        }
        names: dict[tuple[str | None, str], str] = {(None, key): key for key in attributes}
        self._gen.startElementNS((ATOM, name), name, AttributesNSImpl(qualified, names))

    def end(self, name: str) -> None:
        self._gen.endElementNS((ATOM, name), name)

    def empty(self, name: str, **attributes: str) -> None:
        self.start(name, **attributes)
        self.end(name)

    def text_element(self, name: str, text: str) -> None:
        self.start(name)
        self._gen.characters(_xml_text(text))
        self.end(name)

    def take(self) -> bytes:
        data = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return data


def _xml_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry at all (C0 controls other than tab and line
    breaks, lone surrogates, U+FFFE/U+FFFF); a claim pasted from a PDF may hold them."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r"
        or ("\x20" <= ch <= "\ud7ff")
        or ("\ue000" <= ch <= "\ufffd")
        or ch >= "\U00010000"
    )
