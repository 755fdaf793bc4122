"""What every page view needs: full page or htmx fragment, refusals shown beside the form.

Public interface::

    is_htmx() -> bool                      the request came from htmx (not a history restore)
    render(template, *, fragment=None, status=200, **context) -> Response
    form_version() -> int | None           the claim version a form was rendered with
    see_other(endpoint, **values) -> Response    303 after a successful POST
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from app.errors import Invalid


def is_htmx() -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    template: str, *, fragment: str | None = None, status: int = 200, **context: Any
) -> Response:
    """The full page, or with ``HX-Request`` the fragment template: one route serves both."""
    chosen = fragment if fragment is not None and is_htmx() else template
    resp = make_response(render_template(chosen, **context), status)
    resp.vary.add("HX-Request")  # caches must not hand a fragment to a full-page load
    return resp


def form_version() -> int | None:
    """The hidden ``version`` field; None when absent, Invalid when it is not a number."""
    raw = request.form.get("version", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise Invalid("version: the form's claim version is not a number; reload the page.")
    return int(raw)


def see_other(endpoint: str, **values: Any) -> BaseResponse:
    return redirect(url_for(endpoint, **values), 303)
