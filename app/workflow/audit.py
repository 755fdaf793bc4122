"""The tamper-evident audit trail (SPEC §3 Event; issue: "verified" means verified).

Each claim's events form a hash chain: event ``seq`` n carries ``prev_hash`` (the hash of
event n-1, None for the first) and ``hash`` = SHA-256 of the canonical JSON of its content
and ``prev_hash``. Database triggers refuse UPDATE and DELETE on the table (migration
0003); the chain catches what the triggers cannot, such as a row edited with the triggers
dropped. ``verify_chains`` walks every chain and names the first event that does not match.

The canonical form is part of the stored data: changing it would break every chain, so it
carries a version (``"v": 1``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Event

CANONICAL_VERSION = 1


def plain_json(value: Any) -> Any:
    """``value`` as it reads back from a JSON column (tuples become lists, keys strings)."""
    return None if value is None else json.loads(json.dumps(value))


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(
    *,
    claim_id: int,
    seq: int,
    kind: str,
    actor_id: int | None,
    at: datetime,
    before: Any,
    after: Any,
    detail: Any,
    prev_hash: str | None,
) -> str:
    payload = {
        "v": CANONICAL_VERSION,
        "claim_id": claim_id,
        "seq": seq,
        "kind": kind,
        "actor_id": actor_id,
        "at": canonical_time(at),
        "before": before,
        "after": after,
        "detail": detail,
        "prev": prev_hash,
    }
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def hash_of(event: Event) -> str:
    """The hash ``event`` must carry, recomputed from what is stored."""
    return chain_hash(
        claim_id=event.claim_id,
        seq=event.seq,
        kind=event.kind,
        actor_id=event.actor_id,
        at=event.at,
        before=event.before,
        after=event.after,
        detail=event.detail,
        prev_hash=event.prev_hash,
    )


def head(session: Session, claim_id: int) -> tuple[int, str | None]:
    """The claim's last (seq, hash), or (0, None) before its first event."""
    row = session.execute(
        select(Event.seq, Event.hash)
        .where(Event.claim_id == claim_id)
        .order_by(Event.seq.desc())
        .limit(1)
    ).first()
    return (row.seq, row.hash) if row is not None else (0, None)


@dataclass(frozen=True)
class Mismatch:
    event_id: int | None
    claim_id: int
    seq: int
    problem: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "an event"
        return f"{where} (claim {self.claim_id}, #{self.seq}): {self.problem}"


def _walk(session: Session) -> Iterator[Event]:
    query = select(Event).order_by(Event.claim_id, Event.seq).execution_options(yield_per=2000)
    yield from session.scalars(query)


def verify_chains(session: Session) -> tuple[int, Mismatch | None]:
    """(events checked, the first mismatch or None), streaming the table once."""
    checked = 0
    claim_id: int | None = None
    expected_seq, prev = 1, None
    for event in _walk(session):
        if event.claim_id != claim_id:
            claim_id, expected_seq, prev = event.claim_id, 1, None
        checked += 1
        if event.seq != expected_seq:
            missing = f"#{expected_seq} is missing" if event.seq > expected_seq else "repeated"
            return checked, Mismatch(event.id, event.claim_id, event.seq, f"event {missing}")
        if event.prev_hash != prev:
            problem = "its prev_hash is not the hash of the event before it"
            return checked, Mismatch(event.id, event.claim_id, event.seq, problem)
        if hash_of(event) != event.hash:
            problem = "its content does not match its hash (the row was changed)"
            return checked, Mismatch(event.id, event.claim_id, event.seq, problem)
        expected_seq, prev = expected_seq + 1, event.hash
    return checked, None


def chain_heads(session: Session, claim_ids: list[int]) -> dict[int, str]:
    """The current head hash of each claim's chain (claims without events are left out)."""
    heads: dict[int, str] = {}
    for chunk_start in range(0, len(claim_ids), 1000):
        chunk = claim_ids[chunk_start : chunk_start + 1000]
        latest = (
            select(Event.claim_id, Event.hash)
            .where(Event.claim_id.in_(chunk))
            .order_by(Event.claim_id, Event.seq.desc())
        )
        for claim_id, digest in session.execute(latest):
            heads.setdefault(claim_id, digest)
    return heads
