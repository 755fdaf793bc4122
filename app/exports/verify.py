"""Check an evidence package (or a WACZ on its own) against everything it says of itself.

- manifest.json: every file listed is present with its size and SHA-256; no file is present
  that it does not list; its counts match the rows;
- the WACZ: ``datapackage-digest.json`` matches ``datapackage.json``, whose every resource
  is present with its size and hash and no other file is; ``wacz_version`` is 1.1.1; every
  WARC record's block and payload digests match (warcio's digest checker); every index line
  points at a record of that URL at that offset; every page has an indexed record;
- each evidence row that cites a capture finds its WARC in the WACZ, the capture's page, the
  indexed response of that page in that WARC, and (when the row has one) the SHA-256 of the
  decoded archived payload; each evidence row's claim is among the claims.

Every mismatch is a ``Problem`` naming the file, or the file and the record, and what differs.
Files are read in chunks; the WACZ inside the package is read in place (it is STORED).

Public interface::

    verify_package(path) -> Report
    verify_wacz(path) -> Report
    Report(path, problems, files, warcs, records, claims, evidence)   .ok  .summary()
    Problem(where, what)
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import json
import os
import struct
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord

from app.exports.package import MANIFEST, WACZ_NAME
from app.exports.records import page_id, warc_name
from app.exports.wacz import CHUNK, WACZ_VERSION

_DATAPACKAGE = "datapackage.json"
_DIGEST = "datapackage-digest.json"


@dataclass(frozen=True)
class Problem:
    where: str  # a file, "evidence.wacz:archive/capture-3.warc.gz", or that plus a record
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class Report:
    path: str
    problems: list[Problem] = field(default_factory=list)
    files: int = 0  # files whose hash was checked
    warcs: int = 0
    records: int = 0  # WARC records read with their digests checked
    claims: int = 0
    evidence: int = 0
    package: bool = True  # False for a WACZ checked on its own

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, where: str, what: str) -> None:
        self.problems.append(Problem(where, what))

    def summary(self) -> str:
        rows = f"{self.claims} claims, {self.evidence} evidence items, " if self.package else ""
        return (
            f"{self.path}: {self.files} files, {rows}{self.warcs} WARCs ({self.records} records) "
            "verified"
        )


def verify_package(path: str | os.PathLike[str]) -> Report:
    report = Report(str(path))
    try:
        outer = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.add(str(path), f"cannot be opened as a zip file: {exc}")
        return report
    with outer:
        archive = _Archive(outer, _file_opener(path))
        manifest = _manifest(outer, report)
        listed = {f["path"] for f in manifest.get("files", []) if isinstance(f, dict)}
        for entry in manifest.get("files", []):
            _check_listed_file(archive, entry, report)
        for name in _duplicates(outer):
            report.add(name, "appears more than once in the zip")
        for name in sorted(set(outer.namelist()) - listed - {MANIFEST}):
            if not name.endswith("/"):
                report.add(name, "is in the zip but not listed in the manifest")

        wacz_path = (manifest.get("wacz") or {}).get("path", WACZ_NAME)
        contents = _Contents()
        if wacz_path in outer.namelist():
            with _nested_opener(archive, outer.getinfo(wacz_path)) as opener:
                _verify_wacz_zip(opener, wacz_path, report, contents)
            expected = (manifest.get("wacz") or {}).get("datapackage_sha256")
            if expected and contents.datapackage_sha256 and expected != contents.datapackage_sha256:
                report.add(
                    f"{wacz_path}:{_DATAPACKAGE}", "SHA-256 differs from the manifest's wacz entry"
                )
        else:
            report.add(wacz_path, "missing from the zip")

        claim_ids = _claim_ids(outer, report)
        _check_evidence(outer, wacz_path, contents, claim_ids, report)
        _check_counts(manifest, contents, report)
    return report


def verify_wacz(path: str | os.PathLike[str]) -> Report:
    """A WACZ file on its own: its data package, digests, index and pages."""
    report = Report(str(path), package=False)
    try:
        _verify_wacz_zip(_file_opener(path), Path(path).name, report, _Contents())
    except OSError as exc:
        report.add(str(path), f"cannot be read: {exc}")
    return report


# --- the package -----------------------------------------------------------------------------


def _manifest(outer: zipfile.ZipFile, report: Report) -> dict[str, Any]:
    try:
        data = json.loads(outer.read(MANIFEST))
    except KeyError:
        report.add(MANIFEST, "missing: nothing can be checked against it")
        return {}
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        report.add(MANIFEST, f"cannot be read: {exc}")
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        report.add(MANIFEST, "has no list of files")
        return {}
    return data


def _check_listed_file(outer: _Archive, entry: Any, report: Report) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        report.add(MANIFEST, f"a files entry is not {{path, bytes, sha256}}: {entry!r}")
        return
    name = entry["path"]
    try:
        info = outer.zf.getinfo(name)
    except KeyError:
        report.add(name, "listed in the manifest but missing from the zip")
        return
    digest = _hash_member(outer, info, "sha256", report, name)
    if digest is None:
        return
    size, hexdigest = digest
    report.files += 1
    if size != entry.get("bytes"):
        report.add(name, f"is {size} bytes; the manifest says {entry.get('bytes')}")
    if hexdigest != entry.get("sha256"):
        report.add(name, f"SHA-256 {hexdigest} does not match the manifest's {entry.get('sha256')}")


def _claim_ids(outer: zipfile.ZipFile, report: Report) -> set[int] | None:
    ids: set[int] = set()
    rows = _jsonl(outer, "claims.jsonl", report)
    if rows is None:
        return None
    for number, row in rows:
        report.claims += 1
        if isinstance(row.get("claim_id"), int):
            ids.add(row["claim_id"])
        else:
            report.add(f"claims.jsonl line {number}", "has no claim_id")
    return ids


def _check_evidence(
    outer: zipfile.ZipFile,
    wacz_path: str,
    contents: _Contents,
    claim_ids: set[int] | None,
    report: Report,
) -> None:
    rows = _jsonl(outer, "evidence.jsonl", report)
    if rows is None:
        return
    for number, row in rows:
        report.evidence += 1
        where = f"evidence.jsonl line {number} (claim {row.get('claim_id')}, {row.get('url')})"
        if claim_ids is not None and row.get("claim_id") not in claim_ids:
            report.add(where, "its claim is not in claims.jsonl")
        capture = row.get("capture_id")
        if capture is None:
            continue
        expected = warc_name(capture)
        if row.get("warc_path") != expected:
            report.add(where, f"cites capture {capture} but not its WARC {wacz_path}:{expected}")
            continue
        if expected not in contents.warcs:
            report.add(where, f"cites {wacz_path}:{expected}, which is not in the WACZ")
            continue
        page = contents.pages.get(page_id(capture))
        if page is None:
            report.add(where, f"capture {capture} has no page in {wacz_path}:pages/pages.jsonl")
            continue
        response = contents.responses.get((expected, page))
        if response is None:
            report.add(where, f"{wacz_path}:{expected} has no readable response for {page}")
            continue
        sha = row.get("sha256")
        if sha and response != sha:
            report.add(
                where,
                f"SHA-256 {sha} differs from the archived payload's {response} "
                f"({wacz_path}:{expected})",
            )


def _check_counts(manifest: dict[str, Any], contents: _Contents, report: Report) -> None:
    counts = manifest.get("counts") or {}
    for key, actual in (("claims", report.claims), ("evidence", report.evidence)):
        if key in counts and counts[key] != actual:
            report.add(MANIFEST, f"counts {counts[key]} {key}; the package has {actual}")
    if "captures" in counts and counts["captures"] != len(contents.warcs):
        report.add(
            MANIFEST, f"counts {counts['captures']} captures; the WACZ has {len(contents.warcs)}"
        )


# --- the WACZ --------------------------------------------------------------------------------


@dataclass
class _Contents:
    """What the WACZ holds, for checking the evidence rows against it."""

    warcs: set[str] = field(default_factory=set)  # archive/... paths present
    pages: dict[str, str] = field(default_factory=dict)  # page id -> url
    # (warc path, url) -> SHA-256 of the decoded payload of its response record
    responses: dict[tuple[str, str], str] = field(default_factory=dict)
    datapackage_sha256: str | None = None


def _verify_wacz_zip(
    opener: Callable[[], IO[bytes]], label: str, report: Report, contents: _Contents
) -> None:
    with opener() as handle:
        try:
            wacz = zipfile.ZipFile(handle)
        except zipfile.BadZipFile as exc:
            report.add(label, f"cannot be opened as a zip file: {exc}")
            return
        with wacz:
            _verify_wacz_members(_Archive(wacz, opener), label, report, contents)


def _verify_wacz_members(
    archive: _Archive, label: str, report: Report, contents: _Contents
) -> None:
    wacz = archive.zf
    names = set(wacz.namelist())
    package = _datapackage(wacz, label, report, contents)
    resources = package.get("resources", []) if package else []
    listed: set[str] = set()
    for resource in resources:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str):
            report.add(f"{label}:{_DATAPACKAGE}", f"a resource has no path: {resource!r}")
            continue
        listed.add(path)
        _check_resource(archive, label, resource, report)
    for name in sorted(names - listed - {_DATAPACKAGE, _DIGEST}):
        if not name.endswith("/"):
            report.add(f"{label}:{name}", "is in the WACZ but not in datapackage.json")

    index = _index(wacz, label, report)
    _pages(wacz, label, report, contents)
    for name in sorted(n for n in names if _is_warc(n)):
        contents.warcs.add(name)
        offsets = index.get(name.rsplit("/", 1)[-1], {})
        _check_warc(archive, label, name, offsets, report, contents)
    indexed = {url for offsets in index.values() for url in offsets.values()}
    for pid, url in contents.pages.items():
        if url not in indexed:
            report.add(f"{label}:pages/pages.jsonl", f"page {pid} ({url}) is not indexed")


def _datapackage(
    wacz: zipfile.ZipFile, label: str, report: Report, contents: _Contents
) -> dict[str, Any] | None:
    where = f"{label}:{_DATAPACKAGE}"
    try:
        raw = wacz.read(_DATAPACKAGE)
    except KeyError:
        report.add(label, "has no datapackage.json")
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        report.add(where, f"cannot be read: {exc}")
        return None
    contents.datapackage_sha256 = hashlib.sha256(raw).hexdigest()
    try:
        digest = json.loads(wacz.read(_DIGEST))
    except KeyError:
        digest = None  # optional in WACZ 1.1.1
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        report.add(f"{label}:{_DIGEST}", f"cannot be read: {exc}")
        digest = None
    if isinstance(digest, dict):
        algorithm, _, expected = str(digest.get("hash", "")).partition(":")
        actual = _hexdigest(algorithm, raw)
        if actual is None or actual != expected:
            report.add(where, f"{algorithm or '?'} does not match datapackage-digest.json")
    try:
        package = json.loads(raw)
    except ValueError as exc:
        report.add(where, f"is not JSON: {exc}")
        return None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        report.add(where, "has no list of resources")
        return None
    if package.get("wacz_version") != WACZ_VERSION:
        report.add(where, f"wacz_version is {package.get('wacz_version')!r}, not {WACZ_VERSION}")
    if package.get("profile") != "data-package":
        report.add(where, f"profile is {package.get('profile')!r}, not 'data-package'")
    return package


def _check_resource(wacz: _Archive, label: str, resource: dict[str, Any], report: Report) -> None:
    path = resource["path"]
    where = f"{label}:{path}"
    try:
        info = wacz.zf.getinfo(path)
    except KeyError:
        report.add(where, "listed in datapackage.json but missing from the WACZ")
        return
    algorithm, _, expected = str(resource.get("hash", "")).partition(":")
    digest = _hash_member(wacz, info, algorithm, report, where)
    if digest is None:
        return
    size, actual = digest
    report.files += 1
    if size != resource.get("bytes"):
        report.add(where, f"is {size} bytes; datapackage.json says {resource.get('bytes')}")
    if actual != expected:
        report.add(where, f"{algorithm} {actual} does not match datapackage.json's {expected}")


def _index(wacz: zipfile.ZipFile, label: str, report: Report) -> dict[str, dict[int, str]]:
    """Every index line by WARC file name: offset -> URL. Checks the lines are sorted."""
    by_file: dict[str, dict[int, str]] = defaultdict(dict)
    names = [n for n in wacz.namelist() if n.startswith("indexes/") and n.endswith(".cdxj")]
    if not names:
        report.add(label, "has no CDXJ index in indexes/")
    for name in names:
        where = f"{label}:{name}"
        previous = ""
        for number, line in _lines(wacz, name, report, where):
            if not line.strip():
                continue
            if line < previous:
                report.add(f"{where} line {number}", "out of order: the index must be sorted")
            previous = line
            try:
                _key, _ts, fields = line.split(" ", 2)
                entry = json.loads(fields)
                by_file[entry["filename"]][int(entry["offset"])] = entry["url"]
            except (ValueError, KeyError, TypeError) as exc:
                report.add(f"{where} line {number}", f"is not a CDXJ line: {exc}")
    return by_file


def _pages(wacz: zipfile.ZipFile, label: str, report: Report, contents: _Contents) -> None:
    where = f"{label}:pages/pages.jsonl"
    if "pages/pages.jsonl" not in wacz.namelist():
        report.add(label, "has no pages/pages.jsonl")
        return
    for number, line in _lines(wacz, "pages/pages.jsonl", report, where):
        if not line.strip():
            continue
        try:
            page = json.loads(line)
        except ValueError as exc:
            report.add(f"{where} line {number}", f"is not JSON: {exc}")
            continue
        if number == 1 and "format" in page:
            continue  # the header
        if not isinstance(page.get("url"), str) or not isinstance(page.get("ts"), str):
            report.add(f"{where} line {number}", "a page needs url and ts")
            continue
        contents.pages[str(page.get("id", number))] = page["url"]


def _check_warc(
    wacz: _Archive,
    label: str,
    name: str,
    index: dict[int, str],
    report: Report,
    contents: _Contents,
) -> None:
    where = f"{label}:{name}"
    report.warcs += 1
    seen: dict[int, str] = {}
    read = 0
    try:
        with wacz.member(wacz.zf.getinfo(name)) as stream:
            records = ArchiveIterator(stream, check_digests=True)
            for record in records:
                rec_id = record.rec_headers.get_header("WARC-Record-ID")
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                kind = record.rec_type
                if kind == "response" and record.http_headers is not None:
                    contents.responses[(name, url)] = _payload_sha256(record)
                while record.raw_stream.read(CHUNK):
                    pass
                offset = records.get_record_offset()  # only once the record is read through
                report.records += 1
                read += 1
                if record.digest_checker.passed is False:
                    problems = "; ".join(record.digest_checker.problems)
                    report.add(f"{where} record {rec_id} ({kind} {url}, offset {offset})", problems)
                if kind in ("response", "revisit", "resource"):
                    seen[offset] = url
    except Exception as exc:  # warcio and zlib raise many kinds on a damaged file
        report.add(where, f"cannot be read as a WARC after {read} records: {_printable(exc)}")
        return
    for offset, url in sorted(index.items()):
        if seen.get(offset) != url:
            report.add(
                f"{label}:indexes/index.cdxj",
                f"points at {url} in {name} at offset {offset}, where there is no such record",
            )


def _payload_sha256(record: ArcWarcRecord) -> str:
    """SHA-256 of a response's payload with its Content-Encoding removed: what the fetcher
    stored as the capture's SHA-256. Decoded here, streaming, rather than by warcio, which
    stops after the first member of a multi-member gzip body."""
    headers = record.http_headers
    stream: Any = record.raw_stream
    if "chunked" in (headers.get_header("Transfer-Encoding") or "").lower():
        stream = ChunkedDataReader(stream)
    decoder = _Decoder(headers.get_header("Content-Encoding") or "")
    digest = hashlib.sha256()
    try:
        while chunk := stream.read(CHUNK):
            for piece in decoder.feed(chunk):
                digest.update(piece)
        for piece in decoder.flush():
            digest.update(piece)
    except Exception as exc:  # zlib.error, brotli.error: a body that does not decode
        return f"undecodable ({decoder.coding}: {exc})"
    return digest.hexdigest() if decoder.known else f"undecoded ({decoder.coding})"


class _Decoder:
    """gzip (any number of members), deflate (zlib or raw), br (when brotli is installed) and
    identity, in bounded pieces."""

    def __init__(self, coding: str) -> None:
        self.coding = coding.strip().lower()
        self._brotli: Any = None
        if self.coding == "br":
            with contextlib.suppress(ImportError):
                self._brotli = importlib.import_module("brotli").Decompressor()
        codings = ("", "identity", "gzip", "x-gzip", "deflate")
        self.known = self.coding in codings or self._brotli is not None
        self._inflater: Any = None
        self._pending = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._brotli is not None:
            yield self._brotli.process(data)
            return
        if self.coding in ("gzip", "x-gzip") and self._inflater is None:
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate" and self._inflater is None:
            self._pending += data
            if len(self._pending) < 2:
                return
            wrapped = self._pending[0] & 0x0F == 8 and int.from_bytes(self._pending[:2]) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._pending = self._pending, b""
        if self._inflater is None:
            yield data
            return
        while data:
            if self._inflater.eof:
                if self.coding == "deflate" or not data.startswith(b"\x1f"):
                    return  # trailing bytes after the stream, ignored as browsers do
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            yield self._inflater.decompress(data, CHUNK)
            eof = self._inflater.eof
            data = self._inflater.unused_data if eof else self._inflater.unconsumed_tail

    def flush(self) -> Iterator[bytes]:
        if self._pending:
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            data, self._pending = self._pending, b""
            yield from self.feed(data)
        if self._inflater is not None and not self._inflater.eof:
            yield self._inflater.flush()


# --- helpers ---------------------------------------------------------------------------------


def _hash_member(
    zf: _Archive, info: zipfile.ZipInfo, algorithm: str, report: Report, where: str
) -> tuple[int, str] | None:
    try:
        hasher = hashlib.new(algorithm or "sha256")
    except ValueError:
        report.add(where, f"unknown hash algorithm {algorithm!r}")
        return None
    size = 0
    try:
        with zf.member(info) as stream:
            while chunk := stream.read(CHUNK):
                hasher.update(chunk)
                size += len(chunk)
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            report.add(where, "its CRC-32 does not match: the file was altered or damaged")
        else:
            report.add(where, f"cannot be read: {exc}")
        return None
    except (zlib.error, EOFError, OSError) as exc:
        report.add(where, f"cannot be read (altered or damaged): {exc}")
        return None
    return size, hasher.hexdigest()


def _printable(exc: BaseException, limit: int = 160) -> str:
    """An error message fit for one line of a terminal: the binary a damaged file puts in
    warcio's messages escaped, and cut short."""
    text = str(exc).encode("unicode_escape", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _hexdigest(algorithm: str, data: bytes) -> str | None:
    try:
        return hashlib.new(algorithm, data).hexdigest()
    except ValueError:
        return None


def _lines(zf: zipfile.ZipFile, name: str, report: Report, where: str) -> Iterator[tuple[int, str]]:
    try:
        with zf.open(name) as raw:
            for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8"), start=1):
                yield number, line.rstrip("\n")
    except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError) as exc:
        report.add(where, f"cannot be read: {exc}")


def _jsonl(
    zf: zipfile.ZipFile, name: str, report: Report
) -> Iterator[tuple[int, dict[str, Any]]] | None:
    if name not in zf.namelist():
        report.add(name, "missing from the zip")
        return None

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, line in _lines(zf, name, report, name):
            try:
                row = json.loads(line)
            except ValueError as exc:
                report.add(f"{name} line {number}", f"is not JSON: {exc}")
                continue
            if isinstance(row, dict):
                yield number, row
            else:
                report.add(f"{name} line {number}", "is not a JSON object")

    return rows()


def _duplicates(zf: zipfile.ZipFile) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for name in zf.namelist():
        if name in seen:
            twice.append(name)
        seen.add(name)
    return twice


def _is_warc(name: str) -> bool:
    return name.startswith("archive/") and name.endswith((".warc", ".warc.gz"))


def _file_opener(path: str | os.PathLike[str]) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        return Path(path).open("rb")

    return opener


@dataclass
class _Archive:
    """A zip being checked, and a way to open its bytes afresh for reading members in place."""

    zf: zipfile.ZipFile
    opener: Callable[[], IO[bytes]]

    def member(self, info: zipfile.ZipInfo) -> IO[bytes]:
        """A member's content. STORED members are read straight from the zip's bytes, so a
        changed byte shows up as the hash or WARC record that differs instead of stopping at
        the zip's CRC; compressed members are inflated by zipfile (CRC checked)."""
        window = _stored_window(self.opener, info)
        return window if window is not None else self.zf.open(info)


def _stored_window(opener: Callable[[], IO[bytes]], info: zipfile.ZipInfo) -> IO[bytes] | None:
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:  # 0x1: encrypted
        return None
    handle = opener()
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        handle.close()
        return None
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    return io.BufferedReader(_Window(handle, start, info.compress_size), CHUNK)


@contextlib.contextmanager
def _nested_opener(outer: _Archive, info: zipfile.ZipInfo) -> Iterator[Callable[[], IO[bytes]]]:
    """Opens the zip inside ``info``: in place when STORED (the package writes it so), else
    from a temporary file it is inflated to."""
    probe = _stored_window(outer.opener, info)
    if probe is not None:
        probe.close()

        def in_place() -> IO[bytes]:
            window = _stored_window(outer.opener, info)
            assert window is not None  # it was STORED a moment ago
            return window

        yield in_place
        return
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "nested.zip"
        with outer.zf.open(info) as stream, copy.open("wb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
        yield lambda: copy.open("rb")


class _Window(io.RawIOBase):
    """``length`` bytes of ``handle`` from ``start``, as a seekable file of their own."""

    def __init__(self, handle: IO[bytes], start: int, length: int) -> None:
        super().__init__()
        self._handle = handle
        self._start = start
        self._length = length
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._length - self._pos)
        if want <= 0:
            return 0
        self._handle.seek(self._start + self._pos)
        data = self._handle.read(want)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        self._handle.close()
        super().close()
