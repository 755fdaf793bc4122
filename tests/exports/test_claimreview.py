"""ClaimReview and the DataFeed against a JSON Schema written from schema.org and the consumers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from app.exports.claimreview import (
    claimreview,
    claimreview_array,
    datafeed,
    iter_datafeed,
)
from app.exports.records import Appearance
from tests.exports.conftest import PUBLISHER, claim, corrected

SCHEMA = json.loads((Path(__file__).parent / "claimreview.schema.json").read_text())
Draft202012Validator.check_schema(SCHEMA)
REVIEW = Draft202012Validator(SCHEMA)
FEED = Draft202012Validator({**SCHEMA, "$ref": "#/$defs/DataFeed"})


def valid(validator: Draft202012Validator, obj: dict[str, Any]) -> dict[str, Any]:
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return obj


def test_person_speaker_with_a_rating_value_and_every_appearance() -> None:
    review = valid(REVIEW, claimreview(claim(), PUBLISHER))
    assert review["@type"] == "ClaimReview"
    assert review["url"] == "https://checkers.example/fact-checks/1-40-schools"
    assert review["claimReviewed"] == "40 schools were rebuilt last year."
    assert review["datePublished"] == "2026-11-20T09:30:00Z"
    assert review["author"] == {
        "@type": "Organization",
        "name": "The Checkers",
        "url": "https://checkers.example/",
    }
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "Minister A"}
    assert item["datePublished"] == "2026-11-01"
    assert item["appearance"] == [
        {
            "@type": "CreativeWork",
            "url": "https://news.example/speech",
            "datePublished": "2026-11-01",
            "headline": "The speech",
            "publisher": {"@type": "Organization", "name": "News Example"},
        },
        {
            "@type": "CreativeWork",
            "url": "https://other.example/repeat",
            "datePublished": "2026-11-03",
        },
    ]
    assert item["firstAppearance"] == item["appearance"][0]
    assert "correction" not in review and "dateModified" not in review


def test_organization_speaker_unverifiable_and_corrected() -> None:
    review = valid(REVIEW, claimreview(corrected(), PUBLISHER))
    assert review["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Ministry of Education",
    }
    # No number for a rating off the scale: not even the scale's ends.
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert review["datePublished"] == "2026-11-10T00:00:00Z"  # the first publication
    assert review["dateModified"] == "2026-11-20T09:30:00Z"  # the correction's approval
    assert review["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The ministry's figure could not be traced.",
            "datePublished": "2026-11-20",
        }
    ]


def test_configured_label_is_the_alternate_name() -> None:
    review = valid(REVIEW, claimreview(claim(rating="mostly-true"), PUBLISHER))
    assert review["reviewRating"]["alternateName"] == "Mostly accurate"
    rating = review["reviewRating"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]


def test_claim_date_falls_back_to_the_first_dated_appearance() -> None:
    record = claim(
        claim_date=None,
        appearances=[
            Appearance("https://a.example/x"),
            Appearance("https://b.example/y", date(2026, 10, 2)),
        ],
    )
    review = valid(REVIEW, claimreview(record, PUBLISHER))
    assert review["itemReviewed"]["datePublished"] == "2026-10-02"
    assert review["itemReviewed"]["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://a.example/x",
    }


def test_a_claim_with_no_speaker_date_or_appearance_is_still_valid() -> None:
    record = claim(speaker=None, speaker_kind=None, claim_date=None, appearances=[], summary="")
    review = valid(REVIEW, claimreview(record, PUBLISHER))
    assert review["itemReviewed"] == {"@type": "Claim"}
    assert "reviewBody" not in review


def test_an_unknown_speaker_kind_is_exported_as_a_person() -> None:
    review = valid(REVIEW, claimreview(claim(speaker_kind=None), PUBLISHER))
    assert review["itemReviewed"]["author"]["@type"] == "Person"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda r: r.pop("url"), []),
        (lambda r: r["reviewRating"].pop("bestRating"), ["reviewRating"]),
        (lambda r: r["reviewRating"].pop("alternateName"), ["reviewRating"]),
        (lambda r: r["author"].pop("url"), ["author"]),
        (lambda r: r["author"].update({"@type": "Person"}), ["author", "@type"]),
        (
            lambda r: r["itemReviewed"]["author"].update({"@type": "Thing"}),
            ["itemReviewed", "author"],
        ),
        (lambda r: r["itemReviewed"].pop("firstAppearance"), ["itemReviewed"]),
        (lambda r: r.update(datePublished="20 Nov 2026"), ["datePublished"]),
    ],
)
def test_the_schema_rejects_what_consumers_reject(change: Any, path: list[str]) -> None:
    review = claimreview(claim(), PUBLISHER)
    change(review)
    errors = list(REVIEW.iter_errors(review))
    assert errors, "the schema accepted a broken ClaimReview"
    assert any(list(e.absolute_path)[: len(path)] == path for e in errors)


def test_datafeed_holds_one_item_per_fact_check() -> None:
    modified = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    records = [claim(1), corrected(2), claim(3, rating="true")]
    feed = valid(FEED, datafeed(records, PUBLISHER, modified))
    assert feed["@type"] == "DataFeed" and feed["@context"] == "https://schema.org"
    assert feed["dateModified"] == "2026-11-25T12:00:00Z"
    assert [e["@type"] for e in feed["dataFeedElement"]] == ["DataFeedItem"] * 3
    reviews = [e["item"][0] for e in feed["dataFeedElement"]]
    assert [r["url"] for r in reviews] == [r.public_url for r in records]
    assert reviews[1] == claimreview(records[1], PUBLISHER)
    assert feed["dataFeedElement"][1]["dateCreated"] == "2026-11-10T00:00:00Z"


def test_streamed_feed_and_array_parse_to_the_same_objects() -> None:
    modified = datetime(2026, 11, 25, tzinfo=UTC)
    records = [claim(1), corrected(2)]
    streamed = json.loads("".join(iter_datafeed(iter(records), PUBLISHER, modified)))
    assert streamed == datafeed(records, PUBLISHER, modified)
    assert json.loads("".join(iter_datafeed([], PUBLISHER, modified)))["dataFeedElement"] == []
    array = json.loads("".join(claimreview_array(iter(records), PUBLISHER)))
    assert [valid(REVIEW, r) for r in array] == [claimreview(r, PUBLISHER) for r in records]


def test_the_feed_streams_one_record_at_a_time() -> None:
    pulled = 0

    def records() -> Any:
        nonlocal pulled
        for n in range(1, 1000):
            pulled += 1
            yield claim(n)

    chunks = iter_datafeed(records(), PUBLISHER, datetime(2026, 11, 25, tzinfo=UTC))
    assert '"dataFeedElement": [' in next(chunks)  # the head opens the array
    assert json.loads(next(chunks).lstrip(",\n"))["item"][0]["url"].endswith("/1-40-schools")
    assert pulled == 1
