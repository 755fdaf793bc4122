"""Headers of claimdesk's own pages: a strict Content-Security-Policy and friends.

No inline script or style may run (``script-src 'self'``, ``style-src 'self'``): htmx is
configured not to inject styles or evaluate code, and all behaviour lives in static files.
The archived-page replay (``app.replay``) sends its own, stricter sandbox policy.
"""

from __future__ import annotations

from flask import Blueprint, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def install(bp: Blueprint) -> None:
    @bp.after_request
    def _page_headers(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        resp.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if resp.mimetype == "text/html":
            # Pages show who is signed in and carry CSRF tokens: never from a shared cache.
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp
