"""Browser pages: session sign-in (CSRF-protected forms) and the newsroom's desk.

The pages live in ``app/web/views`` (one module per page), their forms in ``forms``, the
templates in ``templates`` and the static files in ``app/static``. Views call the same
services as the API (``app/workflow``, ``app/exports``); a domain error a view does not
catch itself is shown by ``_refused`` with the status the API would give.
"""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from app.auth.credentials import check_sign_in
from app.auth.policy import authenticate
from app.auth.redirects import safe_next
from app.auth.sessions import sign_out, start_session
from app.auth.throttle import SignInThrottle
from app.db import hold_request_commits, release_request_commits
from app.db import session as db_session
from app.errors import DomainError, status_of
from app.validation import unstorable
from config import settings

bp = Blueprint("web", __name__, template_folder="templates")
csrf = CSRFProtect()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def _throttle() -> SignInThrottle:
    throttle: SignInThrottle = current_app.extensions["claimdesk.signin_throttle"]
    return throttle


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in. Failures are throttled per account and per address (429 with Retry-After)."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("login.html", form=form, error=None)
    email, address = form.email.data.strip().lower(), request.remote_addr or ""
    wait = _throttle().retry_after(email, address)
    if wait is not None:
        minutes = math.ceil(wait / 60)
        error = (
            f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        page = render_template("login.html", form=form, error=error)
        return page, 429, {"Retry-After": str(wait)}
    user = check_sign_in(db_session(), email, form.password.data)
    if user is None:
        _throttle().failed(email, address)
        return render_template("login.html", form=form, error="Wrong email or password."), 401
    start_session(user)
    return redirect(safe_next(request.args.get("next")) or url_for("web.index"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out here and everywhere: copies of this session's cookie stop working too."""
    sign_out(db_session())
    return redirect(url_for("web.login"))


@bp.errorhandler(DomainError)
def _refused(exc: DomainError) -> ResponseReturnValue:
    """A rule said no: show why, with the status an API client would get."""
    user = authenticate()
    return render_template("error.html", message=exc.detail, user=user), status_of(exc)


@bp.before_request
def _refuse_unstorable_text() -> ResponseReturnValue | None:
    """A form or query holding text that cannot be stored is refused before any view runs."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            problem = unstorable(name) or unstorable(value)
            if problem is not None:
                message = f"The field {name!r} {problem}."
                return render_template("error.html", message=message, user=authenticate()), 422
    return None


@bp.errorhandler(CSRFError)
def _csrf_refused(exc: CSRFError) -> ResponseReturnValue:
    message = (
        "The form had expired or was not sent from this desk (missing CSRF token). "
        "Reload the page and try again."
    )
    return render_template("error.html", message=message), 400


@bp.before_request
def _htmx_needs_a_session() -> ResponseReturnValue | None:
    """A poll or form sent by htmx after the session ended: send the whole page to sign-in
    instead of swapping the sign-in form into a fragment of the page."""
    if request.headers.get("HX-Request") != "true" or authenticate() is not None:
        return None
    if request.endpoint in ("web.login", "web.logout"):
        return None
    resp = Response(status=204)
    resp.headers["HX-Redirect"] = url_for("web.login", next=request.path)
    return resp


_assembled = False


def _assemble() -> None:
    """Routes, headers and template context go on the blueprint once per process (apps are
    built many times in tests; a blueprint cannot change after its first registration)."""
    global _assembled
    if _assembled:
        return
    from app.web import context, security
    from app.web.views import register

    security.install(bp)
    context.install(bp)
    # Nothing a page does is committed before its response is built (app.db.hold_commits).
    bp.before_request(hold_request_commits)
    bp.after_request(release_request_commits)
    register()
    _assembled = True


def init_web(app: Flask) -> None:
    csrf.init_app(app)  # the API exempts its own blueprint (bearer tokens, never cookies)
    with app.app_context():
        app.extensions["claimdesk.signin_throttle"] = SignInThrottle.from_settings(settings())
    _assemble()
    if "web" not in app.blueprints:
        app.register_blueprint(bp)

    @app.after_request
    def _security_headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp
