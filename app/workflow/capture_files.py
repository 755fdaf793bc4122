"""The files behind an archived capture, for people to download: the WARC and the text.

Public interface::

    WarcFile(capture, size, handle)            an open binary handle; the caller closes it
    open_warc(capture) -> WarcFile              Conflict while the capture has no WARC
    extracted_text(capture) -> str              Conflict while the capture has no text
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from app.archive.storage import blob_store
from app.errors import Conflict
from app.models import Capture


@dataclass
class WarcFile:
    capture: Capture
    size: int
    handle: BinaryIO

    @property
    def filename(self) -> str:
        return f"capture-{self.capture.id}.warc.gz"


def open_warc(capture: Capture) -> WarcFile:
    if not capture.warc_key:
        raise Conflict(f"Capture {capture.id} is {capture.status.value}; it has no WARC yet.")
    store = blob_store()
    return WarcFile(capture, store.size(capture.warc_key), store.open(capture.warc_key))


def extracted_text(capture: Capture) -> str:
    if capture.text is None:
        raise Conflict(f"Capture {capture.id} is {capture.status.value}; it has no text yet.")
    return capture.text
