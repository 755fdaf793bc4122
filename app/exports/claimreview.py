"""schema.org ClaimReview (JSON-LD) of published fact-checks, one object or a DataFeed.

Follows https://schema.org/ClaimReview as fact-check consumers read it (Google's ClaimReview
guidelines, the Data Commons fact-check feed, the Duke Reporters' Lab database):

- ``url`` the public fact-check page, ``claimReviewed`` the claim, ``datePublished`` the
  first publication (``dateModified`` the latest approval once corrected), ``author`` the
  publishing ``Organization`` with ``name`` and ``url``;
- ``reviewRating``: a ``Rating`` whose ``alternateName`` is the label readers see; ratings on
  the numeric scale add ``ratingValue``, ``bestRating`` and ``worstRating``, ratings off it
  (unverifiable) carry no number at all;
- ``itemReviewed``: the ``Claim``, its ``author`` a ``Person`` or an ``Organization`` by the
  speaker's kind, ``datePublished`` when it was made (or first appeared), ``appearance`` every
  document it appeared in as a ``CreativeWork``, ``firstAppearance`` the first of them;
- corrections as schema.org's ``correction`` property: ``CorrectionComment`` items with the
  text and date of each.

Public interface::

    claimreview(record, publisher) -> dict
    datafeed(records, publisher, date_modified) -> dict          DataFeed of DataFeedItems
    iter_datafeed(records, publisher, date_modified) -> Iterator[str]   the same, streamed
    DataFeedWriter(publisher, date_modified)   .head() .item(record) .tail() (push style)
    claimreview_array(records, publisher) -> Iterator[str]        a JSON array, streamed
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from app.exports.records import Appearance, ClaimRecord, Publisher

CONTEXT = "https://schema.org"


def claimreview(record: ClaimRecord, publisher: Publisher) -> dict[str, Any]:
    """One ClaimReview object for a published fact-check."""
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": record.public_url,
        "claimReviewed": record.text,
        "datePublished": isodate(record.published_at),
        "author": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "reviewRating": _rating(record, publisher),
        "itemReviewed": _claim(record),
    }
    if record.summary:
        review["reviewBody"] = record.summary
    if record.published_at != record.approved_at or record.corrections:
        review["dateModified"] = isodate(record.approved_at)
    if record.corrections:
        review["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.note,
                "datePublished": isodate(correction.date),
            }
            for correction in record.corrections
        ]
    return review


def datafeed(
    records: Iterable[ClaimRecord], publisher: Publisher, date_modified: datetime
) -> dict[str, Any]:
    """A schema.org DataFeed, each fact-check a DataFeedItem holding its ClaimReview (the
    shape of the Data Commons fact-check feed). For large sets use ``iter_datafeed``."""
    return {
        **_feed_head(publisher, date_modified),
        "dataFeedElement": [_feed_item(record, publisher) for record in records],
    }


def iter_datafeed(
    records: Iterable[ClaimRecord], publisher: Publisher, date_modified: datetime
) -> Iterator[str]:
    """``datafeed`` as JSON text, one chunk per fact-check, never holding the whole set."""
    writer = DataFeedWriter(publisher, date_modified)
    yield writer.head()
    for record in records:
        yield writer.item(record)
    yield writer.tail()


class DataFeedWriter:
    """The DataFeed's JSON text pushed a record at a time: ``head()``, ``item(record)`` per
    fact-check, ``tail()``. Together they parse to ``datafeed()``."""

    def __init__(self, publisher: Publisher, date_modified: datetime) -> None:
        self._publisher = publisher
        self._date_modified = date_modified
        self._items = 0

    def head(self) -> str:
        # The head object without its closing brace; the elements array follows.
        head = json.dumps(_feed_head(self._publisher, self._date_modified), ensure_ascii=False)
        return head[:-1] + ', "dataFeedElement": ['

    def item(self, record: ClaimRecord) -> str:
        text = json.dumps(_feed_item(record, self._publisher), ensure_ascii=False)
        self._items += 1
        return ("," if self._items > 1 else "") + "\n" + text

    def tail(self) -> str:
        return "\n]}\n"


def _feed_head(publisher: Publisher, date_modified: datetime) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "name": f"{publisher.name}: fact-checks",
        "url": publisher.url,
        "dateModified": isodatetime(date_modified),
    }


def _feed_item(record: ClaimRecord, publisher: Publisher) -> dict[str, Any]:
    return {
        "@type": "DataFeedItem",
        "dateCreated": isodatetime(record.published_at),
        "dateModified": isodatetime(record.approved_at),
        "item": [claimreview(record, publisher)],
    }


def claimreview_array(records: Iterable[ClaimRecord], publisher: Publisher) -> Iterator[str]:
    """A JSON array of ClaimReview objects, streamed."""
    yield "["
    for position, record in enumerate(records):
        yield (
            ("," if position else "")
            + "\n"
            + json.dumps(claimreview(record, publisher), ensure_ascii=False)
        )
    yield "\n]\n"


def _rating(record: ClaimRecord, publisher: Publisher) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": record.rating_label}
    if record.rating_value is not None:
        rating.update(
            ratingValue=record.rating_value,
            bestRating=publisher.best_rating,
            worstRating=publisher.worst_rating,
        )
    return rating


def _claim(record: ClaimRecord) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim"}
    if record.speaker:
        kind = "Organization" if record.speaker_kind == "organization" else "Person"
        claim["author"] = {"@type": kind, "name": record.speaker}
    made = record.claim_date or next(
        (a.published_at for a in record.appearances if a.published_at), None
    )
    if made is not None:
        claim["datePublished"] = isodate(made)
    if record.appearances:
        works = [_creative_work(a) for a in record.appearances]
        claim["appearance"] = works
        claim["firstAppearance"] = works[0]
    return claim


def _creative_work(appearance: Appearance) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": appearance.url}
    if appearance.published_at is not None:
        work["datePublished"] = isodate(appearance.published_at)
    if appearance.title:
        work["headline"] = appearance.title
    if appearance.publisher:
        work["publisher"] = {"@type": "Organization", "name": appearance.publisher}
    return work


def isodate(value: date | datetime) -> str:
    """A date as ``YYYY-MM-DD``; a datetime as ISO 8601 in UTC with ``Z``."""
    if isinstance(value, datetime):
        return isodatetime(value)
    return value.isoformat()


def isodatetime(value: datetime) -> str:
    """ISO 8601 in UTC, whole seconds, ``Z``; a naive datetime is taken to be UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
