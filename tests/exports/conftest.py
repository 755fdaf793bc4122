"""Fixtures for the export tests: records as the queries will build them, and real captures.

The captures are real: the safe fetcher gets pages from the hostile server (plain, gzip,
deflate, chunked, a PDF), and ``build_warc`` writes them exactly as the archiving pipeline
does; evidence rows carry the SHA-256 of the decoded body as the pipeline stores it.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.archive.fetch import fetch
from app.archive.warc import build_warc
from app.exports.package import ExportMeta
from app.exports.records import (
    Appearance,
    CaptureBlob,
    ClaimRecord,
    Correction,
    EvidenceRecord,
    Person,
    RatingScale,
)
from app.exports.wacz import write_wacz
from tests.support.hostile_server import HOSTS, HostileServer

SCALE = RatingScale.from_setting(
    "true=5,mostly-true=4:Mostly accurate,mixed=3,mostly-false=2,false=1,unverifiable="
)
PUBLISHER = SCALE.publisher("The Checkers", "https://checkers.example/")
APPROVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
EDITOR = Person("editor@checkers.example", "Erin Editor")
CHECKER = Person("checker@checkers.example", "")


def claim(claim_id: int = 1, *, rating: str = "mostly-false", **changes: object) -> ClaimRecord:
    fields: dict[str, object] = dict(
        id=claim_id,
        text="40 schools were rebuilt last year.",
        speaker="Minister A",
        speaker_kind="person",
        claim_date=date(2026, 11, 1),
        appearances=[
            Appearance(
                "https://news.example/speech", date(2026, 11, 1), "The speech", "News Example"
            ),
            Appearance("https://other.example/repeat", date(2026, 11, 3)),
        ],
        tags=["education", "budget"],
        cluster_id=7,
        state="disputed",
        rating=rating,
        rating_label=SCALE.label(rating),
        rating_value=SCALE.value(rating),
        summary="Only 14 were rebuilt; the rest were repaired.",
        proposed_by=CHECKER,
        approved_by=EDITOR,
        approved_at=APPROVED,
        corrections=[],
        public_url=f"https://checkers.example/fact-checks/{claim_id}-40-schools",
        verdict_id=100 + claim_id,
    )
    fields.update(changes)
    return ClaimRecord(**fields)  # type: ignore[arg-type]


def corrected(claim_id: int = 2) -> ClaimRecord:
    return claim(
        claim_id,
        rating="unverifiable",
        speaker="Ministry of Education",
        speaker_kind="organization",
        first_published_at=datetime(2026, 11, 10, tzinfo=UTC),
        corrections=[Correction(date(2026, 11, 20), "The ministry's figure could not be traced.")],
    )


@dataclass(frozen=True)
class Captured:
    """A real capture: its blob for the WACZ and the evidence row citing it."""

    blob: CaptureBlob
    evidence: EvidenceRecord
    warc: bytes


# Paths of the hostile server covering the content codings a capture can hold.
PAGES = [
    "/article/exported",
    "/gzipped",
    "/deflated",
    "/rawdeflate",
    "/chunked",
    "/gzip-members",
    "/pdf",
]


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.fixture(scope="session")
def captured(
    hostile_server: HostileServer, tmp_path_factory: pytest.TempPathFactory
) -> list[Captured]:
    """One capture per page above, cited by claim 1 (odd captures) or claim 2 (even)."""
    folder = tmp_path_factory.mktemp("warcs")
    out = []
    for capture_id, path in enumerate(PAGES, start=1):
        result = fetch(hostile_server.url(path), allowed_hosts=frozenset(HOSTS))
        data = build_warc(result, metadata={"capture_id": capture_id})
        # Half from files, half from a store-like opener: both kinds of source are read.
        if capture_id % 2:
            file = folder / f"{capture_id}.warc.gz"
            file.write_bytes(data)
            source: Path | object = file
        else:
            source = lambda data=data: io.BytesIO(data)  # noqa: E731
        blob = CaptureBlob(
            capture_id=capture_id,
            url=result.url,
            final_url=result.final_url,
            fetched_at=result.started_at,
            title=f"Page {path}",
            warc=source,  # type: ignore[arg-type]
            size=len(data),
        )
        evidence = EvidenceRecord(
            claim_id=1 if capture_id % 2 else 2,
            url=result.url,
            publisher="127.0.0.2",
            stance="supports" if capture_id % 3 else "refutes",
            quote="40 schools" if capture_id == 1 else None,
            quote_found=True if capture_id == 1 else None,
            capture_id=capture_id,
            captured_at=result.started_at,
            sha256=hashlib.sha256(result.body).hexdigest(),
            archive_url=f"https://checkers.example/captures/{capture_id}/view",
        )
        out.append(Captured(blob, evidence, data))
    return out


def meta() -> ExportMeta:
    return ExportMeta(
        exported_by=EDITOR,
        filters={"state": "disputed", "tag": "education"},
        audit_chain_heads={1: "a" * 64, 2: "b" * 64},
        created=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
    )


ROOT = Path(__file__).resolve().parents[2]
CREATED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_wacz(path: Path, captured: list[Captured]) -> None:
    with path.open("wb") as handle:
        write_wacz(Unseekable(handle), [c.blob for c in captured], title="Sources", created=CREATED)


def wacz_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """Run py-wacz's ``wacz validate`` (its own venv, made by ``make wacz-validator``).

    Fails, never skips, when the validator is not installed: CI must run it.
    """
    candidates = [os.environ.get("WACZ_BIN", ""), str(ROOT / ".venv-wacz" / "bin" / "wacz")]
    found = next((c for c in candidates if c and os.access(c, os.X_OK)), None) or shutil.which(
        "wacz"
    )
    if found is None:
        pytest.fail("the WACZ validator is missing: run `make wacz-validator` (or set WACZ_BIN)")
    return subprocess.run(
        [found, "validate", "-f", str(path)], capture_output=True, text=True, timeout=120
    )


def claimdesk(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``claimdesk`` console script, as a user runs it."""
    exe = Path(sys.executable).parent / "claimdesk"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)


def data_offset(zf: zipfile.ZipFile, name: str) -> int:
    """Where a member's (STORED) bytes start in the zip file."""
    info = zf.getinfo(name)
    fp = zf.fp
    assert fp is not None
    fp.seek(info.header_offset + 26)
    name_len, extra_len = int.from_bytes(fp.read(2), "little"), int.from_bytes(fp.read(2), "little")
    return info.header_offset + 30 + name_len + extra_len


class Unseekable(io.RawIOBase):
    """A write-only stream with no tell or seek, like an HTTP response body."""

    def __init__(self, target: io.BufferedIOBase | io.RawIOBase | object) -> None:
        super().__init__()
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        return self._target.write(data)  # type: ignore[attr-defined,no-any-return]


__all__ = [
    "CREATED",
    "PUBLISHER",
    "SCALE",
    "Captured",
    "Unseekable",
    "claim",
    "claimdesk",
    "corrected",
    "data_offset",
    "make_wacz",
    "meta",
    "wacz_validate",
]
