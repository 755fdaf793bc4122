"""Claim tasks (default queue)."""

from __future__ import annotations

from celery import shared_task

from app.db import session
from app.workflow.clusters import assign_cluster


@shared_task(name="claims.assign_cluster", ignore_result=True, acks_late=True)
def assign_cluster_task(claim_id: int) -> None:
    s = session()
    assign_cluster(s, claim_id)
    s.commit()
