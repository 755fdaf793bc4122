"""Settings, read from the environment in one place (see ``config.settings``).

Code reads the running app's settings with ``settings()``: typed attributes, never string
lookups in ``app.config``.
"""

from config.settings import Settings, SettingsError, load_settings


def settings() -> Settings:
    """The settings of the app whose context is active (request, task or command)."""
    from flask import current_app

    value: Settings = current_app.config["SETTINGS"]
    return value


__all__ = ["Settings", "SettingsError", "load_settings", "settings"]
