"""The Celery application, bound to a Flask app: each task runs in its own app context.

Queues: ``archive`` (archiving the sources fact-checkers cite, network-bound), ``recheck``
(the periodic re-checks of cited sources, possibly thousands at once) and ``default``
(everything else). Every worker consumes all three; a worker takes from its queues in turn,
so a new citation waits at most for the tasks already in hand, never for a day's re-checks.

Tasks are acknowledged late and must be idempotent: the database, not the broker, says what
is done, and a sweeper re-dispatches what a dead worker left behind.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, Task
from flask import Flask
from kombu import Exchange, Queue
from sqlalchemy.engine import make_url

from app.outbox import CAPTURE_TASK
from app.workflow.recovery import longest_capture
from config import Settings

TASK_MODULES = ["workers.tasks.maintenance", "workers.tasks.claims", "workers.tasks.archive"]


def _writable(path: str) -> str:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return path


def _broker_url(app: Flask) -> str:
    url: str = app.config["SETTINGS"].CELERY_BROKER_URL
    if url.startswith("sqla+sqlite"):
        db = make_url(url[len("sqla+") :]).database
        if db and db != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    return url


def _keep_json_logs(level: str) -> None:
    """Workers log through claimdesk's JSON handler instead of Celery's own format."""
    from celery.signals import setup_logging

    from app.logs import configure_logging

    def _configure(**_: Any) -> None:
        configure_logging(level)

    # Connecting any receiver tells Celery to leave logging alone.
    setup_logging.connect(_configure, weak=False)


def capture_time_limits(s: Settings) -> dict[str, float]:
    """Stop an archive task before the sweeper's (derived) threshold, so a slow worker and a
    re-dispatch never fetch one capture at the same time."""
    longest = longest_capture(s)
    return {"soft_time_limit": longest - 10, "time_limit": longest - 5}


def make_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            # One app context per task: its teardown closes the task's DB session.
            with app.app_context():
                return self.run(*args, **kwargs)

    s = app.config["SETTINGS"]
    celery: Celery = Celery(app.import_name, task_cls=FlaskTask)
    broker = _broker_url(app)
    transport_options: dict[str, Any] = {}
    if broker.startswith(("redis://", "rediss://")):
        transport_options = {
            # Must exceed the longest task (incl. retries' countdown) or Redis redelivers
            # a task that is still running; the archive task's hard limit is far below.
            "visibility_timeout": s.BROKER_VISIBILITY_TIMEOUT,
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
        }
    elif broker.startswith("sqla+"):
        # kombu hands these to create_engine: wait on SQLite's lock instead of failing.
        transport_options = {"connect_args": {"timeout": 30}}
    from workers.transport import broker_settings

    celery.conf.update(
        **broker_settings(broker),
        result_backend=s.CELERY_RESULT_BACKEND or None,
        task_ignore_result=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="default",
        # Each queue on its own direct exchange and key, so the virtual (SQLite) transport
        # routes exactly like Redis does.
        task_queues=[
            Queue("default", Exchange("default", type="direct"), routing_key="default"),
            Queue("archive", Exchange("archive", type="direct"), routing_key="archive"),
            Queue("recheck", Exchange("recheck", type="direct"), routing_key="recheck"),
        ],
        task_default_exchange="default",
        task_default_routing_key="default",
        task_routes={"archive.*": {"queue": "archive"}},
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        beat_schedule_filename=_writable(s.BEAT_SCHEDULE_FILE),
        beat_schedule={
            "drain-outbox": {
                "task": "maintenance.drain_outbox",
                "schedule": s.OUTBOX_SWEEP_SECONDS,
            },
            "sweep-captures": {
                "task": "archive.sweep",
                "schedule": s.ARCHIVE_SWEEP_SECONDS,
            },
            "purge-idempotency-keys": {
                "task": "maintenance.purge_idempotency_keys",
                "schedule": 3600.0,
            },
            "recheck-sources": {
                "task": "archive.schedule_rechecks",
                # Each round queues what hosts can take until the next (app.workflow.rechecks).
                "schedule": s.RECHECK_SCHEDULE_SECONDS,
            },
        },
        task_annotations={CAPTURE_TASK: capture_time_limits(s)},
        imports=TASK_MODULES,
        timezone="UTC",
        enable_utc=True,
    )
    _keep_json_logs(s.LOG_LEVEL)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
