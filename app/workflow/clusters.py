"""Duplicate clusters: suggestions a person confirms, and the rare pair that joins by itself.

Every restatement of a claim shares one ``cluster_id`` (the id of the cluster's first claim).
For each new or reworded claim the cluster task (``CLUSTER_TASK``) calls ``assign_cluster``:

1. the claim is indexed under its blocking keys (``claim_keys``: numbers and rare lemmas,
   ``app.ingest.matching.blocking_keys``);
2. the stored claims sharing the most key weight are shortlisted by the database, each key's
   lookup bounded (``KEY_POSTINGS``) and a key that fills its bound weighted down, so the
   work does not grow with the number of stored claims;
3. ``app.ingest.suggestions.rank`` compares the claim with the shortlist and the best few are
   stored as ``ClaimSimilarity`` suggestions (score, relation, reasons);
4. only a ``same`` match at or above ``AUTO_JOIN_SCORE`` joins the cluster without a person; a
   contradiction never does.

A person then ``confirm``s a suggestion (the two clusters join), ``reject``s it (the later
claim leaves the earlier one's cluster if it was in it) or ``undo``es either decision (the
claims go back to the clusters they had and the pair is a suggestion again). Every decision
is an event on both claims.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import (
    Float,
    String,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict, Invalid
from app.ingest.matching import (
    KEY_POSTINGS,
    RARE_POSTINGS,
    Match,
    blocking_keys,
    probe_keys,
    signature,
)
from app.ingest.suggestions import SHORTLIST, auto_joins, rank
from app.models import Claim, ClaimKey, ClaimSimilarity, MatchRelation, SimilarityStatus, User
from app.workflow import events

# ---- the index -------------------------------------------------------------------------


def index_claim(session: Session, claim: Claim) -> set[str]:
    """(Re)write ``claim``'s blocking keys; returns them."""
    keys = blocking_keys(claim.text)
    session.execute(delete(ClaimKey).where(ClaimKey.claim_id == claim.id))
    if keys:
        session.execute(insert(ClaimKey), [{"key": k, "claim_id": claim.id} for k in keys])
    return keys


def shortlisted(session: Session, claim: Claim, limit: int = SHORTLIST) -> list[int]:
    """Ids of the stored claims sharing the most key weight with ``claim`` (not itself).

    One statement: each probe key reads at most its newest ``KEY_POSTINGS`` claims, and its
    weight falls with how many it has (``selective``: in full up to ``RARE_POSTINGS``)."""
    probes = probe_keys(claim.text)
    if not probes:
        return []
    arms = []
    for key, weight in probes.items():
        newest = (
            select(ClaimKey.claim_id)
            .where(ClaimKey.key == key, ClaimKey.claim_id != claim.id)
            .order_by(ClaimKey.claim_id.desc())
            .limit(KEY_POSTINGS)
            .subquery()
        )
        arms.append(
            select(
                newest.c.claim_id,
                cast(literal(key), String).label("key"),
                cast(literal(weight), Float).label("weight"),
            )
        )
    hits = union_all(*arms).cte("hits")
    counts = select(hits.c.key, func.count().label("n")).group_by(hits.c.key).cte("counts")
    factor = case(
        (counts.c.n <= RARE_POSTINGS, 1.0),
        else_=cast(literal(RARE_POSTINGS), Float) / counts.c.n,
    )
    total = func.sum(hits.c.weight * factor).label("total")
    rows = session.execute(
        select(hits.c.claim_id, total)
        .join(counts, counts.c.key == hits.c.key)
        .group_by(hits.c.claim_id)
        .order_by(total.desc(), hits.c.claim_id.desc())
        .limit(limit)
    )
    return [row.claim_id for row in rows]


def naive_candidates(session: Session, claim: Claim) -> list[int]:
    """Every other stored claim: the baseline ``bench/ingest.py`` compares the index with."""
    return list(session.scalars(select(Claim.id).where(Claim.id != claim.id)))


# ---- suggestions ---------------------------------------------------------------------------


def _pair(session: Session, a: int, b: int) -> ClaimSimilarity | None:
    later, earlier = max(a, b), min(a, b)
    return session.scalar(
        select(ClaimSimilarity).where(
            ClaimSimilarity.claim_id == later, ClaimSimilarity.other_id == earlier
        )
    )


def rank_for(session: Session, claim: Claim, ids: Sequence[int]) -> list[tuple[int, Match]]:
    texts = session.execute(select(Claim.id, Claim.text).where(Claim.id.in_(ids))).all()
    return rank(signature(claim.text), [(row.id, signature(row.text)) for row in texts])


def suggest(session: Session, claim: Claim) -> list[tuple[ClaimSimilarity, Match]]:
    """Index ``claim``, rank its shortlist and store the best as suggestions, best first.

    Decided pairs keep their decision (their score and reasons are refreshed); suggestions
    the claim no longer earns (its text changed) are dropped.
    """
    index_claim(session, claim)
    ranked = rank_for(session, claim, shortlisted(session, claim))
    stored = {
        (row.claim_id, row.other_id): row
        for row in session.scalars(
            select(ClaimSimilarity).where(
                or_(ClaimSimilarity.claim_id == claim.id, ClaimSimilarity.other_id == claim.id)
            )
        )
    }
    kept: list[tuple[ClaimSimilarity, Match]] = []
    for other_id, match in ranked:
        row = stored.get((max(claim.id, other_id), min(claim.id, other_id)))
        if row is None:
            row = ClaimSimilarity(
                claim_id=max(claim.id, other_id),
                other_id=min(claim.id, other_id),
                status=SimilarityStatus.SUGGESTED,
            )
            session.add(row)
        row.score = match.score
        row.relation = MatchRelation(match.relation)
        row.reasons = list(match.reasons)
        kept.append((row, match))
    session.flush()  # new rows get their ids before the stale ones are cleared
    keep_ids = [row.id for row, _ in kept]
    session.execute(
        delete(ClaimSimilarity)
        .where(
            or_(ClaimSimilarity.claim_id == claim.id, ClaimSimilarity.other_id == claim.id),
            ClaimSimilarity.status == SimilarityStatus.SUGGESTED,
            ClaimSimilarity.id.not_in(keep_ids),
        )
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return kept


def similar(session: Session, claim: Claim) -> list[tuple[int, ClaimSimilarity]]:
    """(other claim id, pair) for every stored pair involving ``claim``, best score first."""
    rows = session.scalars(
        select(ClaimSimilarity)
        .where(or_(ClaimSimilarity.claim_id == claim.id, ClaimSimilarity.other_id == claim.id))
        .order_by(ClaimSimilarity.score.desc(), ClaimSimilarity.id)
    )
    return [(r.other_id if r.claim_id == claim.id else r.claim_id, r) for r in rows]


# ---- clusters ------------------------------------------------------------------------------


def _cluster(claim: Claim) -> int:
    return claim.cluster_id or claim.id


def cluster_size(session: Session, cluster_id: int) -> int:
    return session.scalar(select(func.count()).where(Claim.cluster_id == cluster_id)) or 0


def _refresh_priority(session: Session, cluster_id: int) -> None:
    """Bigger clusters rank higher: every member's priority reflects the cluster's size."""
    size = cluster_size(session, cluster_id)
    session.execute(
        update(Claim)
        .where(Claim.cluster_id == cluster_id)
        .values(priority=Claim.checkworthiness + 0.1 * max(0, size - 1))
        .execution_options(synchronize_session=False)
    )


def _join(session: Session, a: Claim, b: Claim) -> dict[str, int]:
    """Merge the clusters of ``a`` and ``b`` into the older one; {moved claim id: old cluster}."""
    first, second = sorted((_cluster(a), _cluster(b)))
    if first == second:
        return {}
    members = session.scalars(
        select(Claim).where(or_(Claim.cluster_id == second, Claim.id == second))
    ).all()
    moved = {str(m.id): _cluster(m) for m in members if _cluster(m) != first}
    for member in members:
        member.cluster_id = first
    session.flush()
    _refresh_priority(session, first)
    return moved


def _restore(session: Session, moved: dict[str, int]) -> None:
    touched: set[int] = set()
    for claim_id, cluster_id in moved.items():
        member = session.get(Claim, int(claim_id))
        if member is None:
            continue
        touched |= {_cluster(member), cluster_id}
        member.cluster_id = cluster_id
    session.flush()
    for cluster_id in touched:
        _refresh_priority(session, cluster_id)


def _record(
    session: Session,
    kind: str,
    pair: ClaimSimilarity,
    actor: User | None,
    before: Mapping[str, int],
    **detail: object,
) -> None:
    for claim, other in ((pair.claim, pair.other), (pair.other, pair.claim)):
        events.record(
            session,
            claim,
            kind,
            actor=actor,
            before={"cluster_id": before.get(str(claim.id), _cluster(claim))},
            after={"cluster_id": _cluster(claim)},
            other_id=other.id,
            score=pair.score,
            relation=pair.relation.value,
            **detail,
        )


def assign_cluster(session: Session, claim_id: int) -> None:
    """The cluster task: suggestions for the claim, and the auto-join when one is certain.

    Idempotent: a second run finds the same suggestions and the claim already joined.
    """
    claim = session.get(Claim, claim_id)
    if claim is None:
        return
    if claim.cluster_id is None:
        claim.cluster_id = claim.id
    kept = suggest(session, claim)
    for other_id, _ in auto_joins([(o, m) for o, m in _ranked(claim, kept)]):
        pair = _pair(session, claim.id, other_id)
        if pair is None or pair.status != SimilarityStatus.SUGGESTED:
            continue  # a person has decided this pair; leave it as they left it
        other = session.get(Claim, other_id)
        if other is None or _cluster(other) == _cluster(claim):
            continue
        before = {str(claim.id): _cluster(claim), str(other.id): _cluster(other)}
        moved = _join(session, claim, other)
        pair.status, pair.auto, pair.moved = SimilarityStatus.CONFIRMED, True, moved
        pair.decided_at = utcnow()
        _record(session, "clustered", pair, None, before, auto=True, restates=other.id)
    session.flush()
    _refresh_priority(session, _cluster(claim))


def _ranked(claim: Claim, kept: list[tuple[ClaimSimilarity, Match]]) -> list[tuple[int, Match]]:
    return [
        (row.other_id if row.claim_id == claim.id else row.claim_id, match) for row, match in kept
    ]


def _decidable(session: Session, claim: Claim, other: Claim) -> ClaimSimilarity:
    pair = _pair(session, claim.id, other.id)
    if pair is None:
        raise Conflict(
            f"Claims {claim.id} and {other.id} are not a suggested restatement pair; "
            f"GET /api/v1/claims/{claim.id}/similar lists the pairs that are."
        )
    return pair


def confirm(session: Session, claim: Claim, other: Claim, actor: User) -> ClaimSimilarity:
    """A person says the two claims state one fact: their clusters join (the older id wins)."""
    pair = _decidable(session, claim, other)
    if pair.status == SimilarityStatus.CONFIRMED:
        return pair  # said twice is said once
    before = {str(claim.id): _cluster(claim), str(other.id): _cluster(other)}
    pair.moved = _join(session, claim, other)
    pair.status, pair.auto = SimilarityStatus.CONFIRMED, False
    pair.decided_by, pair.decided_at = actor, utcnow()
    _record(session, "similarity_confirmed", pair, actor, before)
    session.flush()
    return pair


def reject(session: Session, claim: Claim, other: Claim, actor: User) -> ClaimSimilarity:
    """A person says the two claims are different facts: the later one leaves the earlier
    one's cluster if it is in it (an auto-join or an earlier confirmation is reversed)."""
    pair = _decidable(session, claim, other)
    if pair.status == SimilarityStatus.REJECTED:
        return pair
    before = {str(claim.id): _cluster(claim), str(other.id): _cluster(other)}
    moved: dict[str, int] = {}
    later = pair.claim
    if _cluster(pair.claim) == _cluster(pair.other):
        # The earlier claim's cluster is rooted at or before it, so nothing hangs off the later.
        moved[str(later.id)] = _cluster(later)
        later.cluster_id = later.id
        session.flush()
        _refresh_priority(session, later.id)
        _refresh_priority(session, _cluster(pair.other))
    pair.status, pair.auto, pair.moved = SimilarityStatus.REJECTED, False, moved
    pair.decided_by, pair.decided_at = actor, utcnow()
    _record(session, "similarity_rejected", pair, actor, before)
    session.flush()
    return pair


def undo(session: Session, claim: Claim, other: Claim, actor: User) -> ClaimSimilarity:
    """Take back the last decision on a pair: the claims it moved go back to the clusters
    they had, and the pair is a suggestion again."""
    pair = _decidable(session, claim, other)
    if pair.status == SimilarityStatus.SUGGESTED:
        raise Conflict(f"Nobody has confirmed or rejected claims {claim.id} and {other.id} yet.")
    before = {str(claim.id): _cluster(claim), str(other.id): _cluster(other)}
    decision = pair.status.value
    _restore(session, pair.moved or {})
    pair.status, pair.auto, pair.moved = SimilarityStatus.SUGGESTED, False, None
    pair.decided_by, pair.decided_at = None, None
    _record(session, "similarity_undone", pair, actor, before, undone=decision)
    session.flush()
    return pair


_DECISIONS = {"confirm": confirm, "reject": reject, "undo": undo}


def decide(
    session: Session, claim: Claim, other: Claim, decision: str, actor: User
) -> ClaimSimilarity:
    """A person's ``confirm``, ``reject`` or ``undo`` on a suggested pair (API and pages)."""
    action = _DECISIONS.get(decision)
    if action is None:
        raise Invalid(
            f"decision: choose one of {', '.join(_DECISIONS)}, not {decision!r}.",
            field="decision",
        )
    return action(session, claim, other, actor)
