"""One archiving of one URL, with no database: fetch it safely, extract its text, write the
WARC and the text to the blob store.

Public interface::

    FetchOptions.from_settings(settings) -> FetchOptions
    take_snapshot(url, options, store) -> Snapshot | Failure

The caller (``app.workflow.archiving``) decides what an outcome means for the capture and the
claims citing it; this module only reports what happened.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.archive.extract import Extracted, extract
from app.archive.fetch import FetchLimits, classify, fetch
from app.archive.requisites import RequisiteBudget, fetch_requisites
from app.archive.storage import BlobStore
from app.archive.types import FetchError, FetchResult
from app.archive.warc import build_warc
from config import Settings


@dataclass(frozen=True)
class FetchOptions:
    allowed_hosts: frozenset[str]
    limits: FetchLimits
    user_agent: str

    @classmethod
    def from_settings(cls, s: Settings) -> FetchOptions:
        return cls(
            allowed_hosts=s.allowed_hosts,
            limits=FetchLimits(
                connect_timeout=s.FETCH_CONNECT_TIMEOUT,
                read_timeout=s.FETCH_READ_TIMEOUT,
                deadline=s.FETCH_DEADLINE,
                max_bytes=s.FETCH_MAX_BYTES,
            ),
            user_agent=s.FETCH_USER_AGENT,
        )


@dataclass(frozen=True)
class Snapshot:
    """The page was fetched (2xx) and stored."""

    result: FetchResult
    extracted: Extracted
    warc_key: str
    text_key: str | None
    seconds: float  # fetch time only, as the archive-health figures report it


@dataclass(frozen=True)
class Failure:
    """The page could not be archived; ``result`` holds the answer if there was one."""

    error: FetchError
    result: FetchResult | None
    seconds: float


def take_snapshot(
    url: str, options: FetchOptions, store: BlobStore, *, requisites: bool = True
) -> Snapshot | Failure:
    """Fetch ``url`` and store it; with ``requisites`` (a first archiving, not a re-check)
    also its images, stylesheets and fonts, in the same WARC, so the copy looks like the page
    and can be shown without reaching the live web."""
    started = time.perf_counter()
    result: FetchResult | None = None
    try:
        result = fetch(
            url,
            allowed_hosts=options.allowed_hosts,
            limits=options.limits,
            user_agent=options.user_agent,
        )
        error = classify(result)
    except FetchError as exc:
        error = exc
    seconds = time.perf_counter() - started
    if error is not None or result is None:
        assert error is not None
        return Failure(error, result, seconds)
    try:
        extracted, warc_key, text_key = _store(result, store, options if requisites else None)
    except StorageError as exc:
        # The page was fetched but cannot be kept: retried later like a network failure.
        failure = FetchError("storage-error", str(exc), transient=True, result=result)
        return Failure(failure, result, seconds)
    return Snapshot(result, extracted, warc_key, text_key, seconds)


def _store(
    result: FetchResult, store: BlobStore, requisites_with: FetchOptions | None
) -> tuple[Extracted, str, str | None]:
    """Extract the text, then write the WARC and the text to the blob store."""
    # The full header, so a charset given only by the server still reaches the decoder.
    content_type = next(
        (v for k, v in result.response_headers if k.lower() == "content-type"),
        result.content_type,
    )
    extracted = extract(result.body, content_type, result.final_url)
    found = (
        fetch_requisites(
            result,
            allowed_hosts=requisites_with.allowed_hosts,
            limits=requisites_with.limits,
            budget=RequisiteBudget(),
            user_agent=requisites_with.user_agent,
        )
        if requisites_with is not None
        else None
    )
    warc = build_warc(result, requisites=found, metadata={"fetch_seconds": result.elapsed})
    text = extracted.text
    try:
        warc_key = store.put(warc, suffix=".warc.gz")
        text_key = store.put(text.encode("utf-8"), suffix=".txt") if text else None
    except Exception as exc:  # disk full, permissions, S3 down: any backend's failure
        raise StorageError(
            f"the archive store refused the write: {type(exc).__name__}: {exc}"
        ) from exc
    return extracted, warc_key, text_key


class StorageError(Exception):
    """The blob store could not keep what was fetched."""
