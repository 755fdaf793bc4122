from __future__ import annotations

import pytest

from app import create_app
from config import SettingsError, load_settings
from config.settings import settings_table


def test_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "ARCHIVE_STORAGE", "ENV", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    s = load_settings()
    assert s.DATABASE_URL == "sqlite:///instance/claimdesk.db"
    assert s.CELERY_BROKER_URL == "sqla+sqlite:///instance/broker.db"
    assert s.ARCHIVE_STORAGE == "file://instance/archive"
    assert s.SECRET_KEY == ""  # the app makes a random one (tests/auth/test_secrets.py)
    assert s.CORROBORATION_MIN_SOURCES == 2


def test_environment_then_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORROBORATION_MIN_SOURCES", "3")
    monkeypatch.setenv("FETCH_ALLOWED_HOSTS", " 127.0.0.2, Example.ORG ,")
    assert load_settings().CORROBORATION_MIN_SOURCES == 3
    assert load_settings().allowed_hosts == frozenset({"127.0.0.2", "example.org"})
    assert load_settings({"CORROBORATION_MIN_SOURCES": 4}).CORROBORATION_MIN_SOURCES == 4


def test_production_without_secret_is_a_clear_startup_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ENV", "production")
    with pytest.raises(SettingsError, match="SECRET_KEY is not set"):
        create_app()


def test_session_cookies_are_httponly_lax_and_secure_in_production(config: dict) -> None:
    """The sign-in page sets the session cookie (its CSRF token lives there)."""
    strong = "k" * 8 + "Zq7#pW2!vN9$rT4@xL6%mB1^cH8&dF3*"  # 32+ bytes, varied
    for env, secure in (("development", False), ("production", True)):
        app = create_app({**config, "ENV": env, "SECRET_KEY": strong})
        cookie = app.test_client().get("/login").headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
        assert ("; Secure" in cookie) is secure, (env, cookie)


def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORROBORATION_MIN_SOURCES", "zero")
    with pytest.raises(SettingsError, match="CORROBORATION_MIN_SOURCES"):
        load_settings()


def test_app_factory_applies_overrides(config: dict) -> None:
    app = create_app({**config, "LEASE_MINUTES": 7})
    assert app.config["SETTINGS"].LEASE_MINUTES == 7
    assert config["DATABASE_URL"] == app.config["SETTINGS"].DATABASE_URL
    assert "LEASE_MINUTES" not in app.config  # one source: the typed settings
    assert "celery" in app.extensions
    other = create_app(config)
    assert other.config["SETTINGS"].LEASE_MINUTES == 30  # nothing leaks between app instances


def test_settings_table_documents_every_setting() -> None:
    table = settings_table()
    for name in (
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "ARCHIVE_STORAGE",
        "SECRET_KEY",
        "FETCH_ALLOWED_HOSTS",
        "CORROBORATION_MIN_SOURCES",
    ):
        assert f"`{name}`" in table
