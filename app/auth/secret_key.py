"""The development session key: random, made once per desk, kept beside its data.

A key from the source code would let anyone who has read it forge a session on any desk
started without SECRET_KEY. Instead the first start writes a fresh key to SECRET_KEY_FILE
(mode 0600) and later starts reuse it, so sessions survive a restart. Production never gets
here: it must set SECRET_KEY (see config.settings).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from pathlib import Path

from config import SettingsError

log = logging.getLogger(__name__)

MIN_LENGTH = 32


def _read(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise SettingsError(
            f"{path} holds no usable secret key; delete it and a new one is made at next start"
        )
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning(
            "secret key file is readable by others; chmod 600 it", extra={"path": str(path)}
        )
    return key


def development_secret(path_setting: str) -> str:
    """The key kept at ``path_setting``, created there (atomically, 0600) on first use."""
    path = Path(path_setting)
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write a private temporary file, then link it into place: a reader never sees a
    # half-written key, and when two processes start at once only the first link wins.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)
