from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.hostile import HostileServer


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer().start()
    yield server
    server.stop()


@pytest.fixture()
def web(hostile_server: HostileServer) -> HostileServer:
    hostile_server.reset()
    return hostile_server


@pytest.fixture()
def config(config: dict[str, Any]) -> dict[str, Any]:
    """Archiving settings sized for tests: short deadlines, quick retries."""
    return {
        **config,
        "FETCH_DEADLINE": 3.0,
        "FETCH_READ_TIMEOUT": 2.0,
        "FETCH_MAX_BYTES": 2 * 1024 * 1024,
        "ARCHIVE_MAX_ATTEMPTS": 4,
        "ARCHIVE_RETRY_BASE_SECONDS": 0.2,
        "ARCHIVE_RETRY_MAX_SECONDS": 5.0,
    }
