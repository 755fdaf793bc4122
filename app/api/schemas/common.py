"""Types several request schemas share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, HttpUrl

MAX_URL = 2048  # the URL columns' length


def _fits(url: HttpUrl) -> HttpUrl:
    # Checked on the URL as it will be stored (pydantic normalises it, e.g. punycode).
    if len(str(url)) > MAX_URL:
        raise ValueError(f"URL is longer than {MAX_URL} characters")
    return url


StoredUrl = Annotated[HttpUrl, AfterValidator(_fits)]


def _in_utc(moment: datetime) -> datetime:
    # Stored and compared in UTC: a moment whose UTC form falls outside years 1-9999 exists
    # in no column.
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range once converted to UTC") from None


UtcMoment = Annotated[AwareDatetime, AfterValidator(_in_utc)]
