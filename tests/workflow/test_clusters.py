"""Suggestions stored from the blocking-key index; confirm, reject and undo move clusters."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.models import Claim, ClaimKey, ClaimSimilarity, Event, Role, SimilarityStatus
from app.workflow import clusters
from app.workflow.claims import NewClaim, create_claim
from tests import factories
from tests.factories import matched_claims

SCHOOLS = "The ministry says 40 schools in the Riverton region were rebuilt last year."
# alike enough to suggest, not enough to join without a person
RESTATED = "Riverton has rebuilt forty of its flooded schools, officials told parents on Monday."
NEGATED = "The 40 schools in the Riverton region were not rebuilt, parents say."
STRONG = "Forty Riverton schools have been rebuilt since last year, according to the ministry."
OTHER = "Kestrany will release 40 Valdorian fishermen detained since August."
UNRELATED = "The herring quota was raised by 18% after scientists reported a recovery."


def _kinds(db: Session, claim: Claim) -> list[str]:
    return list(db.scalars(select(Event.kind).where(Event.claim_id == claim.id)))


def test_new_claim_is_indexed_under_its_keys(app: Flask, db: Session) -> None:
    (claim,) = matched_claims(db, SCHOOLS)
    keys = set(db.scalars(select(ClaimKey.key).where(ClaimKey.claim_id == claim.id)))
    assert keys == clusters.blocking_keys(SCHOOLS)
    claim.text = UNRELATED
    clusters.index_claim(db, claim)
    keys = set(db.scalars(select(ClaimKey.key).where(ClaimKey.claim_id == claim.id)))
    assert "n:count:40" not in keys and "n:percent:18" in keys


def test_suggestions_best_first_and_contradictions_kept(app: Flask, db: Session) -> None:
    first, negated, _other, unrelated, new = matched_claims(
        db, SCHOOLS, NEGATED, OTHER, UNRELATED, STRONG
    )
    listed = clusters.similar(db, new)
    ids = [other_id for other_id, _ in listed]
    assert ids[0] == first.id
    assert negated.id in ids and unrelated.id not in ids
    by_id = dict(listed)
    assert by_id[negated.id].relation.value == "contradicts"
    assert by_id[negated.id].status == SimilarityStatus.SUGGESTED
    assert negated.cluster_id == negated.id
    assert by_id[first.id].reasons and by_id[first.id].score > by_id[negated.id].score
    # the pair is listed from both sides, stored once (later claim first)
    assert any(o == new.id for o, _ in clusters.similar(db, first))
    pair = by_id[first.id]
    assert (pair.claim_id, pair.other_id) == (new.id, first.id)


def test_a_confident_restatement_joins_and_a_contradiction_never_does(
    app: Flask, db: Session
) -> None:
    first, same, negated = matched_claims(db, SCHOOLS, SCHOOLS.replace("40", "forty"), NEGATED)
    assert same.cluster_id == first.id
    pair = dict(clusters.similar(db, same))[first.id]
    assert pair.status == SimilarityStatus.CONFIRMED and pair.auto
    assert "clustered" in _kinds(db, same)
    assert negated.cluster_id == negated.id
    db.refresh(first)
    assert first.priority > first.checkworthiness  # a cluster of two ranks higher
    clusters.assign_cluster(db, same.id)  # the task again: nothing changes
    assert same.cluster_id == first.id
    assert db.scalar(select(func.count()).select_from(ClaimSimilarity)) == len(
        {p.id for c in (first, same, negated) for _, p in clusters.similar(db, c)}
    )


def test_confirm_joins_reject_separates_undo_restores(app: Flask, db: Session) -> None:
    user = factories.UserFactory(role=Role.FACT_CHECKER)
    first, new = matched_claims(db, SCHOOLS, RESTATED)
    assert new.cluster_id == new.id  # a suggestion, not an automatic join
    pair = clusters.confirm(db, new, first, user)
    assert pair.status == SimilarityStatus.CONFIRMED and pair.decided_by_id == user.id
    assert new.cluster_id == first.id
    assert "similarity_confirmed" in _kinds(db, new) and "similarity_confirmed" in _kinds(db, first)
    assert clusters.confirm(db, first, new, user).status == SimilarityStatus.CONFIRMED

    clusters.undo(db, first, new, user)
    assert new.cluster_id == new.id and pair.status == SimilarityStatus.SUGGESTED
    assert pair.decided_by_id is None

    clusters.confirm(db, new, first, user)
    clusters.reject(db, new, first, user)  # the opposite call reverses the join
    assert new.cluster_id == new.id and pair.status == SimilarityStatus.REJECTED
    clusters.undo(db, new, first, user)
    assert new.cluster_id == first.id  # back to how the rejection found it
    assert "similarity_undone" in _kinds(db, new)


def test_confirm_merges_whole_clusters_into_the_oldest(app: Flask, db: Session) -> None:
    user = factories.UserFactory(role=Role.FACT_CHECKER)
    a, b, c = matched_claims(db, SCHOOLS, SCHOOLS.replace("40", "forty"), RESTATED)
    assert b.cluster_id == a.id and c.cluster_id == c.id
    clusters.confirm(db, c, a, user)
    assert {a.cluster_id, b.cluster_id, c.cluster_id} == {a.id}


def test_decisions_need_a_stored_pair(app: Flask, db: Session) -> None:
    user = factories.UserFactory(role=Role.FACT_CHECKER)
    first, unrelated = matched_claims(db, SCHOOLS, UNRELATED)
    for decide in (clusters.confirm, clusters.reject, clusters.undo):
        with pytest.raises(Conflict, match="not a suggested"):
            decide(db, first, unrelated, user)
    new = matched_claims(db, RESTATED)[0]
    with pytest.raises(Conflict, match="Nobody has"):
        clusters.undo(db, new, first, user)


def test_shortlist_reads_only_claims_sharing_keys(app: Flask, db: Session) -> None:
    claims = matched_claims(db, SCHOOLS, UNRELATED, OTHER)
    new = create_claim(db, NewClaim(text=RESTATED), actor=None)
    db.flush()
    clusters.index_claim(db, new)
    found = clusters.shortlisted(db, new)
    assert claims[0].id in found and claims[1].id not in found
    assert new.id not in found
    assert set(clusters.naive_candidates(db, new)) == {c.id for c in claims}


def test_a_common_key_cannot_crowd_out_an_older_claim_with_a_rare_one(
    app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clusters, "KEY_POSTINGS", 10)
    monkeypatch.setattr(clusters, "RARE_POSTINGS", 1)
    old = matched_claims(db, "The Halbury reservoir council counted 4,213 herons on the marsh.")[0]
    newer = [
        f"The Halbury reservoir council counted herons on the marsh in {y}." for y in range(12)
    ]
    matched_claims(db, *newer)
    new = create_claim(
        db, NewClaim(text="Halbury's reservoir council counted 4,213 marsh herons."), actor=None
    )
    db.flush()
    # every word key of the new claim is under 10+ stored claims: read in part, worth a tenth
    assert clusters.shortlisted(db, new, limit=1) == [old.id]
    monkeypatch.setattr(clusters, "RARE_POSTINGS", 100)  # without the rule ...
    assert clusters.shortlisted(db, new, limit=1) != [old.id]  # ... the newest crowd it out
