"""Celery workers. ``celery -A workers worker`` finds the app through ``workers.celery``.

Nothing is built at import time: the attribute creates the Flask app (from the environment)
on first access, which only the celery command line does.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "celery":
        from app import create_app

        return create_app().extensions["celery"]
    raise AttributeError(name)
