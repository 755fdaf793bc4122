"""Streaming the evidence package to a reader while it is built.

``zipfile`` pushes bytes into a file; an HTTP response pulls them. The package is built in a
thread with its own app context and database session, writing into a bounded queue that the
response drains: nothing waits for the whole package, and memory holds a few chunks at most.
If the reader goes away, the builder stops at its next write.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import IO, cast

from flask import Flask

from app.exports import service

_Item = bytes | BaseException | None


class _Pipe:
    """A write-only file whose writes a reader takes from a bounded queue, in order."""

    def __init__(self, chunks: queue.Queue[_Item], gone: threading.Event) -> None:
        self.chunks = chunks
        self.gone = gone

    def write(self, data: bytes) -> int:
        while not self.gone.is_set():
            try:
                self.chunks.put(bytes(data), timeout=1)
                return len(data)
            except queue.Full:
                continue
        raise BrokenPipeError("the reader went away")

    def flush(self) -> None:
        pass


def stream_package(app: Flask, run_id: int, user_id: int | None) -> Iterator[bytes]:
    """The package of export run ``run_id`` as it is written (the run keeps its manifest's
    hash once the last byte is out)."""
    chunks: queue.Queue[_Item] = queue.Queue(maxsize=64)
    gone = threading.Event()

    def build() -> None:
        try:
            with app.app_context():
                service.package_to(cast(IO[bytes], _Pipe(chunks, gone)), run_id, actor_id=user_id)
            chunks.put(None)
        except BaseException as exc:  # handed to the reader, who raises it: nothing is lost
            if not gone.is_set():
                chunks.put(exc)

    threading.Thread(target=build, name=f"export-package-{run_id}", daemon=True).start()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        gone.set()
