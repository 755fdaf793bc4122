"""`POST /evidence:batch`: many citations in one transaction, under the rules of one citation;
any refused item refuses the batch, names its index and leaves nothing written."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Capture, Claim, ClaimClosure, Evidence, OutboxMessage, Source
from tests.support.desk import Desk, problem

BATCH = "/api/v1/evidence:batch"


def _counts(db: Session) -> tuple[int, ...]:
    return tuple(
        db.scalar(select(func.count()).select_from(model)) or 0
        for model in (Evidence, Source, Capture, OutboxMessage)
    )


def _item(claim_id: int, n: int, **kw: Any) -> dict[str, Any]:
    return {"claim_id": claim_id, "url": f"https://n{n}.example.org/a", "stance": "supports", **kw}


def test_cites_every_item_in_order(desk: Desk, client: FlaskClient, checker: Any) -> None:
    _, headers = checker
    first, second = desk.create_claim(headers)["id"], desk.create_claim(headers)["id"]
    single = client.post(
        f"/api/v1/claims/{first}/evidence",
        json={"url": "https://n1.example.org/a", "stance": "supports"},
        headers=headers,
    )
    assert single.status_code == 202
    items = [
        _item(second, 2, quote="  rebuilt  "),
        _item(first, 1),  # already cited that way: the existing item, not created
        _item(first, 3, stance="refutes"),
        _item(second, 2, stance="context"),  # same source, other stance: a new item
    ]
    resp = client.post(BATCH, json={"items": items}, headers=headers)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    out = resp.json["items"]
    assert [(i["claim_id"], i["stance"], i["created"]) for i in out] == [
        (second, "supports", True),
        (first, "supports", False),
        (first, "refutes", True),
        (second, "context", True),
    ]
    assert out[1]["id"] == single.json["id"]
    assert out[0]["quote"] == "rebuilt"
    assert out[0]["source"]["id"] == out[3]["source"]["id"]  # one source, one capture
    assert out[0]["capture"]["id"] == out[3]["capture"]["id"]
    assert out[0]["capture"]["status"] == "pending"
    evidence = desk.get(first, headers)["evidence"]
    assert sorted(e["stance"] for e in evidence) == ["refutes", "supports"]


def test_all_known_answers_200(desk: Desk, client: FlaskClient, checker: Any) -> None:
    _, headers = checker
    claim = desk.create_claim(headers)["id"]
    assert client.post(BATCH, json={"items": [_item(claim, 1)]}, headers=headers).status_code == 202
    again = client.post(BATCH, json={"items": [_item(claim, 1)]}, headers=headers)
    assert again.status_code == 200 and again.json["items"][0]["created"] is False


def test_a_bad_url_refuses_the_batch_naming_the_item(
    desk: Desk, client: FlaskClient, db: Session, checker: Any
) -> None:
    _, headers = checker
    claim = desk.create_claim(headers)["id"]
    before = _counts(db)
    items = [_item(claim, 1), _item(claim, 2), {**_item(claim, 3), "url": "ftp://n3.example.org/a"}]
    body = problem(client.post(BATCH, json={"items": items}, headers=headers), 422)
    assert body["detail"].startswith("items[2]: ")
    assert [e["field"] for e in body["errors"]] == ["items[2].url"]
    assert _counts(db) == before  # the two good items were not kept either


def test_an_unknown_or_closed_claim_refuses_the_batch(
    desk: Desk, client: FlaskClient, db: Session, checker: Any, editor: Any
) -> None:
    _, headers = checker
    claim = desk.create_claim(headers)["id"]
    before = _counts(db)
    missing = problem(
        client.post(BATCH, json={"items": [_item(claim, 1), _item(999_999, 2)]}, headers=headers),
        404,
    )
    assert missing["detail"].startswith("items[1]: ") and "999999" in missing["detail"]
    assert _counts(db) == before

    closed = desk.create_claim(headers)["id"]
    db.get(Claim, closed).closed_as = ClaimClosure.WITHDRAWN  # type: ignore[union-attr]
    db.flush()
    before = _counts(db)
    refused = problem(client.post(BATCH, json={"items": [_item(closed, 4)]}, headers=headers), 409)
    assert refused["detail"].startswith("items[0]: ") and "closed" in refused["detail"]
    assert _counts(db) == before


def test_invalid_bodies_are_422_naming_the_field(client: FlaskClient, checker: Any) -> None:
    _, headers = checker
    bad_stance = {"items": [_item(1, 1), _item(1, 2, stance="agrees")]}
    body = problem(client.post(BATCH, json=bad_stance, headers=headers), 422)
    assert any(e["field"] == "items.1.stance" for e in body["errors"])
    assert problem(client.post(BATCH, json={"items": []}, headers=headers), 422)
    too_many = {"items": [_item(1, n) for n in range(501)]}
    assert problem(client.post(BATCH, json=too_many, headers=headers), 422)


def test_readers_may_not_cite(client: FlaskClient) -> None:
    problem(client.post(BATCH, json={"items": [_item(1, 1)]}), 401)


def test_documented_in_openapi(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/evidence:batch"]["post"]
    assert "202" in operation["responses"] and "422" in operation["responses"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]
