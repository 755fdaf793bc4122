"""The embedded broker (workers/transport.py): a publish wakes a waiting consumer, a lost
wake-up costs only the poll, a delivered message leaves the table, an unacknowledged one goes
back to the queue when its consumer stops, and the file runs in WAL mode."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection, Exchange, Queue

from workers import transport as broker
from workers.transport import Transport, wake_consumers, wake_directory

QUEUE = Queue("jobs", Exchange("jobs", type="direct"), routing_key="jobs")


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/broker.db"


@contextmanager
def connection(url: str) -> Iterator[Connection]:
    conn = Connection(url, transport=Transport)
    try:
        yield conn
    finally:
        conn.release()


def publish(url: str, body: dict[str, Any]) -> None:
    with connection(url) as conn:
        conn.Producer().publish(body, exchange=QUEUE.exchange, routing_key="jobs", declare=[QUEUE])


@contextmanager
def consuming(url: str, received: list[Any], *, ack: bool = True) -> Iterator[Connection]:
    def on_message(body: Any, message: Any) -> None:
        received.append(body)
        if ack:
            message.ack()

    with connection(url) as conn, conn.Consumer(QUEUE, callbacks=[on_message]):
        yield conn


def _rows(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return int(db.execute("SELECT count(*) FROM kombu_message").fetchone()[0])


def test_a_publish_wakes_a_waiting_consumer(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Polling alone would not look again within the drain's timeout: only the wake-up can
    # bring the message in.
    monkeypatch.setattr(Transport, "polling_interval", 3600.0)
    received: list[Any] = []
    publish(url, {"n": 0})  # creates the tables and the queue
    with consuming(url, received) as conn:
        conn.drain_events(timeout=10)  # takes n=0 at once
        started = threading.Event()

        def later() -> None:
            started.wait()
            publish(url, {"n": 1})

        thread = threading.Thread(target=later)
        thread.start()
        started.set()
        conn.drain_events(timeout=30)
        thread.join()
    assert received == [{"n": 0}, {"n": 1}]


def test_a_lost_wake_up_is_made_up_by_the_poll(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Transport, "polling_interval", 0.05)
    monkeypatch.setattr(broker, "wake_consumers", lambda directory: 0)  # every wake-up lost
    received: list[Any] = []
    publish(url, {"n": 0})
    with consuming(url, received) as conn:
        conn.drain_events(timeout=10)
        publish(url, {"n": 1})
        conn.drain_events(timeout=30)
    assert received == [{"n": 0}, {"n": 1}]


def test_delivered_messages_leave_the_table(url: str) -> None:
    for n in range(5):
        publish(url, {"n": n})
    assert _rows(url) == 5
    received: list[Any] = []
    with consuming(url, received) as conn:
        for _ in range(5):
            conn.drain_events(timeout=10)
    assert received == [{"n": n} for n in range(5)]  # oldest first
    assert _rows(url) == 0


def test_an_unacknowledged_message_goes_back_when_its_consumer_stops(url: str) -> None:
    publish(url, {"n": 1})
    taken: list[Any] = []
    with consuming(url, taken, ack=False) as conn:
        conn.drain_events(timeout=10)
    assert taken == [{"n": 1}]
    again: list[Any] = []
    with consuming(url, again) as conn:
        conn.drain_events(timeout=10)
    assert again == [{"n": 1}]
    assert _rows(url) == 0


def test_the_broker_file_runs_in_wal_mode(url: str) -> None:
    publish(url, {"n": 1})
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_waking_with_no_consumer_or_a_dead_one_is_harmless(url: str, tmp_path: Path) -> None:
    directory = wake_directory(url)
    assert len(str(directory / "0000000-00000000.sock")) < 100  # fits a socket address
    assert wake_directory(url) == directory  # every process of a desk finds the same one
    assert wake_consumers(tmp_path / "nobody-here") == 0
    import socket

    directory.mkdir(mode=0o700, exist_ok=True)
    dead = directory / "1-dead.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(dead))
    assert wake_consumers(directory) == 0  # nobody listens there any more
    assert not dead.exists()  # and the stale socket is cleared away
