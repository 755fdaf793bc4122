"""Row ids: 32-bit integers on Postgres, so anything outside 1..2**31-1 names no row.

Every route takes ids through ``ID`` (``/claims/<{ID}:claim_id>``). The app's ``int``
converter is :class:`IdConverter`, whose pattern only matches 1..2**31-1: an id out of range
matches no route at all, so it is a 404 before any query (werkzeug's own converter would
match the digits first and answer 405 for a method the route lacks). The name stays ``int``
so the OpenAPI generator still describes the parameter as an integer.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
ID = f"int(min=1, max={MAX_ID})"

# 1..2147483647 without leading zeros, digit by digit against the maximum.
_ID_PATTERN = (
    r"(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
    r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
)


class IdConverter(IntegerConverter):
    regex = _ID_PATTERN
