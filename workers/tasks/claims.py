"""Claim tasks (default queue)."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.db import session
from app.outbox import CLUSTER_TASK
from app.workflow.clusters import assign_cluster


@shared_task(
    name=CLUSTER_TASK,
    ignore_result=True,
    acks_late=True,
    # StaleDataError: the claim changed under us (an archive recorded, an edit); the task is
    # idempotent and reads the claim afresh on retry.
    autoretry_for=(OperationalError, StaleDataError),
    retry_backoff=1,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def assign_cluster_task(claim_id: int) -> None:
    s = session()
    assign_cluster(s, claim_id)
    s.commit()
