"""`claimdesk users ...`: the same service as the API, from the console."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from app.cli import main


def _ok(runner: FlaskCliRunner, *args: str) -> list[str]:
    result = runner.invoke(main, ["users", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()


def _fails(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(main, ["users", *args])
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _me(app: Flask, token: str) -> int:
    resp = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return resp.status_code


def test_shut_out_and_let_back_in(live_app: Flask) -> None:
    runner = live_app.test_cli_runner()
    token = _ok(runner, "create", "ann@desk.example", "--role", "editor")[-1]
    assert _me(live_app, token) == 200
    assert _ok(runner, "deactivate", "Ann@Desk.example") == ["deactivated ann@desk.example"]
    assert _me(live_app, token) == 401
    assert "deactivated" in _fails(runner, "new-token", "ann@desk.example")
    _ok(runner, "activate", "ann@desk.example")
    assert _me(live_app, token) == 200


def test_roles_and_the_last_admin(live_app: Flask) -> None:
    runner = live_app.test_cli_runner()
    _ok(runner, "create", "boss@desk.example", "--role", "admin")
    assert "last active admin" in _fails(runner, "deactivate", "boss@desk.example")
    assert "last active admin" in _fails(runner, "set-role", "boss@desk.example", "editor")
    _ok(runner, "create", "deputy@desk.example", "--role", "editor")
    assert _ok(runner, "set-role", "deputy@desk.example", "admin") == [
        "deputy@desk.example is now admin"
    ]
    _ok(runner, "set-role", "boss@desk.example", "editor")
    assert "boss" in _fails(runner, "set-role", "deputy@desk.example", "boss")
    assert "No user has the email nobody@desk.example" in _fails(
        runner, "deactivate", "nobody@desk.example"
    )


def test_tokens_rotate_and_revoke(live_app: Flask) -> None:
    runner = live_app.test_cli_runner()
    first = _ok(runner, "create", "bot@desk.example", "--role", "fact_checker")[-1]
    out = _ok(runner, "new-token", "bot@desk.example", "--expires-days", "7", "--label", "ci")
    second = out[-1]
    assert "expires" in out[0] and "never" not in out[0]
    assert _me(live_app, second) == 200

    listing = _ok(runner, "tokens", "bot@desk.example")
    assert listing[0].split("\t")[:2] == ["id", "state"]
    rows = [line.split("\t") for line in listing[1:]]
    assert [r[1] for r in rows] == ["active", "active"]
    assert rows[0][-1] == "ci" and rows[0][3] != "-"  # newest first, with its expiry
    assert first not in "\n".join(listing) and second not in "\n".join(listing)

    old_id = rows[1][0]
    assert _ok(runner, "revoke-token", old_id) == [f"revoked token {old_id} of bot@desk.example"]
    assert _me(live_app, first) == 401 and _me(live_app, second) == 200
    rows = [line.split("\t") for line in _ok(runner, "tokens", "bot@desk.example")[1:]]
    assert [r[1] for r in rows] == ["active", "revoked"]
    assert "Token 424242 does not exist" in _fails(runner, "revoke-token", "424242")
    assert "0" in _fails(runner, "new-token", "bot@desk.example", "--expires-days", "0")
