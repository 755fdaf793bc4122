"""Housekeeping run by beat: send what the outbox still holds."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from app.db import get_db
from app.outbox import dispatch


@shared_task(name="maintenance.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    # Rows younger than a few seconds are normally being sent by the process that wrote them.
    return dispatch(get_db(), current_app.extensions["celery"], min_age=5)
