"""Claims: create, detail (evidence, why not usable, events), list with filters and cursors."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.models import Role, Stance
from tests.conftest import Users
from tests.support.desk import Desk, problem


def test_create_then_detail_has_state_version_cluster_and_trail(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    created = desk.create_claim(h, "Forty schools were rebuilt in 2025.", tags=["education"])
    assert created["state"] == "submitted" and created["version"] >= 1
    detail = desk.get(created["id"], h)
    assert detail["cluster_id"] == created["id"]
    assert detail["evidence"] == [] and detail["verdict"] is None and detail["verified"] is False
    assert [e["kind"] for e in detail["events"]] == ["created"]
    assert detail["revisions"][0]["text"] == "Forty schools were rebuilt in 2025."
    assert detail["state_reasons"][0].startswith("submitted")


def test_detail_shows_why_evidence_does_not_count(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    claim = desk.create_claim(h)
    desk.cite(claim["id"], Stance.SUPPORTS, "alpha.example", archived=False)
    desk.cite(claim["id"], Stance.SUPPORTS, "beta.example", quote="forty", quote_found=False)
    detail = desk.get(claim["id"], h)
    assert detail["state"] == "submitted"
    reasons = {e["source"]["publisher"]: e["unusable_reason"] for e in detail["evidence"]}
    assert reasons["alpha.example"] == "the source has not been archived yet"
    assert reasons["beta.example"] == "the quote was not found in the archived text"
    assert detail["evidence"][1]["capture"]["status"] == "archived"
    assert detail["evidence"][0]["capture"] is None


def test_state_change_is_an_event_with_before_after_and_cause(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    claim = desk.create_claim(h)
    pending = desk.cite(claim["id"], Stance.SUPPORTS, "alpha.example", archived=False)
    assert desk.capture_result(pending.id) is True
    assert desk.capture_result(pending.id) is False  # nothing changed the second time
    desk.cite(claim["id"], Stance.SUPPORTS, "beta.example")
    desk.cite(claim["id"], Stance.REFUTES, "gamma.example")
    changes = [e for e in desk.get(claim["id"], h)["events"] if e["kind"] == "state_changed"]
    assert [(e["before"]["state"], e["after"]["state"]) for e in changes] == [
        ("submitted", "sourced"),
        ("sourced", "corroborated"),
        ("corroborated", "disputed"),
    ]
    assert changes[0]["detail"]["cause"].startswith("capture of source")


def test_two_sources_from_one_publisher_do_not_corroborate(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    claim = desk.create_claim(h)
    desk.cite(claim["id"], Stance.SUPPORTS, "bbc.co.uk")
    desk.cite(claim["id"], Stance.SUPPORTS, "bbc.co.uk")
    assert desk.get(claim["id"], h)["state"] == "sourced"


def test_unknown_claim_is_404_problem(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    body = problem(client.get("/api/v1/claims/999999", headers=checker[1]), 404)
    assert "999999" in body["detail"]


def test_validation_error_names_the_field(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    body = problem(client.post("/api/v1/claims", json={"text": "  "}, headers=checker[1]), 422)
    assert body["errors"][0]["field"] == "text"
    body = problem(
        client.post(
            "/api/v1/claims", json={"text": "x", "document_id": 424242}, headers=checker[1]
        ),
        422,
    )
    assert body["errors"][0]["field"] == "document_id"


def test_list_filters(desk: Desk, users: Users) -> None:
    me, h = users.make(Role.FACT_CHECKER)
    a = desk.create_claim(
        h, "Unemployment in Valdoria fell to 4 percent in March.", speaker="Mayor"
    )
    b = desk.create_claim(h, "The new bridge cost 12 million euros.")
    desk.corroborate(b["id"])
    taken = desk.client.post("/api/v1/queue/next", headers=h).json
    assert taken["id"] in (a["id"], b["id"])

    def ids(query: str) -> set[int]:
        resp = desk.client.get(f"/api/v1/claims?{query}", headers=h)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return {c["id"] for c in resp.json["claims"]}

    assert ids("state=corroborated") & {a["id"], b["id"]} == {b["id"]}
    assert ids("q=valdoria") == {a["id"]}
    assert ids("q=mayor") == {a["id"]}
    assert ids("q=50%25") == set()  # a literal percent sign is not a wildcard
    assert ids("assignee=me") == {taken["id"]}
    assert ids(f"assignee={me.id}") == {taken["id"]}
    assert taken["id"] not in ids("assignee=none")
    assert ids("has_verdict=true") & {a["id"], b["id"]} == set()
    desk.client.post(
        f"/api/v1/claims/{b['id']}/verdict",
        json={"rating": "true", "rationale": "Two budgets say so."},
        headers=h,
    )
    assert b["id"] in ids("has_verdict=true") and b["id"] in ids("verdict=proposed")
    assert b["id"] not in ids("has_verdict=false")
    problem(desk.client.get("/api/v1/claims?state=bogus", headers=h), 422)


def test_cursor_pages_cover_everything_once_in_priority_order(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    from app.models import Claim

    _, h = checker
    made = [desk.create_claim(h, f"Claim {i}: the port handled {i} ships.") for i in range(7)]
    desk.db.expire_all()
    for i, c in enumerate(made):  # two priority levels, so ties are broken by age
        desk.db.get(Claim, c["id"]).priority = 0.9 if i % 2 else 0.1  # type: ignore[union-attr]
    desk.db.commit()
    seen: list[dict] = []
    cursor = None
    while True:
        url = "/api/v1/claims?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = desk.client.get(url, headers=h).json
        seen += page["claims"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    ours = [c for c in seen if c["id"] in {m["id"] for m in made}]
    assert len(ours) == 7 and len({c["id"] for c in seen}) == len(seen)
    expected = sorted(ours, key=lambda c: (-c["priority"], c["id"]))
    assert ours == expected
    problem(desk.client.get("/api/v1/claims?cursor=garbage!", headers=h), 422)
