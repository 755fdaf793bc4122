"""The evidence package and ``claimdesk verify``, run as a user runs it, on real captures."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.exports.package import Manifest, write_package
from app.exports.records import CaptureBlob, ClaimRecord, EvidenceRecord
from app.exports.verify import verify_package
from tests.exports.conftest import (
    PUBLISHER,
    Captured,
    Unseekable,
    claim,
    claimdesk,
    corrected,
    data_offset,
    meta,
    wacz_validate,
)

FILES = [
    "evidence.wacz",
    "evidence.jsonl",
    "evidence.csv",
    "claims.jsonl",
    "claims.csv",
    "claimreview.jsonld",
    "manifest.json",
]


def build(
    path: Path,
    captured: list[Captured],
    *,
    evidence: list[EvidenceRecord] | None = None,
    captures: list[CaptureBlob] | None = None,
) -> Manifest:
    with path.open("wb") as handle:
        return write_package(
            Unseekable(handle),  # as an HTTP response body: no seek, no tell
            claims=iter([claim(1), corrected(2)]),
            evidence=iter(evidence if evidence is not None else [c.evidence for c in captured]),
            captures=iter(captures if captures is not None else [c.blob for c in captured]),
            claimreview_org=PUBLISHER,
            meta=meta(),
        )


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x20
    path.write_bytes(bytes(data))


def test_fresh_package_verifies(captured: list[Captured], tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    manifest = build(path, captured)
    done = claimdesk("verify", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK ")
    assert f"2 claims, {len(captured)} evidence items, {len(captured)} WARCs" in done.stdout
    assert manifest.counts == {
        "claims": 2,
        "evidence": len(captured),
        "captures": len(captured),
        "evidence_without_capture": 0,
    }


def test_manifest_lists_every_file_with_size_and_hash(
    captured: list[Captured], tmp_path: Path
) -> None:
    path = tmp_path / "package.zip"
    manifest = build(path, captured)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == FILES
        assert zf.getinfo("evidence.wacz").compress_type == zipfile.ZIP_STORED
        body = zf.read("manifest.json")
        data = json.loads(body)
        assert hashlib.sha256(body).hexdigest() == manifest.sha256 and data == manifest.data
        assert [f["path"] for f in data["files"]] == FILES[:-1]
        for entry in data["files"]:
            content = zf.read(entry["path"])
            assert entry["bytes"] == len(content)
            assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert data["exported_by"] == {"email": "editor@checkers.example", "name": "Erin Editor"}
        assert data["filters"] == {"state": "disputed", "tag": "education"}
        assert data["audit_chain_heads"] == {"1": "a" * 64, "2": "b" * 64}
        assert data["created"] == "2026-11-25T12:00:00Z"
        assert data["counts"]["claims"] == 2
        assert data["wacz"]["path"] == "evidence.wacz"

        rows = [json.loads(line) for line in zf.read("evidence.jsonl").splitlines()]
        assert [r["warc_path"] for r in rows] == [
            f"archive/capture-{c.blob.capture_id}.warc.gz" for c in captured
        ]
        feed = json.loads(zf.read("claimreview.jsonld"))
        assert feed["@type"] == "DataFeed" and len(feed["dataFeedElement"]) == 2
        assert zf.read("claims.csv").startswith(b'"claim_id","claim"')
        assert len(zf.read("claims.jsonl").splitlines()) == 2


def test_the_packaged_wacz_passes_wacz_validate(captured: list[Captured], tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    build(path, captured)
    inner = tmp_path / "evidence.wacz"
    with zipfile.ZipFile(path) as zf:
        inner.write_bytes(zf.read("evidence.wacz"))
    done = wacz_validate(inner)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_flipped_byte_in_a_warc_inside_the_wacz(captured: list[Captured], tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    build(path, captured)
    with zipfile.ZipFile(path) as outer:
        wacz_at = data_offset(outer, "evidence.wacz")
        with zipfile.ZipFile(io.BytesIO(outer.read("evidence.wacz"))) as wacz:
            warc_at = data_offset(wacz, "archive/capture-3.warc.gz")
    flip(path, wacz_at + warc_at + 400)
    done = claimdesk("verify", str(path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith("MISMATCH ") for line in lines)
    assert any(
        line.startswith("MISMATCH evidence.wacz:archive/capture-3.warc.gz") for line in lines
    ), done.stdout
    assert "capture-1.warc.gz" not in done.stdout and "capture-5.warc.gz" not in done.stdout
    assert "mismatch(es)" in done.stderr


def test_a_flipped_byte_in_claims_csv(captured: list[Captured], tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    build(path, captured)
    with zipfile.ZipFile(path) as zf:
        at = data_offset(zf, "claims.csv") + zf.getinfo("claims.csv").compress_size // 2
    flip(path, at)
    done = claimdesk("verify", str(path))
    assert done.returncode == 1
    assert done.stdout.startswith("MISMATCH claims.csv: "), done.stdout
    assert len(done.stdout.splitlines()) == 1  # nothing else is blamed


def test_an_edited_csv_rezipped_with_a_good_crc_is_caught_by_its_hash(
    captured: list[Captured], tmp_path: Path
) -> None:
    path = tmp_path / "package.zip"
    build(path, captured)
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(edited, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "claims.csv":
                data = data.replace(b"Mostly false", b"Mostly true!")
            dst.writestr(info, data)
        dst.writestr("notes.txt", b"added later")
    report = verify_package(edited)
    assert [str(p).split(":")[0] for p in report.problems] == ["claims.csv", "notes.txt"]
    assert "does not match the manifest" in str(report.problems[0])
    assert "not listed in the manifest" in str(report.problems[1])


def tamper_response(warc: bytes) -> bytes:
    """The same WARC with one payload byte of the response changed, each gzip member still
    valid: only the record's own digests can tell."""
    members, rest = [], warc
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        members.append(inflater.decompress(rest))
        rest = inflater.unused_data
    for n, member in enumerate(members):
        if member.startswith(b"WARC/1.1\r\nWARC-Type: response"):
            at = member.rindex(b"</p>")
            members[n] = member[:at] + b"<!p>" + member[at + 4 :]
    return b"".join(gzip.compress(m) for m in members)


def test_a_record_digest_mismatch_is_reported_by_record(
    captured: list[Captured], tmp_path: Path
) -> None:
    first = captured[0]
    bad = tamper_response(first.warc)
    blob = dataclasses.replace(first.blob, warc=lambda: io.BytesIO(bad), size=len(bad))
    path = tmp_path / "package.zip"
    build(path, captured, evidence=[first.evidence], captures=[blob])
    done = claimdesk("verify", str(path))
    assert done.returncode == 1
    record = next(line for line in done.stdout.splitlines() if " record <urn:uuid:" in line)
    assert record.startswith("MISMATCH evidence.wacz:archive/capture-1.warc.gz record <urn:uuid:")
    assert f"(response {first.blob.final_url}, offset " in record
    assert "payload digest failed" in record and "block digest failed" in record
    # The changed payload no longer hashes to the evidence row's SHA-256 either.
    assert "differs from the archived payload" in done.stdout
    # Every file hash matches: the package was built from the damaged WARC.
    assert "manifest" not in done.stdout and "datapackage.json" not in done.stdout


def test_evidence_citing_a_capture_left_out(captured: list[Captured], tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    manifest = build(path, captured, captures=[c.blob for c in captured[1:]])
    assert manifest.counts["evidence_without_capture"] == 1
    report = verify_package(path)
    [problem] = report.problems
    assert problem.where.startswith("evidence.jsonl line 1 (claim 1, ")
    assert "cites capture 1 but not its WARC" in problem.what


def test_evidence_without_a_capture_is_fine(captured: list[Captured], tmp_path: Path) -> None:
    failed = dataclasses.replace(
        captured[0].evidence, capture_id=None, captured_at=None, sha256=None, archive_url=None
    )
    path = tmp_path / "package.zip"
    manifest = build(path, captured, evidence=[failed], captures=[])
    assert manifest.counts == {
        "claims": 2,
        "evidence": 1,
        "captures": 0,
        "evidence_without_capture": 1,
    }
    assert verify_package(path).ok


@pytest.mark.parametrize("what", ["missing manifest", "not a zip"])
def test_unreadable_packages_fail_clearly(
    captured: list[Captured], tmp_path: Path, what: str
) -> None:
    path = tmp_path / "package.zip"
    if what == "not a zip":
        path.write_bytes(b"PK not really")
    else:
        build(path, captured)
        stripped = tmp_path / "stripped.zip"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w") as dst:
            for info in src.infolist():
                if info.filename != "manifest.json":
                    dst.writestr(info, src.read(info))
        path = stripped
    done = claimdesk("verify", str(path))
    assert done.returncode == 1
    expected = "manifest.json: missing" if what == "missing manifest" else "cannot be opened"
    assert expected in done.stdout


def test_a_large_set_streams_in_bounded_memory(captured: list[Captured], tmp_path: Path) -> None:
    """5,000 claims and 15,000 evidence rows, generated as a query would yield them: the
    package holds no file whole (spools go to disk past 1 MiB)."""
    n = 5000
    template = captured[0].evidence

    def claims() -> Iterator[ClaimRecord]:
        for i in range(1, n + 1):
            yield claim(i, text=f"Claim number {i}: " + "x" * 400)

    def evidence() -> Iterator[EvidenceRecord]:
        for i in range(1, n + 1):
            for k in range(3):
                yield dataclasses.replace(
                    template, claim_id=i, url=f"https://s{k}.example/{i}", capture_id=None
                )

    path = tmp_path / "large.zip"
    tracemalloc.start()
    try:
        with path.open("wb") as handle:
            manifest = write_package(
                Unseekable(handle),
                claims=claims(),
                evidence=evidence(),
                captures=iter([]),
                claimreview_org=PUBLISHER,
                meta=meta(),
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    unpacked = sum(f.bytes for f in manifest.files)
    assert manifest.counts["claims"] == n and manifest.counts["evidence"] == 3 * n
    assert unpacked > 20 * 1024 * 1024
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes for {unpacked} bytes of files"
    report = verify_package(path)
    assert report.ok, report.problems[:3]
    assert (report.claims, report.evidence) == (n, 3 * n)
