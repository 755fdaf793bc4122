""" "Verified" means verified: every rule an exported claim must have passed (issue 9).

One test (or a few) per point of the issue, through the API, on both backends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.models import (
    Capture,
    CaptureStatus,
    Claim,
    ClaimState,
    Event,
    Evidence,
    ExportedClaim,
    ExportRun,
    Role,
    Source,
    Stance,
)
from tests.conftest import Users
from tests.support.desk import Desk, problem


def _exported(desk: Desk, headers: dict[str, str]) -> dict[int, dict[str, Any]]:
    text = desk.client.get("/api/v1/exports/claims.jsonl", headers=headers).get_data(as_text=True)
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return {row["claim_id"]: row for row in rows}


# 1. A correction is a proposal that a second editor approves -------------------------------


def test_a_correction_waits_for_a_second_editor(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, ed1 = users.make(Role.EDITOR)
    _, ed2 = users.make(Role.EDITOR)
    claim = desk.verified(checker, ed1)
    fix = {"rating": "mostly-true", "rationale": "38, not 40.", "correction_note": "We erred."}
    proposed = desk.post(claim["id"], "verdict/correct", ed1, fix)
    assert proposed.status_code == 201 and proposed.json["status"] == "proposed"
    assert proposed.json["corrects_id"] == claim["verdict"]["id"]

    # The published verdict stands meanwhile: still verified, still exported as "true".
    detail = desk.get(claim["id"], checker)
    assert detail["verified"] is True
    assert _exported(desk, checker)[claim["id"]]["rating"] == "true"
    # The correcting editor can neither approve it nor stack another correction on it.
    assert "four-eyes" in problem(desk.post(claim["id"], "verdict/approve", ed1), 403)["detail"]
    problem(desk.post(claim["id"], "verdict/correct", ed1, fix), 409)

    approved = desk.post(claim["id"], "verdict/approve", ed2, {"note": "Checked the budget."})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    verdicts = desk.get(claim["id"], checker)["verdicts"]
    assert [(v["rating"], v["status"]) for v in verdicts] == [
        ("true", "superseded"),
        ("mostly-true", "approved"),
    ]
    row = _exported(desk, checker)[claim["id"]]
    assert row["rating"] == "mostly-true"
    assert [c["note"] for c in row["corrections"]] == ["We erred."]
    kinds = [e["kind"] for e in desk.get(claim["id"], checker)["events"]]
    assert kinds[-2:] == ["correction_proposed", "verdict_corrected"]


def test_a_rejected_correction_leaves_the_published_verdict(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, ed1 = users.make(Role.EDITOR)
    _, ed2 = users.make(Role.EDITOR)
    claim = desk.verified(checker, ed1)
    fix = {"rating": "false", "rationale": "No.", "correction_note": "Wrong."}
    assert desk.post(claim["id"], "verdict/correct", ed2, fix).status_code == 201
    assert desk.post(claim["id"], "verdict/reject", ed1, {"note": "Keep it."}).status_code == 200
    detail = desk.get(claim["id"], checker)
    assert detail["verified"] is True and detail["verdict"]["rating"] == "true"


# 2. Cluster verdicts are proposals, only for members standing on their own evidence -------


def _cluster(desk: Desk, db: Any, lead: int, *members: int) -> None:
    for claim_id in (lead, *members):
        db.get(Claim, claim_id).cluster_id = lead
    db.flush()


def test_cluster_verdicts_are_proposals_for_members_with_evidence(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, ed1 = users.make(Role.EDITOR)
    _, ed2 = users.make(Role.EDITOR)
    lead = desk.verified(checker, ed1, "The ministry said 40 schools were rebuilt.")
    bare = desk.create_claim(checker, "Forty schools were rebuilt, the ministry said.")
    backed = desk.create_claim(checker, "The ministry says 40 schools have been rebuilt.")
    negated = desk.create_claim(checker, "The ministry said 40 schools were not rebuilt.")
    desk.corroborate(backed["id"])
    desk.corroborate(negated["id"])
    _cluster(desk, desk.db, lead["id"], bare["id"], backed["id"], negated["id"])
    members = desk.get(lead["id"], checker)["cluster_members"]
    assert members == [bare["id"], backed["id"], negated["id"]]

    result = desk.post(lead["id"], "verdict/apply-to-cluster", ed2)
    assert result.status_code == 200
    assert result.json["claim_ids"] == [backed["id"]]
    skipped = {int(k): v for k, v in result.json["skipped"].items()}
    assert "own evidence" in skipped[bare["id"]]
    assert "opposite" in skipped[negated["id"]]

    copy = desk.get(backed["id"], checker)["verdict"]
    assert copy["status"] == "proposed" and copy["copied_from_id"] == lead["verdict"]["id"]
    assert set(_exported(desk, checker)) == {lead["id"]}  # nothing published unchecked
    problem(desk.post(backed["id"], "verdict/approve", ed2), 403)  # four eyes on copies too
    assert desk.post(backed["id"], "verdict/approve", ed1).status_code == 200
    assert set(_exported(desk, checker)) == {lead["id"], backed["id"]}


def test_copies_go_stale_when_the_original_does(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, ed1 = users.make(Role.EDITOR)
    _, ed2 = users.make(Role.EDITOR)
    lead = desk.verified(checker, ed1, "The ministry said 40 schools were rebuilt.")
    member = desk.create_claim(checker, "The ministry says 40 schools have been rebuilt.")
    desk.corroborate(member["id"])
    _cluster(desk, desk.db, lead["id"], member["id"])
    assert desk.post(lead["id"], "verdict/apply-to-cluster", ed2).json["claim_ids"]
    assert desk.post(member["id"], "verdict/approve", ed1).status_code == 200
    assert desk.get(member["id"], checker)["verified"] is True

    desk.cite(lead["id"], Stance.REFUTES, "gamma.example")  # the original becomes disputed
    assert desk.get(lead["id"], checker)["state"] == "disputed"
    copy = desk.get(member["id"], checker)
    assert copy["verified"] is False and copy["verdict"]["stale"] is True
    assert "copied from" in copy["verdict"]["stale_reason"]
    assert _exported(desk, checker) == {}


# 3. Edits after approval: wording goes back for review, metadata does not ----------------


def _patch(desk: Desk, claim: dict, body: dict, headers: dict) -> Any:
    return desk.client.patch(
        f"/api/v1/claims/{claim['id']}",
        json=body,
        headers={**headers, "If-Match": f'"{claim["version"]}"'},
    )


def test_any_change_of_wording_after_approval_goes_back_for_review(
    desk: Desk, users: Users
) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.verified(checker, editor, "The ministry said 40 schools were rebuilt.")
    edited = _patch(desk, claim, {"text": "The ministry said 40 schools were demolished."}, editor)
    assert edited.status_code == 200 and edited.json["verified"] is False
    reason = edited.json["verdicts"][-1]["stale_reason"]
    assert '"The ministry said 40 schools were rebuilt."' in reason
    assert '"The ministry said 40 schools were demolished."' in reason
    assert claim["id"] not in _exported(desk, checker)


def test_metadata_is_editable_and_keeps_the_verdict(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.verified(checker, editor)
    body = {
        "speaker": "Minister of Education",
        "tags": ["schools"],
        "claim_date": "2026-03-14",
        "appearance_url": "https://news.example/schools",
    }
    edited = _patch(desk, claim, body, editor)
    assert edited.status_code == 200, edited.json
    assert edited.json["verified"] is True
    assert edited.json["claim_date"] == "2026-03-14"
    assert edited.json["appearance_url"] == "https://news.example/schools"
    event = [e for e in edited.json["events"] if e["kind"] == "edited"][-1]
    assert event["after"]["claim_date"] == "2026-03-14" and event["before"]["claim_date"] is None
    row = _exported(desk, checker)[claim["id"]]
    assert row["speaker"] == "Minister of Education"


# 4. Leases protect the holder's work everywhere --------------------------------------------


def test_every_write_respects_the_lease_and_editors_override_on_record(
    desk: Desk, users: Users
) -> None:
    _, holder = users.make()
    _, other = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(holder)
    desk.corroborate(claim["id"])
    taken = desk.client.post("/api/v1/queue/next", headers=holder).json
    assert taken["id"] == claim["id"]
    cite = {"url": "https://example.org/report", "stance": "supports"}
    for path, body in [
        ("evidence", cite),
        ("verdict", {"rating": "true", "rationale": "r"}),
        ("lease/release", None),
    ]:
        detail = problem(desk.post(claim["id"], path, other, body), 403)["detail"]
        assert "leased to" in detail or "lease" in detail
    problem(_patch(desk, taken, {"speaker": "X"}, other), 403)

    assert desk.post(claim["id"], "evidence", editor, cite).status_code == 202
    events = desk.get(claim["id"], editor)["events"]
    override = [e for e in events if e["kind"] == "lease_overridden"]
    assert override and override[0]["detail"]["action"] == "cite sources for"

    # an editor giving the holder's claim back to the queue is an override too
    assert desk.post(claim["id"], "lease/release", editor).status_code == 200
    events = desk.get(claim["id"], editor)["events"]
    actions = [e["detail"]["action"] for e in events if e["kind"] == "lease_overridden"]
    assert actions == ["cite sources for", "release"]


# 5. One evidence item per claim, source and stance -----------------------------------------


def test_citing_the_same_source_twice_returns_the_first_item(desk: Desk, users: Users) -> None:
    _, h = users.make()
    claim = desk.create_claim(h)
    body = {"url": "https://Example.org/report?utm_source=x", "stance": "supports"}
    first = desk.post(claim["id"], "evidence", h, body)
    again = desk.post(claim["id"], "evidence", h, {**body, "url": "https://example.org/report"})
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json["id"] == first.json["id"]
    refuting = desk.post(claim["id"], "evidence", h, {**body, "stance": "refutes"})
    assert refuting.status_code == 202 and refuting.json["id"] != first.json["id"]
    count = desk.db.scalar(
        select(func.count()).select_from(Evidence).where(Evidence.claim_id == claim["id"])
    )
    assert count == 2


# 6. Permanent failures say why, in plain words ---------------------------------------------


def _failed_citation(
    desk: Desk, headers: dict[str, str], claim_id: int, reason: str, **capture: Any
) -> dict[str, Any]:
    with desk.app.app_context():
        source = Source(url=f"https://{reason}.example/x", host=f"{reason}.example", publisher="p")
        desk.db.add_all(
            [
                Evidence(claim_id=claim_id, source=source, stance=Stance.SUPPORTS),
                Capture(source=source, error_reason=reason, **capture),
            ]
        )
        desk.db.flush()
    return desk.get(claim_id, headers)


def test_unusable_evidence_says_why_in_plain_words(desk: Desk, users: Users) -> None:
    _, h = users.make()
    claim = desk.create_claim(h)
    cases = {
        "http-404": "the site answered 404 Not Found",
        "blocked-address": "the address is private and was not fetched",
        "dns-error": "the host name does not resolve",
    }
    for reason in cases:
        detail = _failed_citation(desk, h, claim["id"], reason, status=CaptureStatus.FAILED)
    by_url = {e["source"]["url"]: e["unusable_reason"] for e in detail["evidence"]}
    for reason, words in cases.items():
        assert words in by_url[f"https://{reason}.example/x"]
        assert any(words in line for line in detail["state_reasons"])
    retry_at = datetime(2026, 11, 25, 14, 5, tzinfo=UTC)
    detail = _failed_citation(
        desk, h, claim["id"], "timeout", status=CaptureStatus.PENDING, next_attempt_at=retry_at
    )
    timed_out = detail["evidence"][-1]["unusable_reason"]
    assert timed_out == "timed out after 3 s, retrying at 14:05 UTC"


# 7. The audit trail cannot be rewritten (see tests/workflow/test_audit.py for the chain) --


# 8. Reading an export writes no event; events are paged -----------------------------------


def test_exports_are_recorded_as_runs_not_as_claim_events(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.verified(checker, editor)
    before = desk.db.scalar(select(func.count()).select_from(Event))
    for path in ("claims.jsonl", "claims.csv", "claimreview"):
        assert desk.client.get(f"/api/v1/exports/{path}", headers=checker).status_code == 200
    assert desk.db.scalar(select(func.count()).select_from(Event)) == before
    runs = desk.db.scalars(select(ExportRun).order_by(ExportRun.id)).all()
    assert [(r.format, r.count) for r in runs] == [
        ("claims.jsonl", 1),
        ("claims.csv", 1),
        ("claimreview", 1),
    ]
    detail = desk.get(claim["id"], checker)
    assert [r["format"] for r in detail["exports"]] == ["claimreview", "claims.csv", "claims.jsonl"]
    head = detail["events"][-1]["hash"]
    heads = desk.db.scalars(
        select(ExportedClaim.chain_head).where(ExportedClaim.run_id.in_([r.id for r in runs]))
    ).all()
    assert heads == [head] * 3


def test_events_are_paged(desk: Desk, users: Users) -> None:
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(editor)
    version = claim["version"]
    for n in range(120):  # 120 edits, each an event
        resp = desk.client.patch(
            f"/api/v1/claims/{claim['id']}",
            json={"tags": [f"t{n}"]},
            headers={**editor, "If-Match": f'"{version}"'},
        )
        version = resp.json["version"]
    detail = desk.get(claim["id"], editor)
    assert len(detail["events"]) == 100 and detail["events_next_cursor"] == "100"
    page = desk.client.get(
        f"/api/v1/claims/{claim['id']}/events?cursor=100&limit=100", headers=editor
    ).json
    assert [e["seq"] for e in page["events"]] == list(range(101, 122))
    assert page["next_cursor"] is None
    problem(desk.client.get(f"/api/v1/claims/{claim['id']}/events?cursor=x", headers=editor), 422)


# 9. Editors reopen claims that were closed -------------------------------------------------


def test_a_claim_closed_on_rejection_is_reopened_by_an_editor(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(checker)
    desk.corroborate(claim["id"])
    assert desk.propose(claim["id"], checker).status_code == 201
    rejected = desk.post(
        claim["id"], "verdict/reject", editor, {"note": "Out of scope.", "close": True}
    )
    assert rejected.status_code == 200
    assert desk.get(claim["id"], checker)["closed_as"] == "rejected"
    assert desk.client.post("/api/v1/queue/next", headers=checker).status_code == 204
    problem(desk.propose(claim["id"], checker), 409)
    problem(desk.post(claim["id"], "reopen", checker), 403)  # editors only

    reopened = desk.post(claim["id"], "reopen", editor, {"note": "Now in scope."})
    assert reopened.status_code == 200 and reopened.json["closed_as"] is None
    assert desk.client.post("/api/v1/queue/next", headers=checker).json["id"] == claim["id"]
    problem(desk.post(claim["id"], "reopen", editor), 409)  # not closed any more
    kinds = [e["kind"] for e in desk.get(claim["id"], checker)["events"]]
    assert "claim_closed" in kinds and "claim_reopened" in kinds


def test_withdrawing_keeps_the_claim_and_refuses_published_ones(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    mistake = desk.create_claim(checker)
    withdrawn = desk.post(mistake["id"], "withdraw", editor, {"note": "Entered twice."})
    assert withdrawn.status_code == 200 and withdrawn.json["closed_as"] == "withdrawn"
    assert desk.db.get(Claim, mistake["id"]) is not None
    published = desk.verified(checker, editor)
    assert "correct" in problem(desk.post(published["id"], "withdraw", editor), 409)["detail"]
    assert desk.db.get(Claim, published["id"]).state is ClaimState.CORROBORATED
