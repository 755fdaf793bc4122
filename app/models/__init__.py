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
    Stance,
    VerdictStatus,
)
from app.models.events import Event
from app.models.evidence import Evidence
from app.models.exports import ExportedClaim, ExportRun
from app.models.idempotency import IdempotencyRecord
from app.models.outbox import OutboxMessage
from app.models.politeness import HostPoliteness, PolitenessSlot
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
    "ClaimState",
    "Document",
    "Event",
    "Evidence",
    "ExportRun",
    "ExportedClaim",
    "HostPoliteness",
    "IdempotencyRecord",
    "OutboxMessage",
    "PolitenessSlot",
    "Role",
    "Source",
    "SourceHealth",
    "Stance",
    "User",
    "Verdict",
    "VerdictStatus",
]
