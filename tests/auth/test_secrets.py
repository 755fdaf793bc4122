"""No public development secret; no weak production secret (issue 13.6)."""

from __future__ import annotations

import secrets
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from app.auth.secret_key import development_secret
from config import SettingsError, load_settings


def _dev(config: dict[str, Any], key_file: Path) -> dict[str, Any]:
    return {**config, "ENV": "development", "SECRET_KEY": "", "SECRET_KEY_FILE": str(key_file)}


def test_development_key_is_random_private_and_kept(config: dict, tmp_path: Path) -> None:
    key_file = tmp_path / "instance" / "secret_key"
    first = create_app(_dev(config, key_file))
    key = first.config["SECRET_KEY"]
    assert len(key) == 64 and int(key, 16)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == key
    # The next start reuses it, so sessions survive a restart...
    assert create_app(_dev(config, key_file)).config["SECRET_KEY"] == key
    # ...and another desk gets its own.
    other = create_app(_dev(config, tmp_path / "other" / "secret_key")).config["SECRET_KEY"]
    assert other != key
    assert not list(key_file.parent.glob(".secret_key.*"))  # no temporary file left


def test_a_session_signed_by_another_desk_is_worthless(config: dict, tmp_path: Path) -> None:
    ours = create_app(_dev(config, tmp_path / "a"))
    theirs = create_app(_dev(config, tmp_path / "b"))
    forged = theirs.session_interface.get_signing_serializer(theirs)  # type: ignore[attr-defined]
    cookie = forged.dumps({"user_id": 1, "session_version": 1})
    client = ours.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/").status_code == 302  # to the sign-in page


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(development_secret(str(path)))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert path.read_text().strip() == keys[0]


def test_an_emptied_key_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("\n")
    with pytest.raises(SettingsError, match="delete it"):
        development_secret(str(path))


@pytest.mark.parametrize(
    "weak", ["x", "changeme", secrets.token_hex(16)[:31], "x" * 200, "ab" * 64, "0123456789" * 7]
)
def test_production_refuses_weak_secrets(weak: str) -> None:
    with pytest.raises(SettingsError, match="too weak") as err:
        load_settings({"ENV": "production", "SECRET_KEY": weak})
    assert "secrets.token_hex(32)" in str(err.value)


@pytest.mark.parametrize("strong", [secrets.token_hex(32), secrets.token_urlsafe(48)])
def test_production_accepts_random_secrets(strong: str) -> None:
    loaded = load_settings({"ENV": "production", "SECRET_KEY": strong})
    assert strong == loaded.SECRET_KEY


def test_production_refuses_a_weak_metrics_token() -> None:
    with pytest.raises(SettingsError, match="METRICS_TOKEN is too weak"):
        load_settings(
            {"ENV": "production", "SECRET_KEY": secrets.token_hex(32), "METRICS_TOKEN": "prom"}
        )


def test_no_secret_constant_in_the_source() -> None:
    import config.settings

    assert not hasattr(config.settings, "DEV_SECRET_KEY")
