"""The evidence package: a zip of the exported set, the WACZ of its captures, a manifest.

Contents (in this order in the zip)::

    evidence.wacz        WACZ 1.1.1 of every capture given (STORED, so it can be range-read)
    evidence.jsonl       one row per evidence item; ``warc_path`` names its WARC in the WACZ
    evidence.csv
    claims.jsonl         one row per claim with its current verdict
    claims.csv
    claimreview.jsonld   the schema.org DataFeed of the claims' ClaimReview
    manifest.json        written last: every file with its size and SHA-256, the filters, who
                         exported and when, the counts, and the audit chain heads covered

A pure builder: no database and no Flask. Each input iterable is read once and nothing is
held whole: every file streams into the zip, and the files made from the same pass (the CSV
and ClaimReview next to the JSON Lines) are spooled to temporary files and copied in after.
``out`` may be unseekable (an HTTP response body): ZipFile then writes data descriptors.

Public interface::

    write_package(out, *, claims, evidence, captures, claimreview_org, meta) -> Manifest
    ExportMeta(exported_by, filters, audit_chain_heads, created=None, title=...)
    Manifest(files, counts, sha256, data)
    ManifestFile(path, bytes, sha256)
    MANIFEST, WACZ_NAME, FORMAT
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from app.exports.claimreview import DataFeedWriter, isodatetime
from app.exports.csvsafe import CsvWriter
from app.exports.formats import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    claim_csv_row,
    claim_row,
    evidence_row,
    json_line,
)
from app.exports.records import (
    CaptureBlob,
    ClaimRecord,
    EvidenceRecord,
    Person,
    Publisher,
    warc_name,
)
from app.exports.wacz import CHUNK, WACZ_VERSION, HashingWriter, software, write_wacz

MANIFEST = "manifest.json"
WACZ_NAME = "evidence.wacz"
FORMAT = "claimdesk-evidence-package/1"


@dataclass(frozen=True)
class ExportMeta:
    """What the manifest says of the export itself."""

    exported_by: Person
    filters: Mapping[str, Any]  # as the caller applied them; JSON-serialisable
    audit_chain_heads: Mapping[int, str]  # claim id -> hash of the newest audit event
    created: datetime | None = None  # default: now
    title: str = "Evidence package"


@dataclass(frozen=True)
class ManifestFile:
    path: str
    bytes: int
    sha256: str  # hex


@dataclass(frozen=True)
class Manifest:
    files: list[ManifestFile]
    counts: dict[str, int]
    sha256: str  # of manifest.json as written (for the export record)
    data: dict[str, Any] = field(repr=False)  # manifest.json's content


def write_package(
    out: IO[bytes],
    *,
    claims: Iterable[ClaimRecord],
    evidence: Iterable[EvidenceRecord],
    captures: Iterable[CaptureBlob],
    claimreview_org: Publisher,
    meta: ExportMeta,
) -> Manifest:
    created = (meta.created or datetime.now(UTC)).astimezone(UTC)
    stamp = created.timetuple()[:6]
    files: list[ManifestFile] = []
    counts = {"claims": 0, "evidence": 0, "captures": 0, "evidence_without_capture": 0}

    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:

        def add(path: str, chunks: Iterable[bytes]) -> None:
            info = zipfile.ZipInfo(path, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Sizes are unknown up front: ZIP64 headers let any file pass 4 GiB.
            with zf.open(info, "w", force_zip64=True) as raw:
                entry = HashingWriter(raw)
                for chunk in _batched(chunks):
                    entry.write(chunk)
            files.append(ManifestFile(path, entry.size, entry.sha256.hexdigest()))

        # The WACZ first: the evidence rows then name only WARCs that are really there.
        info = zipfile.ZipInfo(WACZ_NAME, stamp)
        info.compress_type = zipfile.ZIP_STORED  # its WARCs are gzip; STORED keeps offsets
        with zf.open(info, "w", force_zip64=True) as raw:
            entry = HashingWriter(raw)
            wacz = write_wacz(
                entry,
                captures,
                title=meta.title,
                description=(
                    "The archived copies of the sources cited in evidence.jsonl: one WARC per "
                    "capture, archive/capture-<id>.warc.gz."
                ),
                created=created,
            )
        files.append(ManifestFile(WACZ_NAME, entry.size, entry.sha256.hexdigest()))
        counts["captures"] = len(wacz.capture_ids)

        evidence_csv = CsvWriter(EVIDENCE_FIELDS)
        with _Spool() as csv_spool:

            def evidence_lines() -> Iterator[str]:
                csv_spool.write(evidence_csv.header())
                for record in evidence:
                    counts["evidence"] += 1
                    cid = record.capture_id
                    if cid is not None and cid in wacz.capture_ids:
                        record = dataclasses.replace(record, warc_path=warc_name(cid))
                    else:
                        counts["evidence_without_capture"] += 1
                    row = evidence_row(record)
                    csv_spool.write(evidence_csv.row(row))
                    yield json_line(row)

            add("evidence.jsonl", _encoded(evidence_lines()))
            add("evidence.csv", csv_spool.chunks())

        claims_csv = CsvWriter(CLAIM_FIELDS)
        feed = DataFeedWriter(claimreview_org, created)
        with _Spool() as csv_spool, _Spool() as feed_spool:

            def claim_lines() -> Iterator[str]:
                csv_spool.write(claims_csv.header())
                feed_spool.write(feed.head())
                for record in claims:
                    counts["claims"] += 1
                    csv_spool.write(claims_csv.row(claim_csv_row(record)))
                    feed_spool.write(feed.item(record))
                    yield json_line(claim_row(record))
                feed_spool.write(feed.tail())

            add("claims.jsonl", _encoded(claim_lines()))
            add("claims.csv", csv_spool.chunks())
            add("claimreview.jsonld", feed_spool.chunks())

        data: dict[str, Any] = {
            "format": FORMAT,
            "title": meta.title,
            "created": isodatetime(created),
            "software": software(),
            "exported_by": {"email": meta.exported_by.email, "name": meta.exported_by.name},
            "filters": dict(meta.filters),
            "counts": counts,
            "wacz": {
                "path": WACZ_NAME,
                "wacz_version": WACZ_VERSION,
                "datapackage_sha256": wacz.datapackage_sha256,
            },
            "audit_chain_heads": {str(k): v for k, v in sorted(meta.audit_chain_heads.items())},
            "files": [{"path": f.path, "bytes": f.bytes, "sha256": f.sha256} for f in files],
        }
        body = (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()
        manifest_info = zipfile.ZipInfo(MANIFEST, stamp)
        manifest_info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(manifest_info, body)
    return Manifest(files, counts, hashlib.sha256(body).hexdigest(), data)


class _Spool:
    """Text written now, read back as UTF-8 chunks later: in memory up to 1 MiB, then a
    temporary file, so a file made alongside another costs disk, not memory."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+b")  # noqa: SIM115

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, text: str) -> None:
        self._file.write(text.encode("utf-8"))

    def chunks(self) -> Iterator[bytes]:
        self._file.seek(0)
        while chunk := self._file.read(CHUNK):
            yield chunk


def _encoded(chunks: Iterable[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


def _batched(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Rows joined into pieces of about CHUNK bytes: one deflate and hash call per piece
    rather than per row."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= CHUNK:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)
