"""claimdesk: the Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from config import Settings, load_settings


def settings() -> Settings:
    """The running app's typed settings (read them here, not through ``app.config`` strings)."""
    value: Settings = current_app.config["SETTINGS"]
    return value


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with ``overrides`` taking precedence."""
    settings = load_settings(overrides)
    app = Flask(__name__, instance_relative_config=True)
    if not settings.SECRET_KEY:  # development: a random key kept on disk, never a constant
        from app.auth.secret_key import development_secret

        settings.SECRET_KEY = development_secret(settings.SECRET_KEY_FILE)
    app.config.from_mapping(settings.model_dump())
    # The sweeper reads its threshold from app.config; unset means derived from the deadline.
    from app.workflow.recovery import stuck_after

    app.config["ARCHIVE_STUCK_SECONDS"] = stuck_after(settings)
    app.config["SETTINGS"] = settings
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = settings.ENV == "production"
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    # Settings that are not environment variables (test switches) pass straight through.
    for key, value in (overrides or {}).items():
        if key not in app.config:
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

    from app.errors import register_error_handlers
    from app.metrics import init_metrics

    register_error_handlers(app)
    init_metrics(app)

    from app.api import init_api
    from app.health import bp as health_bp
    from app.web import init_web

    app.register_blueprint(health_bp)
    init_api(app)
    init_web(app)
    return app
