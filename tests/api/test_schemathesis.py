"""Property-based API testing from /api/v1/openapi.json, over EVERY operation: generated
requests (valid and invalid, any Unicode: NUL and lone surrogates included) never get a 5xx,
every response matches its documented schema, and a 5xx never happens after a commit (the
API holds commits until the response is built; tests/api/test_http_basics.py shows it)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from app.models import Role
from tests.conftest import Users
from tests.support.desk import Desk

# Not content_type_conformance: spectree documents every response as application/json, while
# errors are (rightly) application/problem+json; the body schema is still checked.
CHECKS = [not_a_server_error, response_schema_conformance]
MAX_EXAMPLES = 40


def _operations(app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    generation = schema.config.generation
    generation.modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    generation.allow_x00 = True
    generation.codec = None  # any code point, lone surrogates too
    return [result.ok() for result in schema.get_all_operations()]


def _desk_with_material(desk: Desk, users: Users) -> dict[str, str]:
    """Claims in every situation for generated ids to hit; the admin's headers."""
    _, admin = users.make(Role.ADMIN)
    _, checker = users.make(Role.FACT_CHECKER)
    for i in range(3):
        claim = desk.create_claim(checker, f"The port handled {i + 7} ships in 2025.")
        desk.corroborate(claim["id"])
        if i:
            desk.propose(claim["id"], checker)
        if i == 2:
            desk.post(claim["id"], "verdict/approve", admin)
    return admin


def test_every_operation_conforms_and_never_fails(app: Flask, desk: Desk, users: Users) -> None:
    headers = _desk_with_material(desk, users)
    operations = _operations(app)
    tags = {tag for op in operations for tag in op.definition.raw.get("tags", [])}
    assert tags >= {"claims", "documents", "evidence", "exports", "queue", "sources", "users"}
    assert len(operations) >= 35
    sent = server_errors = 0
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
            nonlocal sent, server_errors
            sent += 1
            response = case.call(headers=headers)
            server_errors += response.status_code >= 500
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failures, then report them
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    print(f"schemathesis: {sent} requests over {len(operations)} operations, 5xx: {server_errors}")
    if failures:
        pytest.fail("\n\n".join(failures))
