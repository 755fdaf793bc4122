"""The exports page's filters, read from its query string into the exports service's
``ExportFilters``: the same filters the API takes (q, tag, document, rating, approved from/to,
cluster, state), with the same bounds. A value that cannot be a filter is refused with the
field named (422), never silently dropped, since the download would hold other claims.

Public interface::

    FIELDS                                    the query parameters, in the form's order
    read_filters(args) -> (ExportFilters, shown)   shown: the raw values, to fill the form again
    wants_bom(args) -> bool                   CSV for Excel: a UTF-8 byte order mark first
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from app.errors import FieldError, Invalid
from app.exports.query import ExportFilters
from app.ids import MAX_ID
from app.models import ClaimState

FIELDS = ("q", "tag", "document", "rating", "approved_from", "approved_to", "cluster", "state")
_LONGEST = {"q": 200, "tag": 100, "rating": 50}


def _date(name: str, raw: str, errors: list[FieldError]) -> datetime | None:
    """A day means its first moment, UTC (as the API reads a date)."""
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        errors.append(FieldError(name, f"{name}: give a date as YYYY-MM-DD."))
        return None


def _number(name: str, raw: str, errors: list[FieldError]) -> int | None:
    if raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    errors.append(FieldError(name, f"{name}: give a claim or document number."))
    return None


def read_filters(args: Mapping[str, str]) -> tuple[ExportFilters, dict[str, str]]:
    shown = {name: " ".join(args.get(name, "").split()) for name in FIELDS}
    if not shown["approved_from"]:
        shown["approved_from"] = args.get("since", "").strip()  # the older name of the filter
    errors: list[FieldError] = []
    for name, longest in _LONGEST.items():
        if len(shown[name]) > longest:
            errors.append(FieldError(name, f"{name}: at most {longest} characters."))
    state = None
    if shown["state"]:
        if shown["state"] in ClaimState._value2member_map_:
            state = ClaimState(shown["state"])
        else:
            errors.append(FieldError("state", "state: choose a state from the list."))
    document = _number("document", shown["document"], errors) if shown["document"] else None
    cluster = _number("cluster", shown["cluster"], errors) if shown["cluster"] else None
    since = (
        _date("approved_from", shown["approved_from"], errors) if shown["approved_from"] else None
    )
    until = _date("approved_to", shown["approved_to"], errors) if shown["approved_to"] else None
    if errors:
        raise Invalid(" ".join(e.message for e in errors), errors=errors)
    filters = ExportFilters(
        q=shown["q"] or None,
        tag=shown["tag"] or None,
        document=document,
        rating=shown["rating"] or None,
        approved_from=since,
        approved_to=until,
        cluster=cluster,
        state=state,
    )
    return filters, shown


def wants_bom(args: Mapping[str, str]) -> bool:
    return args.get("bom", "") in ("1", "true", "on", "y")
