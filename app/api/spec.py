"""The one SpecTree instance: request validation and the OpenAPI 3.1 document come from the
same pydantic models. Validation failures become problem+json naming each bad field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from spectree import SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from app.api.problems import Problem


def _field_name(loc: Any) -> str:
    return ".".join(str(p) for p in loc) if isinstance(loc, list | tuple) else str(loc)


def _on_validation(
    req: Any, resp: Any, error: Exception | None, instance: Any, adapter: Any
) -> None:
    if error is None:
        return
    errors = [
        {"field": _field_name(e.get("loc", ())), "message": e.get("msg", "invalid")}
        for e in adapter.validation_errors(error)
    ]
    summary = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
    raise Problem(422, f"The request is not valid. {summary}", errors=errors)


# Swagger UI from the copy in app/static/swagger (see its README), never from a CDN. The
# policy keeps the page to its own origin; spectree fills in {spec_url}.
SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; \
object-src 'none'; base-uri 'none'; form-action 'self'">
<title>claimdesk API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="{spec_url}"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/claimdesk-init.js"></script>
</body>
</html>
"""


class ProblemModel(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None


spec = SpecTree(
    "flask",
    title="claimdesk API",
    version="1.0.0",
    # Spectree skips routes under its own path, so its UI lives beside /api/v1, not in it;
    # /api/v1/openapi.json is served by app.api.
    path="api/docs",
    filename="openapi.json",
    page_templates={"swagger": SWAGGER_PAGE},
    mode="strict",
    annotations=True,
    before=_on_validation,
    validation_error_status=422,
    security_schemes=[
        SecurityScheme(
            name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer")
        ),
    ],
    security={"bearer": []},
    description=(
        "Source verification for fact-checking newsrooms. Authenticate with "
        "`Authorization: Bearer <token>`. Errors are application/problem+json (RFC 9457)."
    ),
)
