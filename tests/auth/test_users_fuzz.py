"""Generated requests to the user-administration calls: never a 5xx, always the documented
shape. Made as an admin, with other users and tokens around for ids to hit."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from app.models import Role
from tests.conftest import Users

CHECKS = [not_a_server_error, response_schema_conformance]
MAX_EXAMPLES = 60


def test_user_administration_conforms(app: Flask, client: FlaskClient, users: Users) -> None:
    me, admin = users.make(Role.ADMIN)
    others = [users.make(role)[0] for role in (Role.ADMIN, Role.EDITOR, Role.FACT_CHECKER)]
    existing = {
        "user_id": [u.id for u in (me, *others)],
        "token_id": [t.id for u in (me, *others) for t in u.tokens],
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [
        op
        for op in (r.ok() for r in schema.get_all_operations())
        if "users" in op.definition.raw.get("tags", [])
    ]
    assert {op.path for op in operations} >= {
        "/api/v1/users/{user_id}",
        "/api/v1/users/{user_id}/tokens",
        "/api/v1/tokens/{token_id}",
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
            # Random ids almost never exist: send every other case to a real user or token.
            for name, ids in existing.items():
                value = (case.path_parameters or {}).get(name)
                if isinstance(value, int) and value % 2 == 0:
                    case.path_parameters[name] = ids[value // 2 % len(ids)]
            case.call_and_validate(headers=admin, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failures, then report them
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    if failures:
        pytest.fail("\n\n".join(failures))
