"""Settings, read from the environment in one place (see ``config.settings``)."""

from config.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "load_settings"]
