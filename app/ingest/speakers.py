"""Who a sentence attributes its claim to."""

from __future__ import annotations


def attributed_speaker(sentence: str) -> str | None:
    return None
