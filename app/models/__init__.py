"""Every table of claimdesk; importing this package registers them all on ``Base.metadata``."""

from app.models.claims import Claim
from app.models.documents import Document
from app.models.enums import (
    CapturePurpose,
    CaptureStatus,
    ClaimClosure,
    ClaimState,
    Role,
    SourceHealth,
    SpeakerKind,
    Stance,
    VerdictStatus,
)
from app.models.events import Event
from app.models.evidence import Evidence
from app.models.exports import ExportedClaim, ExportRun
from app.models.idempotency import IdempotencyRecord
from app.models.notes import Note
from app.models.outbox import OutboxMessage
from app.models.politeness import HostPoliteness, PolitenessSlot
from app.models.similarity import ClaimKey, ClaimSimilarity, MatchRelation, SimilarityStatus
from app.models.sources import Capture, Source
from app.models.users import ApiToken, User
from app.models.verdicts import Verdict

__all__ = [
    "ApiToken",
    "Capture",
    "CapturePurpose",
    "CaptureStatus",
    "Claim",
    "ClaimClosure",
    "ClaimKey",
    "ClaimSimilarity",
    "ClaimState",
    "Document",
    "Event",
    "Evidence",
    "ExportRun",
    "ExportedClaim",
    "HostPoliteness",
    "IdempotencyRecord",
    "MatchRelation",
    "Note",
    "OutboxMessage",
    "PolitenessSlot",
    "Role",
    "SimilarityStatus",
    "Source",
    "SourceHealth",
    "SpeakerKind",
    "Stance",
    "User",
    "Verdict",
    "VerdictStatus",
]
