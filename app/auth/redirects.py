"""Where the sign-in form may send a browser afterwards: a path on this site, nothing else.

Browsers forgive a lot in a ``Location``: they drop tabs and line breaks anywhere, trim
leading spaces and treat ``\\`` like ``/``, so ``/\\t/evil.example`` and ``/\\evil.example``
both become ``//evil.example``, another site. The target is cleaned the way a browser would,
and anything that could then name a scheme or a host is refused.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

# Percent-decoding more than this many times is not a path anyone writes by hand.
MAX_DECODES = 3


def _strip_controls(value: str) -> str:
    # Cc covers C0/C1 controls (tab, CR, LF, NUL, DEL); Cf covers invisible format
    # characters (zero-width joiners, bidi overrides) that can disguise a target.
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf")).strip()


def _is_local_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str | None:
    """``target`` cleaned of control characters if it is a local path, else None.

    Every percent-decoded form of it must be a local path too, so a target that only turns
    into another host after a further decoding (``/%2509/evil``) is refused as well.
    """
    if not target:
        return None
    cleaned = _strip_controls(target)
    layer = cleaned
    for _ in range(MAX_DECODES + 1):
        if not _is_local_path(layer):
            return None
        decoded = _strip_controls(unquote(layer))
        if decoded == layer:
            return cleaned
        layer = decoded
    return None
