"""The embedded broker: kombu's SQLAlchemy transport, made cheap to publish to and quick to wake.

The embedded desk's broker is a SQLite file that the worker polls. kombu's own transport costs
a user dearly on every citation, measured under the archiving benchmark:

- the file keeps SQLite's rollback journal with full sync, so each publish (inside the web
  request that cites a source) pays several fsyncs, ~19 ms, and every poll takes the write
  lock, so the worker and the web queue behind each other;
- a worker that finds nothing sleeps a whole polling interval before it looks again, so a
  citation waits for the next poll;
- delivered messages are kept forever (``visible = false``), so the table only grows.

Here the file runs in WAL mode with ``synchronous=NORMAL`` (a commit survives a crash of any
process; a power cut may take back the last commits, as for the app database: a capture whose
message is lost stays ``pending`` and the sweeper sends it again, since the database, not the
broker, says what is done); a poll reads without a lock and takes the write lock only when
there is a message to take; a delivered message is deleted (kombu's own transport never hands
a delivered message out again either, so nothing changes for a worker that dies holding one:
the sweeper re-sends its capture).

Wake-ups: every consumer binds a Unix datagram socket in a directory named after the broker
file; a publisher, once its message is committed, sends one byte to each socket there. A
consumer waits on its socket instead of sleeping, so a citation is picked up at once. A lost
wake-up (a full socket buffer, a platform without Unix sockets, a publisher on another host of
a shared file system) costs only latency: the consumer still polls every ``POLLING_INTERVAL``.

kombu hands every transport option of this transport to ``create_engine``, so the interval
cannot be passed as an option; it is a class attribute here instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import select
import socket
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

from kombu.transport import sqlalchemy as kombu_sqla
from kombu.utils.encoding import bytes_to_str
from kombu.utils.json import dumps, loads
from sqlalchemy import Engine, delete, event, text
from sqlalchemy import insert as sql_insert
from sqlalchemy import select as sql_select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

log = logging.getLogger(__name__)

# The fallback when a wake-up is lost; a wake-up normally ends the wait at once.
POLLING_INTERVAL = 0.5
_HAS_UNIX_DGRAM = hasattr(socket, "AF_UNIX")


def wake_directory(broker_url: str) -> Path:
    """Where the consumers of one broker file keep their sockets: short (a socket path is at
    most ~100 bytes), private to the user, the same for every process of the desk."""
    database = make_url(broker_url).database or broker_url
    digest = hashlib.sha256(os.path.abspath(database).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"claimdesk-wake-{os.getuid()}-{digest}"


class Waker:
    """The consumer's end: a socket that publishers write to; ``wait`` returns when one did."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sock: socket.socket | None = None

    def _bind(self) -> socket.socket | None:
        if self.sock is not None or not _HAS_UNIX_DGRAM:
            return self.sock
        try:
            self.directory.mkdir(mode=0o700, exist_ok=True)
            path = self.directory / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.sock"
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.bind(str(path))
            sock.setblocking(False)
        except OSError:
            log.warning("broker wake-ups unavailable; polling only", exc_info=True)
            return None
        self.sock, self.path = sock, path
        return sock

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, less if a publisher wakes this consumer."""
        sock = self._bind()
        if sock is None:
            time.sleep(seconds)
            return
        readable, _, _ = select.select([sock], [], [], seconds)
        if readable:
            with contextlib.suppress(OSError):
                while sock.recv(64):  # several publishes: one look at the queues serves all
                    pass

    def poke(self) -> None:
        """Wake this consumer from another thread (a task finished: a slot is free)."""
        if self.sock is not None:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
                sender.setblocking(False)
                with contextlib.suppress(OSError):
                    sender.sendto(b"!", str(self.path))

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.sock = None


def wake_consumers(directory: Path) -> int:
    """Tell every consumer of the broker that a message is waiting; how many were told.

    Never blocks and never raises: a lost wake-up only delays the message to the next poll.
    The socket of a consumer that is gone refuses the byte and is removed.
    """
    if not _HAS_UNIX_DGRAM:
        return 0
    told = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for entry in entries:
            if not entry.name.endswith(".sock"):
                continue
            try:
                sender.sendto(b"!", entry.path)
                told += 1
            except BlockingIOError:
                told += 1  # its buffer is full of wake-ups already
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
            except OSError:
                pass
    return told


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Channel(kombu_sqla.Channel):
    _queue_ids: dict[str, int]

    def __init__(self, connection: Any, **kwargs: Any) -> None:
        self._queue_ids = {}
        super().__init__(connection, **kwargs)

    def _engine_from_config(self) -> Engine:
        engine: Engine = super()._engine_from_config()
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _get_or_create(self, queue: str) -> Any:
        """kombu's, when two workers start at once and both create the queue's row: the
        loser finds the winner's row instead of dying on the unique name."""
        try:
            return super()._get_or_create(queue)  # type: ignore[misc]
        except IntegrityError:
            self.session.rollback()
            return super()._get_or_create(queue)  # type: ignore[misc]

    def _queue_id(self, queue: str) -> int:
        if queue not in self._queue_ids:
            self._queue_ids[queue] = int(self._get_or_create(queue).id)
        return self._queue_ids[queue]

    @property
    def _transport(self) -> Transport:
        transport = self.connection
        assert isinstance(transport, Transport)
        return transport

    def basic_ack(self, delivery_tag: Any, multiple: bool = False) -> None:
        super().basic_ack(delivery_tag, multiple=multiple)
        self._transport.task_done()

    def basic_reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        super().basic_reject(delivery_tag, requeue=requeue)
        self._transport.task_done()

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """kombu's, in one INSERT and its commit: the queue's id is remembered rather than
        read with every message (kombu queries the queue row, then flushes an ORM object;
        measured ~6 of the ~18 ms a citing request spent publishing on a busy machine)."""
        queue_id = self._queue_id(queue)
        session = self.session
        try:
            session.execute(
                sql_insert(self.message_cls).values(payload=dumps(payload), queue_id=queue_id)
            )
            session.commit()
        except OperationalError:
            # As kombu: the publish fails (and can be retried) rather than report a message
            # that was never stored.
            session.rollback()
            raise
        self._transport.wake(queue)

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        """The oldest message of ``queue``, deleted as it is handed out; Empty if none."""
        message = self.message_cls
        queue_id = self._queue_id(queue)
        session = self.session
        first = (
            sql_select(message.id, message.payload)
            .where(message.queue_id == queue_id, message.visible.is_(True))
            .order_by(message.sent_at, message.id)
            .limit(1)
        )
        try:
            # A lock-free look first (WAL readers never wait): an idle poll takes no lock.
            if session.execute(first).first() is None:
                raise Empty()
            if session.get_bind().dialect.name == "sqlite":
                session.commit()  # end the read, so the write lock is taken afresh
                session.execute(text("BEGIN IMMEDIATE"))
            else:
                first = first.with_for_update(skip_locked=True)
            row = session.execute(first).first()
            if row is None:  # another consumer took it
                raise Empty()
            session.execute(delete(message).where(message.id == row.id))
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return loads(bytes_to_str(row.payload))


class Transport(kombu_sqla.Transport):
    Channel = Channel
    polling_interval = POLLING_INTERVAL

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self._wake_dir = wake_directory(str(client.hostname))
        self._waker: Waker | None = None

    def wake(self, queue: str) -> None:
        wake_consumers(self._wake_dir)

    def task_done(self) -> None:
        """A worker with every prefetch slot taken waits in ``drain_events`` until a task
        settles; this ends that wait at once instead of at the next poll."""
        if self._waker is not None:
            self._waker.poke()

    def drain_events(self, connection: Any, timeout: float | None = None, **_: Any) -> None:
        """kombu's loop, waiting on the wake-up socket where kombu sleeps."""
        if self._waker is None:
            self._waker = Waker(self._wake_dir)
        assert self.cycle is not None
        started = time.monotonic()
        interval = self.polling_interval
        if timeout and interval > timeout:
            interval = timeout
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                if timeout is not None and time.monotonic() - started >= timeout:
                    raise TimeoutError() from None
                self._waker.wait(interval)

    def close_connection(self, connection: Any) -> None:
        if self._waker is not None:
            self._waker.close()
            self._waker = None
        super().close_connection(connection)


def broker_settings(url: str) -> dict[str, str | None]:
    """Celery's ``broker_url``/``broker_transport`` for a CELERY_BROKER_URL: ``sqla+...`` URLs
    go to this transport (kombu only takes an import path through ``broker_transport``)."""
    if url.startswith("sqla+"):
        return {"broker_url": url[len("sqla+") :], "broker_transport": f"{__name__}:Transport"}
    return {"broker_url": url, "broker_transport": None}
