"""Browser pages: session sign-in (CSRF-protected forms) and the newsroom's desk.

The pages live in ``app/web/views`` (one module per page), their forms in ``forms``, the
templates in ``templates`` and the static files in ``app/static``. Views call the same
services as the API (``app/workflow``, ``app/exports``); a domain error a view does not
catch itself is shown by ``_refused`` with the status the API would give.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from app.auth.credentials import verify_password
from app.auth.policy import authenticate
from app.db import session as db_session
from app.errors import DomainError, status_of
from app.models import User

bp = Blueprint("web", __name__, template_folder="templates")
csrf = CSRFProtect()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    # Only same-site paths, so the login form cannot be used as an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = db_session().scalar(select(User).where(User.email == form.email.data.lower()))
        if user is not None and user.is_active and verify_password(user, form.password.data):
            session.clear()
            session["user_id"] = user.id
            return redirect(_safe_next(request.args.get("next")))
        error = "Wrong email or password."
    status = 401 if error else 200
    return render_template("login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.clear()
    return redirect(url_for("web.login"))


@bp.errorhandler(DomainError)
def _refused(exc: DomainError) -> ResponseReturnValue:
    """A rule said no: show why, with the status an API client would get."""
    user = authenticate()
    return render_template("error.html", message=exc.detail, user=user), status_of(exc)


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
    register()
    _assembled = True


def init_web(app: Flask) -> None:
    csrf.init_app(app)  # the API exempts its own blueprint (bearer tokens, never cookies)
    _assemble()
    if "web" not in app.blueprints:
        app.register_blueprint(bp)

    @app.after_request
    def _security_headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp
