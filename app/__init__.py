"""claimdesk: the Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import load_settings


def create_app(overrides: dict[str, Any] | None = None, *, http: bool = True) -> Flask:
    """Build the app from the environment, with ``overrides`` taking precedence.

    ``http=False`` leaves out the views (pages, API, public pages, replay): a worker or a CLI
    command answers no requests, and importing the views is most of an app's start-up time.
    """
    settings = load_settings(overrides)
    app = Flask(__name__, instance_relative_config=True)
    from app.ids import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added (app/ids.py)
    if not settings.SECRET_KEY:  # development: a random key kept on disk, never a constant
        from app.auth.secret_key import development_secret

        settings.SECRET_KEY = development_secret(settings.SECRET_KEY_FILE)
    # The typed settings are the one source (read them with ``settings()``); app.config only
    # carries what Flask and its extensions read themselves.
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.SECRET_KEY
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_CONTENT_LENGTH
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = settings.ENV == "production"
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    # Overrides that are not settings (test switches such as OUTBOX_SEND_ON_COMMIT) go to
    # app.config as they are.
    for key, value in (overrides or {}).items():
        if key not in type(settings).model_fields:
            app.config[key] = value

    from app.logs import configure_logging, init_request_ids

    configure_logging(settings.LOG_LEVEL)
    init_request_ids(app)

    from app.db import init_db
    from app.outbox import init_outbox
    from workers.celery_app import make_celery

    db = init_db(app)
    make_celery(app)
    init_outbox(app, db)
    if not http:
        return app

    from app.api.problems import register_problem_handlers
    from app.metrics import init_metrics

    register_problem_handlers(app)
    init_metrics(app)

    from app.api import init_api
    from app.health import bp as health_bp
    from app.public import bp as public_bp
    from app.replay import bp as replay_bp
    from app.web import init_web

    app.register_blueprint(health_bp)
    app.register_blueprint(replay_bp)
    app.register_blueprint(public_bp)
    init_web(app)  # first: it installs CSRF protection, which the API exempts itself from
    init_api(app)
    return app
