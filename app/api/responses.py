"""What every API view needs to answer: JSON bodies with ETags, and If-Match on claim writes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

from flask import Response, jsonify, request
from pydantic import BaseModel
from werkzeug.wrappers import Response as WerkzeugResponse

from app.api.problems import Problem
from app.models import Claim
from app.workflow.editing import check_version

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def json_response(model: BaseModel, status: int = 200, *, version: int | None = None) -> Response:
    """``model`` as JSON; the claim's version (given, or the model's own) as its ETag."""
    resp = jsonify(model.model_dump(mode="json"))
    resp.status_code = status
    version = version if version is not None else getattr(model, "version", None)
    if version is not None:
        resp.headers["ETag"] = f'"{version}"'
    return resp


def streamed(body: Iterable[str] | Iterable[bytes], mimetype: str) -> Response:
    """A response whose body is sent as it is produced.

    spectree reads a ``flask.Response`` whole to validate it, which would hold a large export
    or WARC in memory (and run it before the request's commit). A plain werkzeug response
    passes through spectree untouched, and Flask adopts it as it is.
    """
    return cast(Response, WerkzeugResponse(body, mimetype=mimetype))


def parse_if_match(header: str | None) -> int | None:
    if header is None:
        return None
    match = _ETAG.match(header)
    if match is None:
        raise Problem(
            400,
            f"If-Match must be the claim's version as its ETag gives it, e.g. '\"3\"'; "
            f"got {header!r}.",
        )
    return int(match.group(1))


def if_match(claim: Claim, *, required: bool = False) -> None:
    """Honour If-Match on any write to a claim (SPEC §8); ``required`` for edits (428)."""
    expected = parse_if_match(request.headers.get("If-Match"))
    if expected is None and required:
        raise Problem(
            428,
            f'Send If-Match: "{claim.version}" (the claim\'s ETag) so an edit never overwrites a '
            "change you have not seen.",
            current_version=claim.version,
        )
    check_version(claim, expected)


def sent_if_match() -> bool:
    return request.headers.get("If-Match") is not None
