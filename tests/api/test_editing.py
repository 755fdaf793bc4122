"""Editing a claim: lease or editor, If-Match, history kept, meaning changes make verdicts stale."""

from __future__ import annotations

import pytest

from app.models import Role
from app.workflow.editing import changes_meaning
from tests.conftest import Users
from tests.support.desk import Desk, problem

TEXT = "The ministry said 40 schools in the region were rebuilt last year."


def _patch(desk: Desk, claim_id: int, body: dict, headers: dict, version: int | None):  # type: ignore[no-untyped-def]
    extra = {"If-Match": f'"{version}"'} if version is not None else {}
    return desk.client.patch(f"/api/v1/claims/{claim_id}", json=body, headers={**headers, **extra})


def test_edit_needs_lease_or_editor_and_if_match(desk: Desk, users: Users) -> None:
    _, h = users.make()
    _, other = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(h, TEXT)
    body = problem(_patch(desk, claim["id"], {"speaker": "Minister"}, h, claim["version"]), 403)
    assert "lease" in body["detail"]
    taken = desk.client.post("/api/v1/queue/next", headers=h).json
    body = problem(_patch(desk, claim["id"], {"speaker": "Minister"}, h, None), 428)
    assert body["current_version"] == taken["version"]
    body = problem(_patch(desk, claim["id"], {"speaker": "Minister"}, h, 1), 412)
    assert body["current_version"] == taken["version"]
    problem(_patch(desk, claim["id"], {"speaker": "X"}, other, taken["version"]), 403)
    ok = _patch(desk, claim["id"], {"speaker": "Minister"}, h, taken["version"])
    assert ok.status_code == 200 and ok.json["speaker"] == "Minister"
    assert ok.json["version"] == taken["version"] + 1
    assert ok.headers["ETag"] == f'"{ok.json["version"]}"'
    ok2 = _patch(desk, claim["id"], {"tags": ["schools"]}, editor, ok.json["version"])
    assert ok2.status_code == 200 and ok2.json["tags"] == ["schools"]


def test_edit_validation_names_the_field(desk: Desk, editor) -> None:  # type: ignore[no-untyped-def]
    _, h = editor
    claim = desk.create_claim(h, TEXT)
    body = problem(_patch(desk, claim["id"], {"text": None}, h, claim["version"]), 422)
    assert body["errors"][0]["field"] == "text"
    problem(_patch(desk, claim["id"], {}, h, claim["version"]), 422)
    problem(_patch(desk, claim["id"], {"state": "corroborated"}, h, claim["version"]), 422)


def test_every_wording_is_kept(desk: Desk, editor) -> None:  # type: ignore[no-untyped-def]
    _, h = editor
    claim = desk.create_claim(h, TEXT)
    v = claim["version"]
    for text in ("Forty schools were rebuilt, the ministry said.", "Forty schools were rebuilt."):
        resp = _patch(desk, claim["id"], {"text": text}, h, v)
        assert resp.status_code == 200
        v = resp.json["version"]
    revisions = [r["text"] for r in desk.get(claim["id"], h)["revisions"]]
    assert revisions == [
        TEXT,
        "Forty schools were rebuilt, the ministry said.",
        "Forty schools were rebuilt.",
    ]


@pytest.mark.parametrize(
    ("new", "changed"),
    [
        ("the ministry said 40 schools in the region were rebuilt last year", False),
        ("The ministry said forty schools in the region were rebuilt last year.", False),
        ("The ministry said 40 regional schools were rebuilt last year.", False),
        ("The ministry said 45 schools in the region were rebuilt last year.", True),
        ("The ministry said 40 schools in the region were not rebuilt last year.", True),
        ("Unemployment in the region fell by 40 percent last year.", True),
    ],
)
def test_changes_meaning(new: str, changed: bool) -> None:
    assert changes_meaning(TEXT, new) is changed


def _verified(desk: Desk, users: Users) -> tuple[dict, dict]:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(checker, TEXT)
    desk.corroborate(claim["id"])
    desk.client.post(
        f"/api/v1/claims/{claim['id']}/verdict",
        json={"rating": "true", "rationale": "r"},
        headers=checker,
    )
    desk.client.post(f"/api/v1/claims/{claim['id']}/verdict/approve", json={}, headers=editor)
    return desk.get(claim["id"], editor), editor


def test_any_rewording_after_approval_goes_back_for_review(desk: Desk, users: Users) -> None:
    claim, editor = _verified(desk, users)
    reworded = "The ministry said forty schools in the region were rebuilt last year."
    resp = _patch(desk, claim["id"], {"text": reworded}, editor, claim["version"])
    assert resp.status_code == 200
    assert resp.json["verified"] is False and resp.json["verdict"]["stale"] is True
    assert "wording changed after approval" in resp.json["verdict"]["stale_reason"]
    resp = _patch(
        desk,
        claim["id"],
        {"text": "The ministry said 45 schools were rebuilt."},
        editor,
        resp.json["version"],
    )
    edits = [e for e in resp.json["events"] if e["kind"] == "edited"]
    # Whether it still reads as the same fact is kept for the reviewer.
    assert [e["detail"]["meaning_changed"] for e in edits] == [False, True]
    assert edits[1]["before"]["text"] == reworded
