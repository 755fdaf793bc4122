"""Prometheus metrics: request counters in-process, workflow gauges read from the database.

``/metrics`` tells queue sizes and failure reasons, so it wants a bearer token: METRICS_TOKEN
(what Prometheus' ``authorization`` / ``bearer_token`` scrape setting sends) or an admin's API
token. Anything else is 401 (403 for a valid token of a non-admin).

Queue depth and captures by outcome are read from the database at scrape time, so they are
right whichever process (web, worker, beat) changed them. Fetch durations are observed where
fetches happen and are exported from the database too (a histogram over recent captures).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from datetime import timedelta

from flask import Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from app.auth.policy import authenticate, bearer_secret, has_role
from app.db import get_db, utcnow
from app.errors import Forbidden, Unauthenticated
from app.models import Role
from config import settings

FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class WorkflowCollector(Collector):
    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        from app.models import Capture, Claim, ClaimState, OutboxMessage

        db = get_db(self.app)
        with db.factory() as s:
            open_states = (ClaimState.SUBMITTED, ClaimState.SOURCED)
            depth = GaugeMetricFamily(
                "claimdesk_queue_depth", "Open claims by state", labels=["state"]
            )
            counts = dict(
                s.execute(
                    select(Claim.state, func.count())
                    .where(Claim.state.in_(open_states))
                    .group_by(Claim.state)
                ).all()
            )
            for state in open_states:
                depth.add_metric([state.value], counts.get(state, 0))
            yield depth

            captures = GaugeMetricFamily(
                "claimdesk_captures",
                "Captures by status and failure reason",
                labels=["status", "reason"],
            )
            rows = s.execute(
                select(Capture.status, Capture.error_reason, func.count()).group_by(
                    Capture.status, Capture.error_reason
                )
            ).all()
            for status, reason, n in rows:
                captures.add_metric([status, reason or ""], n)
            yield captures

            outbox = GaugeMetricFamily("claimdesk_outbox_pending", "Tasks not yet sent")
            outbox.add_metric([], s.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
            yield outbox

            since = utcnow() - timedelta(hours=1)
            durations = s.scalars(
                select(Capture.fetch_seconds).where(
                    Capture.fetched_at >= since, Capture.fetch_seconds.is_not(None)
                )
            ).all()
            hist = HistogramMetricFamily(
                "claimdesk_fetch_duration_seconds_last_hour",
                "Fetch durations of captures finished in the last hour",
            )
            buckets, total = [], 0.0
            for bound in FETCH_BUCKETS:
                buckets.append(
                    (str(bound), sum(1 for d in durations if d is not None and d <= bound))
                )
            buckets.append(("+Inf", len(durations)))
            total = sum(d for d in durations if d is not None)
            hist.add_metric([], buckets, total)
            yield hist


def init_metrics(app: Flask) -> None:
    registry = CollectorRegistry()
    requests = Counter(
        "claimdesk_http_requests",
        "HTTP requests",
        ["method", "endpoint", "status"],
        registry=registry,
    )
    latency = Histogram(
        "claimdesk_http_request_seconds", "HTTP request latency", ["endpoint"], registry=registry
    )
    registry.register(WorkflowCollector(app))
    app.extensions["claimdesk.metrics"] = registry

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe(resp: Response) -> Response:
        started = g.get("request_started")
        endpoint = request.endpoint or "unmatched"
        requests.labels(request.method, endpoint, str(resp.status_code)).inc()
        if started is not None:
            latency.labels(endpoint).observe(time.perf_counter() - started)
        return resp

    @app.get("/metrics")
    def metrics() -> Response:
        _authorise_scrape()
        reg: CollectorRegistry = current_app.extensions["claimdesk.metrics"]
        return Response(generate_latest(reg), mimetype="text/plain; version=0.0.4")


def _authorise_scrape() -> None:
    expected = settings().METRICS_TOKEN
    secret = bearer_secret()
    if expected and secret and hmac.compare_digest(secret.encode(), expected.encode()):
        return
    user = authenticate() if secret else None
    if user is None:
        raise Unauthenticated(
            "Send 'Authorization: Bearer <METRICS_TOKEN>' or an admin's API token."
        )
    if not has_role(user, Role.ADMIN):
        raise Forbidden("Metrics are for admins and the METRICS_TOKEN only.")
