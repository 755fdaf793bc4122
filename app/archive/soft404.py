"""Soft 404s: a 2xx answer that really means the page is gone.

Link checkers and archive bots treat these as dead links: a redirect from a deep path to the
site root, or a short page whose title or opening says "not found".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_NOT_FOUND = re.compile(
    r"\b(page not found|not found|404|no longer available|does not exist|doesn't exist|"
    r"could not be found|has been removed)\b",
    re.IGNORECASE,
)
MAX_TEXT = 1500  # a real article is longer than a not-found page


def is_soft_404(
    cited_url: str, final_url: str, *, redirected: bool, title: str | None, text: str | None
) -> bool:
    original = urlsplit(cited_url).path or "/"
    final = urlsplit(final_url).path or "/"
    if redirected and final == "/" and original != "/":
        return True
    head = f"{title or ''} {(text or '')[:300]}"
    return len(text or "") < MAX_TEXT and bool(_NOT_FOUND.search(head))
