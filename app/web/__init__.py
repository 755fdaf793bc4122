"""Browser pages: session login (CSRF-protected forms) and the queue overview."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import CSRFProtect, FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from app.auth.credentials import verify_password
from app.auth.policy import authenticate, current_user, require_role
from app.db import session as db_session
from app.errors import DomainError, status_of
from app.models import Claim, Role, User

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
    app.register_blueprint(bp)

    @app.after_request
    def _security_headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp
