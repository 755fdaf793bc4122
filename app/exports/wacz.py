"""A WACZ 1.1.1 of captures: their WARCs, a CDXJ index, a page list and the data package.

Layout (https://specs.webrecorder.net/wacz/1.1.1/)::

    archive/capture-<id>.warc.gz   each capture's WARC as stored (gzip per record), ZIP STORED
    indexes/index.cdxj             CDXJ of every response/revisit/resource record, sorted
    pages/pages.jsonl              a header line, then {id, url, ts, title} per capture
    datapackage.json               profile data-package, wacz_version 1.1.1, resources with
                                   path, sha256 hash and bytes; title, created, software
    datapackage-digest.json        the SHA-256 of datapackage.json

The index is made by Webrecorder's ``cdxj-indexer`` (the indexer of their own WACZ tools:
SURT keys, the fields ReplayWeb.page looks up); it sorts in memory up to a bound and merges
sorted runs from temporary files beyond it. Each WARC is read once: the bytes go to the zip
entry and, on the way, through the indexer, so no WARC is ever held whole in memory. The zip
can be written to an unseekable stream (ZipFile then writes data descriptors).

A page is the capture's response record for its final URL as the index has it (URL and
timestamp), so ReplayWeb.page finds every page in the index; ``capture-<id>`` is its id.

Public interface::

    WACZ_VERSION = "1.1.1"
    write_wacz(out, captures, *, title, description="", created=None) -> WaczSummary
    WaczSummary(resources, capture_ids, pages, index_lines, datapackage_sha256)
    Resource(name, path, hash, bytes)
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from typing import IO, Any, BinaryIO, cast

from cdxj_indexer.main import CDXJIndexer, SortingWriter
from warcio.timeutils import timestamp_to_iso_date

from app.exports.claimreview import isodatetime
from app.exports.records import CaptureBlob, page_id, warc_name

WACZ_VERSION = "1.1.1"
INDEX_PATH = "indexes/index.cdxj"
PAGES_PATH = "pages/pages.jsonl"
INDEXED_RECORDS = "response,revisit,resource"  # what replay serves; not request or metadata
CHUNK = 1 << 16
# Index lines sorted in memory before a sorted run goes to a temporary file.
SORT_BUFFER = 4 << 20


@cache
def software() -> str:
    return (
        f"claimdesk {version('claimdesk')} (warcio {version('warcio')}, "
        f"cdxj-indexer {version('cdxj-indexer')})"
    )


@dataclass(frozen=True)
class Resource:
    """One file of a data package, as datapackage.json lists it."""

    name: str
    path: str
    hash: str  # "sha256:<hex>"
    bytes: int

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "hash": self.hash, "bytes": self.bytes}


@dataclass(frozen=True)
class WaczSummary:
    resources: list[Resource]
    capture_ids: frozenset[int]  # the captures whose WARC is in archive/
    pages: int
    index_lines: int
    datapackage_sha256: str  # hex


class WaczError(Exception):
    """A capture's WARC could not be read as a WARC, or holds no response to replay."""


def write_wacz(
    out: IO[bytes] | io.RawIOBase,
    captures: Iterable[CaptureBlob],
    *,
    title: str,
    description: str = "",
    created: datetime | None = None,
) -> WaczSummary:
    """Write the WACZ of ``captures`` (each WARC read once, in order) to ``out``."""
    created = (created or datetime.now(UTC)).astimezone(UTC)
    stamp = created.timetuple()[:6]
    resources: list[Resource] = []
    written: set[int] = set()
    index_lines = 0
    indexer = CDXJIndexer(None, [], records=INDEXED_RECORDS)
    sorter = SortingWriter(None, SORT_BUFFER)
    with (
        zipfile.ZipFile(cast(IO[bytes], out), "w", allowZip64=True) as zf,
        tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+b") as pages,
    ):
        pages.write(_json_line({"format": "json-pages-1.0", "id": "pages", "title": title}))
        for blob in captures:
            if blob.capture_id in written:
                continue
            path = warc_name(blob.capture_id)
            info = zipfile.ZipInfo(path, stamp)
            info.compress_type = zipfile.ZIP_STORED  # gzip already; STORED keeps range reads
            info.file_size = blob.size  # lets zipfile choose ZIP64 up front for large WARCs
            lines = _IndexLines(sorter)
            with blob.open() as source, zf.open(info, "w") as raw:
                entry = HashingWriter(raw)
                tee = _Tee(source, entry)
                try:
                    indexer.process_one(tee, lines, path)
                except Exception as exc:  # warcio raises several kinds for a broken file
                    problem = f"capture {blob.capture_id}: {path} is not a WARC: {exc}"
                    raise WaczError(problem) from exc
                tee.drain()
            if not lines.responses:
                raise WaczError(f"capture {blob.capture_id}: {path} has no response record")
            resources.append(_resource(path, entry))
            written.add(blob.capture_id)
            index_lines += lines.count
            pages.write(_json_line(_page(blob, lines)))

        index_entry = _deflated(INDEX_PATH, stamp)
        with zf.open(index_entry, "w") as raw:
            entry = HashingWriter(raw)
            sorter.out = _Utf8(entry)  # chosen now: the index entry opens after the WARCs
            sorter.flush()
        resources.append(_resource(INDEX_PATH, entry))

        pages.seek(0)
        with zf.open(_deflated(PAGES_PATH, stamp), "w") as raw:
            entry = HashingWriter(raw)
            while chunk := pages.read(CHUNK):
                entry.write(chunk)
        resources.append(_resource(PAGES_PATH, entry))

        package: dict[str, Any] = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": title,
            **({"description": description} if description else {}),
            "created": isodatetime(created),
            "software": software(),
            "resources": [r.as_json() for r in resources],
        }
        package_bytes = json.dumps(package, indent=1, ensure_ascii=False).encode()
        package_sha = hashlib.sha256(package_bytes).hexdigest()
        zf.writestr(_deflated("datapackage.json", stamp), package_bytes)
        digest = {"path": "datapackage.json", "hash": f"sha256:{package_sha}"}
        zf.writestr(_deflated("datapackage-digest.json", stamp), json.dumps(digest, indent=1))
    return WaczSummary(
        resources=resources,
        capture_ids=frozenset(written),
        pages=len(written),
        index_lines=index_lines,
        datapackage_sha256=package_sha,
    )


class HashingWriter(io.RawIOBase):
    """Writes through to ``target``, counting bytes and hashing them (SHA-256).

    Has no ``tell``/``seek``, so a ZipFile written to it streams (data descriptors)."""

    def __init__(self, target: IO[bytes]) -> None:
        super().__init__()
        self._target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._target.write(view)
        self.sha256.update(view)
        self.size += len(view)
        return len(view)

    def flush(self) -> None:
        self._target.flush()


class _Utf8:
    """The text side of a HashingWriter, for the index sorter."""

    def __init__(self, target: HashingWriter) -> None:
        self._target = target

    def write(self, text: str) -> None:
        self._target.write(text.encode("utf-8"))

    def flush(self) -> None:
        pass


class _Tee:
    """A reader that copies every byte it reads from ``source`` into ``sink``."""

    def __init__(self, source: BinaryIO, sink: HashingWriter) -> None:
        self._source = source
        self._sink = sink

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size if size is not None and size >= 0 else CHUNK)
        if data:
            self._sink.write(data)
        return data

    def drain(self) -> None:
        """Copy whatever the indexer left unread (trailing bytes after the last record)."""
        while self.read(CHUNK):
            pass


@dataclass
class _IndexLines:
    """The output the indexer writes one capture's lines to: on to the sorter, keeping the
    (url, timestamp) of each response so the page can name the one replay will find."""

    sorter: Any
    responses: list[tuple[str, str]] = field(default_factory=list)
    count: int = 0

    def write(self, line: str) -> None:
        self.sorter.write(line)
        self.count += 1
        _key, timestamp, fields = line.split(" ", 2)
        entry = json.loads(fields)
        if entry.get("status"):
            self.responses.append((entry.get("url", ""), timestamp))


def _page(blob: CaptureBlob, lines: _IndexLines) -> dict[str, Any]:
    found = next((r for r in lines.responses if r[0] == blob.final_url), None) or next(
        iter(lines.responses), None
    )
    url, ts = (
        (found[0], timestamp_to_iso_date(found[1]))
        if found
        else (
            blob.final_url,
            isodatetime(blob.fetched_at),
        )
    )
    page: dict[str, Any] = {"id": page_id(blob.capture_id), "url": url, "ts": ts}
    if blob.title:
        page["title"] = blob.title
    return page


def _resource(path: str, entry: HashingWriter) -> Resource:
    name = path.rsplit("/", 1)[-1].lower()
    return Resource(name, path, f"sha256:{entry.sha256.hexdigest()}", entry.size)


def _deflated(path: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _json_line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode()
