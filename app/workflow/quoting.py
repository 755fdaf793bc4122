"""Whether an evidence item's quote appears in the archived text of its source."""

from __future__ import annotations

from app.archive.quotes import find_quote
from app.models import Capture, Evidence


def check_quote(evidence: Evidence, capture: Capture) -> None:
    """Record on ``evidence`` whether (and where) its quote is in ``capture``'s text."""
    if not evidence.quote:
        return
    span = find_quote(evidence.quote, capture.text or "")
    evidence.quote_capture_id = capture.id
    evidence.quote_found = span is not None
    evidence.quote_start, evidence.quote_end = span if span else (None, None)
