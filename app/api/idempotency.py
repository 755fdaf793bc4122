"""``Idempotency-Key`` for creating POSTs: a double submit never creates a duplicate.

Public interface::

    @idempotent          place it between @require_role(...) and @spec.validate(...)
    IDEMPOTENCY_HEADER   "Idempotency-Key"

Rules (per user and key):

- no header: the view runs as usual;
- a new key: the view runs; its 2xx response is stored *in the same transaction* as what the
  view created (the API holds every request's commits until its response is built), so the
  row and the record commit together or not at all;
- the same key with the same method, path and body within IDEMPOTENCY_TTL_SECONDS (24 h):
  the first response is replayed (``Idempotent-Replayed: true``) and nothing runs;
- the same key with another request: 422;
- two requests with one key at the same instant: the second waits on the unique (user, key)
  constraint (Postgres) or the write lock (SQLite), then replays the first one's response;
- a 4xx/5xx is not stored: it changed nothing, so sending the request again is safe.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, make_response, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.policy import current_user
from app.db import session as db_session
from app.db import utcnow
from app.errors import Conflict, Invalid
from app.models import IdempotencyRecord
from app.workflow.housekeeping import idempotency_ttl

IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as header values should be
_REPLAYED_HEADERS = ("Location", "ETag", "Content-Location")

F = TypeVar("F", bound=Callable[..., Any])


def _key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not _KEY.fullmatch(key):
        raise Invalid(
            f"The {IDEMPOTENCY_HEADER} header must be 1 to 255 visible ASCII characters, e.g. "
            "a UUID.",
            field=IDEMPOTENCY_HEADER,
        )
    return key


def _fingerprint() -> str:
    """The request as the key promises it: method, path with query, canonical JSON body."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")) if raw else ""
    except ValueError:
        body = raw.decode("utf-8", "replace")
    full = f"{request.method} {request.full_path.rstrip('?')}\n{body}"
    return hashlib.sha256(full.encode()).hexdigest()


def _stored(s: Session, user_id: int, key: str) -> IdempotencyRecord | None:
    return s.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise Invalid(
            f"The {IDEMPOTENCY_HEADER} {record.key!r} was already used for a different request "
            f"({record.method} {record.path}) recently. Send a new key with a new "
            "request, or repeat the first request unchanged to get its response.",
            field=IDEMPOTENCY_HEADER,
        )
    resp = Response(
        json.dumps(record.response_body), status=record.status_code, mimetype="application/json"
    )
    for name, value in (record.response_headers or {}).items():
        resp.headers[name] = value
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


def idempotent(view: F) -> F:
    """Make a creating POST safe to repeat with an ``Idempotency-Key`` (module docstring)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        user = current_user()
        s = db_session()
        fingerprint = _fingerprint()
        record = _stored(s, user.id, key)
        if record is not None and record.created_at > utcnow() - idempotency_ttl():
            return _replay(record, fingerprint)
        if record is not None:  # expired: the key may be used afresh
            s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        record = IdempotencyRecord(
            user_id=user.id,
            key=key,
            method=request.method,
            path=request.full_path.rstrip("?")[:2048],
            request_hash=fingerprint,
            status_code=0,
            response_body=None,
            response_headers={},
        )
        try:
            # Claims the key now: a concurrent request with the same key blocks here until
            # this transaction ends, then finds the response to replay.
            with s.begin_nested():
                s.add(record)
        except IntegrityError:
            first = _stored(s, user.id, key)
            if first is None:  # the other request rolled back between our insert and read
                raise Conflict(
                    f"A request with {IDEMPOTENCY_HEADER} {key!r} just failed; retry it."
                ) from None
            return _replay(first, fingerprint)
        # The API holds the request's commits until its response is built (app.db.hold_commits),
        # so the record commits in the same transaction as what the view created, or neither.
        resp = make_response(view(*args, **kwargs))
        if not 200 <= resp.status_code < 300:
            return resp
        record.status_code = resp.status_code
        record.response_body = resp.get_json(silent=True)
        record.response_headers = {
            h: resp.headers[h] for h in _REPLAYED_HEADERS if h in resp.headers
        }
        return resp

    return cast(F, wrapper)
