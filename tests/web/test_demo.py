"""`claimdesk demo`: a working desk in one command, and again without duplicates."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from app.cli import main
from app.db import get_db
from app.models import Capture, CaptureStatus, Claim, ClaimState, Document, Note, User, Verdict
from tests.web.html import csrf_token


def _accounts(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+\w+\s+(\S+@desk\.example)\s+(\S+)$", output, re.M))


def test_demo_desk(live_app: Flask) -> None:
    runner = live_app.test_cli_runner()
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    accounts = _accounts(result.output)
    assert len(accounts) == 5
    with get_db(live_app).factory() as s:
        roles = sorted(u.role.value for u in s.scalars(select(User)))
        assert roles == ["admin", "editor", "editor", "fact_checker", "fact_checker"]
        assert s.scalar(select(func.count()).select_from(Document)) == 2
        states = {c.state for c in s.scalars(select(Claim))}
        assert {ClaimState.CORROBORATED, ClaimState.DISPUTED, ClaimState.SOURCED} <= states
        statuses = [c.status for c in s.scalars(select(Capture))]
        assert (
            statuses.count(CaptureStatus.ARCHIVED) == 4
            and statuses.count(CaptureStatus.FAILED) == 1
        )
        assert {v.status.value for v in s.scalars(select(Verdict))} == {"approved", "proposed"}
        assert s.scalar(select(func.count()).select_from(Note)) == 1
        counts = (
            s.scalar(select(func.count()).select_from(Claim)),
            s.scalar(select(func.count()).select_from(Capture)),
        )

    # The printed passwords sign in.
    client = live_app.test_client()
    token = csrf_token(client.get("/login").text)
    resp = client.post(
        "/login",
        data={
            "email": "editor1@desk.example",
            "password": accounts["editor1@desk.example"],
            "csrf_token": token,
        },
    )
    assert resp.status_code == 302
    assert "Verdicts awaiting approval (1)" in client.get("/inbox").text

    again = runner.invoke(main, ["demo"])
    assert again.exit_code == 0, again.output
    assert _accounts(again.output)["editor1@desk.example"] != accounts["editor1@desk.example"]
    with get_db(live_app).factory() as s:
        assert (
            s.scalar(select(func.count()).select_from(Claim)),
            s.scalar(select(func.count()).select_from(Capture)),
        ) == counts
        assert s.scalar(select(func.count()).select_from(User)) == 5
