"""Archive tasks (queue ``archive``, re-checks on ``recheck``): thin wrappers that take ids;
the work is in ``app.workflow.archiving``."""

from __future__ import annotations

from celery import Task, shared_task
from sqlalchemy.exc import OperationalError

from app.db import session
from app.outbox import ARCHIVE_QUEUE, CAPTURE_TASK
from app.workflow.archiving import redispatch, run_capture, sweep
from app.workflow.rechecks import schedule_rechecks


@shared_task(
    bind=True,
    name=CAPTURE_TASK,
    acks_late=True,
    # Time limits: workers.celery_app.capture_time_limits, below the sweeper's threshold.
    # Only infrastructure hiccups retry here; fetch failures are judged by the workflow.
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def capture(self: Task, capture_id: int) -> str:
    outcome = run_capture(session(), capture_id)
    if outcome.retry_in is not None:
        # The capture is back to pending in the database (a transient failure, or a re-check
        # waiting its turn at the host), so if this message is lost the sweeper re-sends it;
        # attempts are counted in the database, not by Celery. A new message rather than
        # Celery's retry, whose count would run out for a re-check that often waits its turn.
        queue = (self.request.delivery_info or {}).get("routing_key") or ARCHIVE_QUEUE
        self.apply_async(args=(capture_id,), countdown=outcome.retry_in, queue=queue)
    return outcome.status


@shared_task(name="archive.sweep", ignore_result=True)
def sweep_captures() -> int:
    s = session()
    ids = sweep(s)
    redispatch(s, ids)
    s.commit()
    return len(ids)


@shared_task(name="archive.schedule_rechecks", ignore_result=True)
def recheck_sources() -> int:
    s = session()
    ids = schedule_rechecks(s)
    s.commit()
    return len(ids)
