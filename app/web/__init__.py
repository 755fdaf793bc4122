"""Browser pages: session sign-in (CSRF-protected forms) and the queue overview."""

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
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from app.auth.credentials import check_sign_in
from app.auth.policy import authenticate, current_user, require_role
from app.auth.redirects import safe_next
from app.auth.sessions import sign_out, start_session
from app.auth.throttle import SignInThrottle
from app.db import session as db_session
from app.errors import DomainError, status_of
from app.models import Claim, Role
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


@bp.get("/")
@require_role(Role.FACT_CHECKER)
def index() -> ResponseReturnValue:
    counts = dict(
        db_session().execute(select(Claim.state, func.count()).group_by(Claim.state)).all()
    )
    return render_template("index.html", user=current_user(), counts=counts)


@bp.errorhandler(DomainError)
def _refused(exc: DomainError) -> ResponseReturnValue:
    """A rule said no: show why, with the status an API client would get."""
    user = authenticate()
    return render_template("error.html", message=exc.detail, user=user), status_of(exc)


def init_web(app: Flask) -> None:
    csrf.init_app(app)  # the API exempts its own blueprint (bearer tokens, never cookies)
    with app.app_context():
        app.extensions["claimdesk.signin_throttle"] = SignInThrottle.from_settings(settings())
    app.register_blueprint(bp)

    @app.after_request
    def _security_headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp
