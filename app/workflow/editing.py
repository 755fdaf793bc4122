"""Editing a claim's wording, speaker and tags, keeping every earlier version.

Public interface::

    EDITABLE                                      the fields an edit may change
    check_version(claim, expected, required=) -> None   Stale / VersionRequired
    changes_meaning(old_text, new_text) -> bool
    edit_claim(session, claim, user, changes, *, as_editor) -> Claim

Who may edit: the holder of the claim's lease, or an editor (SPEC §2).

History: each edit is an ``edited`` event whose ``before``/``after`` hold the changed fields,
so the audit trail is the revision history (newsrooms reword claims after creation).

Meaning: a rewording that keeps the same fact keeps an approved verdict standing; an edit
that changes the numbers, a negation, or most of the content words (the restatement rule of
app.ingest.similarity, at a stricter threshold than clustering), or changes the speaker,
marks the approved verdict stale and sends the claim back to the queue.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy.orm import Session

from app.errors import Forbidden, Stale, VersionRequired
from app.ingest.similarity import claim_key, similarity
from app.models import Claim, User
from app.outbox import CLUSTER_TASK, enqueue
from app.workflow import events
from app.workflow.leases import holds_lease
from app.workflow.staleness import mark_verdict_stale

EDITABLE = ("text", "speaker", "tags")
SAME_MEANING = 0.8  # similarity at or above which a rewording keeps the fact
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "cannot",
        "n't",
    ]
)
_WORD = re.compile(r"[0-9a-z]+(?:'[a-z]+)?")


def check_version(claim: Claim, expected: int | None, *, required: bool = False) -> None:
    """Stale when the client's version is not the claim's; VersionRequired when one is required
    but missing (an edit must never overwrite a change its author has not seen)."""
    if expected is None:
        if required:
            raise VersionRequired(
                f"Say which version of claim {claim.id} you are changing (it is now at "
                f"{claim.version}), so an edit never overwrites a change you have not seen.",
                current_version=claim.version,
            )
        return
    if expected != claim.version:
        raise Stale(
            f"Claim {claim.id} is at version {claim.version}, not {expected}: someone changed it "
            "since you loaded it. Reload it and reapply your change to the new version.",
            current_version=claim.version,
        )


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    return " ".join(_WORD.findall(text))


def _negations(text: str) -> frozenset[str]:
    return frozenset(w for w in _plain(text).split() if w in _NEGATIONS or w.endswith("n't"))


def changes_meaning(old: str, new: str) -> bool:
    """False for typo fixes and rewordings of the same fact; True otherwise."""
    if _plain(old) == _plain(new):
        return False
    if _negations(old) != _negations(new):
        return True
    return similarity(claim_key(old), claim_key(new)) < SAME_MEANING


def _same_speaker(old: str | None, new: str | None) -> bool:
    return _plain(old or "") == _plain(new or "")


def edit_claim(
    session: Session, claim: Claim, user: User, changes: dict[str, Any], *, as_editor: bool
) -> Claim:
    if not as_editor and not holds_lease(claim, user):
        raise Forbidden(
            f"Only the fact-checker holding claim {claim.id}'s lease, or an editor, may edit it. "
            "Take it with POST /api/v1/queue/next or ask an editor to assign it to you.",
        )
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field in EDITABLE:
        if field in changes and changes[field] != getattr(claim, field):
            before[field] = getattr(claim, field)
            after[field] = changes[field]
    if not after:
        return claim
    meaning = ("text" in after and changes_meaning(claim.text, after["text"])) or (
        "speaker" in after and not _same_speaker(claim.speaker, after["speaker"])
    )
    for field, value in after.items():
        setattr(claim, field, list(value) if field == "tags" else value)
    session.flush()  # bumps the version
    events.record(
        session,
        claim,
        "edited",
        actor=user,
        before=before,
        after=after,
        version=claim.version,
        meaning_changed=meaning,
    )
    if "text" in after:
        enqueue(session, CLUSTER_TASK, claim.id)  # the new wording may restate another
    if meaning:
        mark_verdict_stale(
            session,
            claim,
            f"the claim was edited (version {claim.version}) and its meaning changed",
            actor=user,
        )
    return claim
