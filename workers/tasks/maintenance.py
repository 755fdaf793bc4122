"""Housekeeping run by beat: send what the outbox still holds; forget expired idempotency keys."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from app.db import get_db, session
from app.outbox import dispatch
from app.workflow.housekeeping import purge_expired_idempotency_keys


@shared_task(name="maintenance.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    # Rows younger than a few seconds are normally being sent by the process that wrote them.
    return dispatch(get_db(), current_app.extensions["celery"], min_age=5)


@shared_task(name="maintenance.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    s = session()
    purged = purge_expired_idempotency_keys(s)
    s.commit()
    return purged
