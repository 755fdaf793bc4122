"""Text every front door refuses before anything is stored (API bodies and queries, forms),
and text taken from elsewhere (fetched pages, excerpts) cut to fit its column.

A NUL character cannot be stored in Postgres text, and a lone surrogate has no UTF-8 form:
either would fail at the database (a 500 after half the work) or, on SQLite, store a value
that no reader can decode and that then breaks every page listing it.
"""

from __future__ import annotations

from typing import Any


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored as it is, or None."""
    if "\x00" in text:
        return "must not contain NUL (\\u0000) characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (a lone surrogate such as \\ud800 is not)"
    return None


def clip(text: str | None, limit: int) -> str | None:
    """``text`` in at most ``limit`` characters, a cut marked with "…"; None when empty."""
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unstorable_field(value: Any, path: str = "") -> tuple[str, str] | None:
    """The path of the first string (value or key) in a JSON-like document that cannot be
    stored, and why."""
    if isinstance(value, str):
        problem = unstorable(value)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        here = f"{path}.{key}".strip(".")
        if isinstance(key, str) and (problem := unstorable(key)):
            return here, problem
        found = unstorable_field(item, here)
        if found is not None:
            return found
    return None
