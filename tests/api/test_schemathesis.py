"""Property-based API testing from /api/v1/openapi.json: for every operation, generated
requests never get a 5xx and every response matches the schema it is documented with."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from app.models import Role
from tests.conftest import Users
from tests.support.desk import Desk

# Not content_type_conformance: spectree documents every response as application/json, while
# errors are (rightly) application/problem+json; the body schema is still checked.
CHECKS = [not_a_server_error, response_schema_conformance]
# The workflow's operations, and the read-only rest of the API.
TAGS = {"claims", "queue", "verdicts"}
MAX_EXAMPLES = 80


def _operations(app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ops = [result.ok() for result in schema.get_all_operations()]
    return [op for op in ops if TAGS & set(op.definition.raw.get("tags", []))]


def test_workflow_operations_conform(app: Flask, desk: Desk, users: Users) -> None:
    _, headers = users.make(Role.ADMIN)
    _, checker = users.make(Role.FACT_CHECKER)
    # Something for ids to hit: a corroborated claim with a proposal, another one verified.
    for i in range(3):
        claim = desk.create_claim(checker, f"The port handled {i + 7} ships in 2025.")
        desk.corroborate(claim["id"])
        if i:
            desk.client.post(
                f"/api/v1/claims/{claim['id']}/verdict",
                json={"rating": "true", "rationale": "r"},
                headers=checker,
            )
        if i == 2:
            desk.client.post(
                f"/api/v1/claims/{claim['id']}/verdict/approve", json={}, headers=headers
            )
    operations = _operations(app)
    assert {op.path for op in operations} >= {
        "/api/v1/claims",
        "/api/v1/claims/{claim_id}",
        "/api/v1/queue/next",
        "/api/v1/claims/{claim_id}/verdict/approve",
    }
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect all operations' failures, then report them
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    if failures:
        pytest.fail("\n\n".join(failures))
