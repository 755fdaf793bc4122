"""Sign-in throttling: failed attempts counted per account and per client address.

Built on ``limits`` (the engine under Flask-Limiter), used directly because sign-in needs what
a per-route limit does not give: only failures count, the account key comes from the form,
and a breach answers with the sign-in page (429, ``Retry-After``) rather than a bare error.
Counts live in Redis at scale, so every web process shares them, and in memory embedded
(``claimdesk run`` serves from one process). Both use a moving window: five failures are
never followed by five more at a window's edge.

Unknown emails are counted like real ones, so the throttle does not tell which exist.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from config import Settings, SettingsError

log = logging.getLogger(__name__)

# Bound every call to a remote store: a slow Redis must not hang the sign-in page.
_REDIS_OPTIONS: dict[str, float | str | bool] = {"socket_timeout": 2, "socket_connect_timeout": 2}


@dataclass(frozen=True)
class _Limit:
    item: RateLimitItem
    kind: str  # "account" or "address"


class SignInThrottle:
    def __init__(self, storage: Storage, *, per_account: int, per_address: int, window: int):
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(storage)
        self.account = _Limit(RateLimitItemPerSecond(per_account, window, "signin"), "account")
        self.address = _Limit(RateLimitItemPerSecond(per_address, window, "signin"), "address")

    @classmethod
    def from_settings(cls, config: Settings) -> SignInThrottle:
        url = config.ratelimit_storage_url
        options = _REDIS_OPTIONS if url.startswith(("redis://", "rediss://")) else {}
        storage = storage_from_string(url, **options)
        if not isinstance(storage, Storage):
            raise SettingsError(f"RATELIMIT_STORAGE_URL {url!r} names an async storage")
        return cls(
            storage,
            per_account=config.SIGNIN_ACCOUNT_FAILURES,
            per_address=config.SIGNIN_ADDRESS_FAILURES,
            window=config.SIGNIN_WINDOW_SECONDS,
        )

    def _checks(self, email: str, address: str) -> list[tuple[_Limit, str]]:
        # Emails are hashed so the store holds no addresses in the clear.
        account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return [(self.account, account), (self.address, address or "unknown")]

    def retry_after(self, email: str, address: str) -> int | None:
        """Seconds until another attempt is allowed, or None if one is allowed now."""
        try:
            waits = [
                self.limiter.get_window_stats(limit.item, limit.kind, key).reset_time - time.time()
                for limit, key in self._checks(email, address)
                if not self.limiter.test(limit.item, limit.kind, key)
            ]
        except Exception:
            # The store is down: sign-in stays possible (passwords are still checked) rather
            # than locking every newsroom member out; the log says throttling is off.
            log.exception("sign-in throttle store unreachable; not throttling")
            return None
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, email: str, address: str) -> None:
        """Count one failed attempt against the account and the address."""
        try:
            for limit, key in self._checks(email, address):
                self.limiter.hit(limit.item, limit.kind, key)
        except Exception:
            log.exception("sign-in throttle store unreachable; failure not counted")
