"""The WACZ of real captures: passes py-wacz's validator, replay-ready index and pages,
written in one pass to an unseekable stream without holding a WARC in memory."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import random
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from app.archive.warc import build_warc
from app.exports.records import CaptureBlob
from app.exports.verify import verify_wacz
from app.exports.wacz import WACZ_VERSION, WaczError, write_wacz
from tests.exports.conftest import (
    CREATED,
    Captured,
    claimdesk,
    data_offset,
    make_wacz,
    wacz_validate,
)
from tests.support.pages import fetched


def test_real_captures_pass_wacz_validate(captured: list[Captured], tmp_path: Path) -> None:
    path = tmp_path / "sources.wacz"
    make_wacz(path, captured)
    done = wacz_validate(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout
    assert verify_wacz(path).ok


def test_layout_datapackage_index_and_pages(captured: list[Captured], tmp_path: Path) -> None:
    path = tmp_path / "sources.wacz"
    make_wacz(path, captured)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        warcs = [f"archive/capture-{c.blob.capture_id}.warc.gz" for c in captured]
        assert names == [
            *warcs,
            "indexes/index.cdxj",
            "pages/pages.jsonl",
            "datapackage.json",
            "datapackage-digest.json",
        ]
        for name in warcs:  # stored as is: the bytes of the capture's WARC, not recompressed
            assert zf.getinfo(name).compress_type == zipfile.ZIP_STORED
        for c in captured:
            assert zf.read(f"archive/capture-{c.blob.capture_id}.warc.gz") == c.warc

        package = json.loads(zf.read("datapackage.json"))
        assert package["profile"] == "data-package"
        assert package["wacz_version"] == WACZ_VERSION == "1.1.1"
        assert package["title"] == "Sources" and package["created"] == "2026-11-25T12:00:00Z"
        assert package["software"].startswith("claimdesk ")
        for resource in package["resources"]:
            data = zf.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        assert [r["path"] for r in package["resources"]] == names[:-2]
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest == {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest(),
        }

        lines = zf.read("indexes/index.cdxj").decode().splitlines()
        assert lines == sorted(lines) and len(lines) == len(captured)
        for line in lines:
            key, timestamp, fields = line.split(" ", 2)
            entry = json.loads(fields)
            assert len(timestamp) == 14 and key.startswith("2,0,0,127:")
            # The offset and length point at the response record of that URL.
            warc = zf.read(f"archive/{entry['filename']}")
            start, length = int(entry["offset"]), int(entry["length"])
            record = next(iter(ArchiveIterator(io.BytesIO(warc[start : start + length]))))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
            assert entry["status"] == "200"

        header, *pages = [json.loads(p) for p in zf.read("pages/pages.jsonl").splitlines()]
        assert header == {"format": "json-pages-1.0", "id": "pages", "title": "Sources"}
        assert [p["id"] for p in pages] == [f"capture-{c.blob.capture_id}" for c in captured]
        for page, c in zip(pages, captured, strict=True):
            assert page["url"] == c.blob.final_url
            assert page["title"] == c.blob.title
            datetime.strptime(page["ts"], "%Y-%m-%dT%H:%M:%SZ")  # RFC 3339
            assert any(json.loads(line.split(" ", 2)[2])["url"] == page["url"] for line in lines)


def test_a_flipped_byte_fails_wacz_validate_and_verify(
    captured: list[Captured], tmp_path: Path
) -> None:
    path = tmp_path / "sources.wacz"
    make_wacz(path, captured)
    with zipfile.ZipFile(path) as zf:
        at = data_offset(zf, "archive/capture-2.warc.gz") + 200
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    assert wacz_validate(path).returncode != 0
    report = verify_wacz(path)
    assert not report.ok
    assert any("archive/capture-2.warc.gz" in p.where for p in report.problems)


def test_each_capture_once_and_a_broken_warc_named(
    captured: list[Captured], tmp_path: Path
) -> None:
    blob = captured[0].blob
    with (tmp_path / "twice.wacz").open("wb") as handle:
        summary = write_wacz(handle, [blob, blob], title="t")
    assert summary.capture_ids == {blob.capture_id} and summary.pages == 1
    broken = dataclasses.replace(blob, capture_id=99, warc=lambda: io.BytesIO(b"not a warc" * 50))
    with pytest.raises(
        WaczError, match=r"capture 99: archive/capture-99\.warc\.gz has no response"
    ):
        write_wacz(io.BytesIO(), [broken], title="t")


class _Discard(io.RawIOBase):
    def __init__(self) -> None:
        super().__init__()
        self.size = 0
        self.sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]
        self.size += view.nbytes
        self.sha.update(view)
        return view.nbytes


def test_a_large_warc_streams_through_without_being_held(tmp_path: Path) -> None:
    body = random.Random(7).randbytes(40 * 1024 * 1024)  # incompressible, as gzip leaves it
    warc = tmp_path / "big.warc.gz"
    warc.write_bytes(build_warc(fetched(body, headers=[("Content-Type", "application/pdf")])))
    size = warc.stat().st_size
    del body
    blob = CaptureBlob(1, "http://x.example/", fetched(b"").final_url, CREATED, None, warc, size)
    sink = _Discard()
    tracemalloc.start()
    try:
        write_wacz(sink, [blob], title="big")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 40 * 1024 * 1024 and sink.size > size
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte WARC"


def rezip(src: Path, dst: Path, changes: dict[str, bytes | None], *, rehash: bool) -> None:
    """A copy of the WACZ with members replaced (None: removed) or added; ``rehash`` updates
    datapackage.json and its digest to match, as a careful forger would."""
    with zipfile.ZipFile(src) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    for name, data in changes.items():
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    if rehash:
        package = json.loads(members["datapackage.json"])
        for resource in package["resources"]:
            if resource["path"] in members:
                data = members[resource["path"]]
                resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
                resource["bytes"] = len(data)
        members["datapackage.json"] = json.dumps(package).encode()
        digest = {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(members["datapackage.json"]).hexdigest(),
        }
        members["datapackage-digest.json"] = json.dumps(digest).encode()
    with zipfile.ZipFile(dst, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)


def shifted_index(index: bytes) -> bytes:
    lines = index.decode().splitlines()
    key, ts, fields = lines[0].split(" ", 2)
    entry = json.loads(fields)
    entry["offset"] = str(int(entry["offset"]) + 1)
    return "\n".join([f"{key} {ts} {json.dumps(entry)}", *lines[1:]]).encode() + b"\n"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("title edited", "datapackage.json: sha256 does not match datapackage-digest.json"),
        ("index offset moved", "indexes/index.cdxj: points at http://"),
        ("index reversed", "out of order: the index must be sorted"),
        ("WARC removed", "archive/capture-2.warc.gz: listed in datapackage.json but missing"),
        ("file added", "archive/extra.warc.gz: is in the WACZ but not in datapackage.json"),
        ("page dropped from the index", "is not indexed"),
    ],
)
def test_verify_names_what_a_forger_changed(
    captured: list[Captured], tmp_path: Path, case: str, expected: str
) -> None:
    path, forged = tmp_path / "sources.wacz", tmp_path / "forged.wacz"
    make_wacz(path, captured[:3])
    with zipfile.ZipFile(path) as zf:
        index, package = zf.read("indexes/index.cdxj"), zf.read("datapackage.json")
        warc = zf.read("archive/capture-1.warc.gz")
    changes: dict[str, bytes | None] = {
        "title edited": {"datapackage.json": package.replace(b'"Sources"', b'"Sourced"')},
        "index offset moved": {"indexes/index.cdxj": shifted_index(index)},
        "index reversed": {"indexes/index.cdxj": b"\n".join(index.splitlines()[::-1]) + b"\n"},
        "WARC removed": {"archive/capture-2.warc.gz": None},
        "file added": {"archive/extra.warc.gz": warc},
        "page dropped from the index": {
            "indexes/index.cdxj": b"\n".join(index.splitlines()[1:]) + b"\n"
        },
    }[case]
    rezip(path, forged, changes, rehash=case != "title edited")
    report = verify_wacz(forged)
    messages = [str(p) for p in report.problems]
    assert any(expected in m for m in messages), messages
    done = claimdesk("verify", str(forged))
    assert done.returncode == 1 and expected in done.stdout
