"""Every setting claimdesk reads, with its default and a one-line description.

The defaults are the embedded mode: SQLite, a SQLite-backed Celery broker and archives on the
local disk under ``instance/``. ``python -m config`` prints the table the README shows.
"""

from __future__ import annotations

import math
import string
from collections import Counter
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# A production secret must carry at least this much entropy (32 random bytes).
MIN_SECRET_BITS = 256
MAKE_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"
_HEX = frozenset(string.hexdigits)
_BASE64 = frozenset(string.ascii_letters + string.digits + "+/=-_")


class SettingsError(RuntimeError):
    """Raised at startup when the configuration cannot work."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    ENV: Literal["development", "production", "test"] = Field(
        "development", description="`production` turns on the strict checks (SECRET_KEY required)."
    )
    SECRET_KEY: str = Field(
        "",
        description="Signs browser sessions and CSRF tokens. Required in production, with at "
        "least 32 random bytes (e.g. 64 hex digits); unset in development, a random key is "
        "kept in SECRET_KEY_FILE.",
    )
    SECRET_KEY_FILE: str = Field(
        "instance/secret_key",
        description="Development only: where the generated SECRET_KEY is kept (mode 0600).",
    )
    DATABASE_URL: str = Field(
        "sqlite:///instance/claimdesk.db",
        description="SQLAlchemy URL of the database (SQLite embedded, Postgres at scale).",
    )
    CELERY_BROKER_URL: str = Field(
        "sqla+sqlite:///instance/broker.db",
        description="Celery broker: `sqla+sqlite:///…` embedded, `redis://…` at scale.",
    )
    CELERY_RESULT_BACKEND: str = Field(
        "", description="Celery result backend; empty keeps no results (tasks write the DB)."
    )
    BROKER_VISIBILITY_TIMEOUT: int = Field(
        3600,
        description="Seconds before Redis redelivers an unacked task; above the longest task.",
    )
    ARCHIVE_STORAGE: str = Field(
        "file://instance/archive",
        description="Where WARCs and extracted text go: `file://DIR` or `s3://bucket/prefix`.",
    )
    FETCH_ALLOWED_HOSTS: str = Field(
        "", description="Comma-separated hosts/IPs exempt from the private-address check."
    )
    FETCH_CONNECT_TIMEOUT: float = Field(5.0, description="Seconds to open a connection.")
    FETCH_READ_TIMEOUT: float = Field(10.0, description="Seconds to wait for each read.")
    FETCH_DEADLINE: float = Field(30.0, description="Seconds allowed for a whole fetch.")
    FETCH_MAX_BYTES: int = Field(
        25 * 1024 * 1024, description="Largest body archived, counted after decompression."
    )
    FETCH_USER_AGENT: str = Field(
        "claimdesk/0.1 (+source archiving)", description="User-Agent sent when archiving."
    )
    ARCHIVE_MAX_ATTEMPTS: int = Field(5, description="Fetch attempts before a capture fails.")
    ARCHIVE_RETRY_BASE_SECONDS: float = Field(
        15.0, description="First retry delay of a transient fetch failure; doubles each time."
    )
    ARCHIVE_RETRY_MAX_SECONDS: float = Field(
        900.0, description="Longest retry delay, also the cap on a server's Retry-After."
    )
    ARCHIVE_SWEEP_SECONDS: float = Field(
        60.0, description="How often beat looks for captures that a dead worker left behind."
    )
    ARCHIVE_REUSE_SECONDS: int = Field(
        86400, description="A source archived more recently than this is not fetched again."
    )
    ARCHIVE_STUCK_SECONDS: int | None = Field(
        None,
        ge=1,
        description="A capture `fetching` for longer than this is handed out again "
        "(unset: FETCH_DEADLINE plus a processing margin of 30 s).",
    )
    RECHECK_INTERVAL_HOURS: float = Field(
        24.0, description="How often cited sources are re-fetched for rot and drift."
    )
    RECHECK_ROT_FAILURES: int = Field(
        3, description="Consecutive failed re-checks, spaced apart, before a source is rotted."
    )
    RECHECK_SCHEDULE_SECONDS: float = Field(
        60.0, gt=0, description="How often beat queues the re-checks that are due."
    )
    RECHECK_BATCH: int = Field(
        5000, ge=1, description="Most re-checks queued per round (a day of 100k needs ~70)."
    )
    RECHECK_HOST_CONCURRENCY: int = Field(
        2, ge=1, description="Most re-check fetches to one host at the same time."
    )
    RECHECK_HOST_MIN_DELAY: float = Field(
        1.0,
        ge=0,
        description="Seconds between the starts of two re-check fetches to one host (one "
        "host then gets at most 86,400 / this re-checks a day).",
    )
    RECHECK_RETRY_AFTER_MAX: float = Field(
        3600.0,
        ge=0,
        description="Longest a host's Retry-After (429/503) holds back its re-checks.",
    )
    CORROBORATION_MIN_SOURCES: int = Field(
        2, ge=1, description="Usable supporting sources from distinct publishers to corroborate."
    )
    RATING_SCALE: str = Field(
        "true=5,mostly-true=4,mixed=3,mostly-false=2,false=1,unverifiable=",
        description="Verdict ratings and their ClaimReview ratingValue (empty = no value).",
    )
    LEASE_MINUTES: int = Field(30, ge=1, description="How long a queue lease lasts.")
    INGEST_AUTO_SUBMIT_SCORE: float | None = Field(
        None, description="Candidates scoring at least this become claims at once (unset: never)."
    )
    INGEST_MIN_SCORE: float = Field(
        0.35, description="Sentences scoring below this are not offered as candidates."
    )
    IDEMPOTENCY_TTL_SECONDS: int = Field(
        86400, ge=1, description="How long an Idempotency-Key replays its first response."
    )
    SIGNIN_ACCOUNT_FAILURES: int = Field(
        5,
        ge=1,
        description="Failed sign-ins for one email within SIGNIN_WINDOW_SECONDS before 429.",
    )
    SIGNIN_ADDRESS_FAILURES: int = Field(
        20,
        ge=1,
        description="Failed sign-ins from one client address within SIGNIN_WINDOW_SECONDS "
        "before 429.",
    )
    SIGNIN_WINDOW_SECONDS: int = Field(
        900, ge=1, description="The moving window over which failed sign-ins are counted."
    )
    RATELIMIT_STORAGE_URL: str = Field(
        "",
        description="Where sign-in failures are counted: `memory://` (one process) or "
        "`redis://…`; unset: CELERY_BROKER_URL when that is Redis, else `memory://`.",
    )
    METRICS_TOKEN: str = Field(
        "",
        description="Bearer token Prometheus sends to read /metrics (an admin's API token "
        "works too); unset: admins only.",
    )
    MAX_CONTENT_LENGTH: int = Field(
        2 * 1024 * 1024, description="Largest request body accepted, in bytes."
    )
    OUTBOX_SWEEP_SECONDS: float = Field(
        10.0, description="How often beat re-sends tasks the web process could not send."
    )
    BEAT_SCHEDULE_FILE: str = Field(
        "instance/celerybeat-schedule", description="Where beat keeps its schedule state."
    )
    LOG_LEVEL: str = Field("INFO", description="Log level of the JSON logs.")
    PUBLISHER_NAME: str = Field(
        "claimdesk newsroom", description="The organisation named as author in ClaimReview."
    )
    PUBLISHER_URL: str = Field(
        "", description="The publishing organisation's URL in ClaimReview (default PUBLIC_URL)."
    )
    PUBLIC_URL: str = Field(
        "http://127.0.0.1:5000", description="Base URL printed by `claimdesk run` and in exports."
    )

    @field_validator("DATABASE_URL", "CELERY_BROKER_URL", "ARCHIVE_STORAGE")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @model_validator(mode="after")
    def _production_needs_strong_secrets(self) -> Settings:
        if self.ENV != "production":
            return self
        if not self.SECRET_KEY:
            raise ValueError(
                "SECRET_KEY is not set. In production it must be a long random value, e.g. "
                f"`{MAKE_SECRET}`."
            )
        for name in ("SECRET_KEY", "METRICS_TOKEN"):
            value: str = getattr(self, name)
            if not value:
                continue
            bits = secret_bits(value)
            if bits < MIN_SECRET_BITS:
                raise ValueError(
                    f"{name} is too weak for production (about {bits:.0f} bits of entropy, "
                    f"{MIN_SECRET_BITS} needed). Make one with `{MAKE_SECRET}`."
                )
        return self

    @property
    def ratelimit_storage_url(self) -> str:
        if self.RATELIMIT_STORAGE_URL:
            return self.RATELIMIT_STORAGE_URL
        if self.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            return self.CELERY_BROKER_URL
        return "memory://"

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset(
            h.strip().lower() for h in self.FETCH_ALLOWED_HOSTS.split(",") if h.strip()
        )

    @property
    def uses_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")


def secret_bits(value: str) -> float:
    """A cautious estimate of a secret's entropy, in bits.

    Each character is worth log2 of the smallest usual alphabet that holds the whole value
    (hex 16, base64 64, printable 95), so 64 hex digits count 256 bits. A value that repeats
    itself (few distinct characters, one character making up over a quarter of it, or many
    repeated three-character runs) counts only its distinct runs, so `xxxx…`, `abab…` or
    `0123456789` seven times never pass on length.
    """
    if not value:
        return 0.0
    chars = set(value)
    alphabet = 16 if chars <= _HEX else 64 if chars <= _BASE64 else 95
    per_char = math.log2(alphabet)
    runs = {value[i : i + 3] for i in range(len(value) - 2)}
    most_common = Counter(value).most_common(1)[0][1]
    repetitive = (
        len(chars) < 8
        or most_common > max(2, len(value) // 4)
        or len(runs) < 0.75 * (len(value) - 2)
    )
    if repetitive:
        return max(len(chars), len(runs)) * per_char
    return len(value) * per_char


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Read the environment, apply ``overrides`` on top, and fail clearly when it cannot work."""
    try:
        return Settings(**(overrides or {}))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"invalid configuration: {problems}") from None


def settings_table() -> str:
    """The Markdown table of every setting, for the README."""
    rows = ["| setting | default | description |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(unset)" if default in (None, "") else f"`{default}`"
        rows.append(f"| `{name}` | {shown} | {field.description} |")
    return "\n".join(rows)
