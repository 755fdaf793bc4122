"""CSV and JSON Lines of claims and evidence: spreadsheet-safe cells, BOM, streaming."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from app.exports.csvsafe import FORMULA_STARTS, csv_lines, safe_cell
from app.exports.formats import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    claims_csv,
    claims_jsonl,
    evidence_csv,
    evidence_jsonl,
)
from app.exports.records import Correction, EvidenceRecord
from tests.exports.conftest import claim, corrected


def read_csv(chunks: Iterator[str]) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(chunks), newline="")))


def evidence(**changes: object) -> EvidenceRecord:
    fields: dict[str, object] = dict(
        claim_id=1,
        url="https://source.example/report",
        publisher="source.example",
        stance="refutes",
        quote="Only 14 schools",
        quote_found=True,
        capture_id=9,
        captured_at=datetime(2026, 11, 5, 8, 0, 1, 250000, tzinfo=UTC),
        sha256="ab" * 32,
        archive_url="https://checkers.example/captures/9/view",
    )
    fields.update(changes)
    return EvidenceRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_formula_start_is_neutralised(start: str) -> None:
    text = f'{start}HYPERLINK("https://evil.example","click")'
    [header, row] = read_csv(claims_csv([claim(text=text, speaker=f"{start}cmd|' /C calc'!A0")]))
    cells = dict(zip(header, row, strict=True))
    assert cells["claim"] == "'" + text
    assert cells["speaker"] == f"'{start}cmd|' /C calc'!A0"


def test_the_owasp_list_is_exactly_the_one_neutralised() -> None:
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    assert safe_cell("a=1+2") == "a=1+2"  # only a leading character matters
    assert safe_cell(" =1") == " =1"
    assert safe_cell("'=1") == "'=1"


def test_numbers_stay_numbers_and_text_is_quoted() -> None:
    rows = [{"n": -1, "x": 2.5, "b": True, "s": "-1", "none": None}]
    text = "".join(csv_lines(["n", "x", "b", "s", "none"], rows))
    # A negative rating value is a number, not a formula; a text "-1" is text.
    assert text.splitlines()[1] == '-1,2.5,"true","\'-1",""'


def test_bom_only_when_asked() -> None:
    with_bom = "".join(claims_csv([claim()], bom=True)).encode("utf-8")
    without = "".join(claims_csv([claim()])).encode("utf-8")
    assert with_bom.startswith(b'\xef\xbb\xbf"claim_id"')
    assert without.startswith(b'"claim_id"')
    assert with_bom[3:] == without
    assert "".join(evidence_csv([], bom=True)).startswith("\ufeff")


def test_claim_rows_name_people_by_email_and_name() -> None:
    record = corrected(2)
    [header, row] = read_csv(claims_csv([record]))
    assert header == CLAIM_FIELDS
    cells = dict(zip(header, row, strict=True))
    assert cells["proposed_by_email"] == "checker@checkers.example"
    assert cells["proposed_by_name"] == ""
    assert cells["approved_by_email"] == "editor@checkers.example"
    assert cells["approved_by_name"] == "Erin Editor"
    assert cells["rating_label"] == "Unverifiable" and cells["rating_value"] == ""
    assert cells["speaker_kind"] == "organization"
    assert cells["first_appearance_url"] == "https://news.example/speech"
    assert cells["appearance_urls"] == "https://news.example/speech https://other.example/repeat"
    assert cells["tags"] == "education\nbudget"
    assert cells["corrections"] == "2026-11-20: The ministry's figure could not be traced."
    assert cells["fact_check_url"] == record.public_url
    assert cells["approved_at"] == "2026-11-20T09:30:00Z"
    assert cells["first_published_at"] == "2026-11-10T00:00:00Z"


def test_jsonl_keeps_structure() -> None:
    record = claim(corrections=[Correction(date(2026, 11, 21), "Typo")])
    [line] = list(claims_jsonl([record]))
    row = json.loads(line)
    assert line.endswith("\n") and "\n" not in line[:-1]
    assert row["proposed_by"] == {"email": "checker@checkers.example", "name": ""}
    assert row["approved_by"] == {"email": "editor@checkers.example", "name": "Erin Editor"}
    assert row["appearances"][0] == {
        "url": "https://news.example/speech",
        "published_at": "2026-11-01",
        "title": "The speech",
        "publisher": "News Example",
    }
    assert row["corrections"] == [{"date": "2026-11-21", "note": "Typo"}]
    assert row["rating_value"] == 2 and row["tags"] == ["education", "budget"]


def test_evidence_rows_one_per_item() -> None:
    items = [
        evidence(),
        evidence(
            capture_id=None,
            captured_at=None,
            sha256=None,
            archive_url=None,
            quote=None,
            quote_found=None,
            stance="supports",
        ),
    ]
    [header, *rows] = read_csv(evidence_csv(items))
    assert header == EVIDENCE_FIELDS
    first = dict(zip(header, rows[0], strict=True))
    assert first == {
        "claim_id": "1",
        "url": "https://source.example/report",
        "publisher": "source.example",
        "stance": "refutes",
        "quote": "Only 14 schools",
        "quote_found": "true",
        "capture_id": "9",
        "captured_at": "2026-11-05T08:00:01Z",
        "sha256": "ab" * 32,
        "archive_url": "https://checkers.example/captures/9/view",
        "warc_path": "",
    }
    second = dict(zip(header, rows[1], strict=True))
    assert second["capture_id"] == "" and second["quote_found"] == ""
    lines = [json.loads(line) for line in evidence_jsonl(items)]
    assert lines[0]["capture_id"] == 9 and lines[1]["capture_id"] is None
    assert lines[0]["quote_found"] is True


def test_a_quote_that_looks_like_a_formula_is_neutralised_in_evidence() -> None:
    [_, row] = read_csv(evidence_csv([evidence(quote="@SUM(1+1)*cmd|' /C calc'!A0")]))
    assert row[EVIDENCE_FIELDS.index("quote")] == "'@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize("writer", [claims_csv, claims_jsonl])
def test_rows_are_pulled_one_at_a_time(writer: object) -> None:
    pulled = 0

    def records() -> Iterator[object]:
        nonlocal pulled
        for n in range(1, 10**6):
            pulled += 1
            yield claim(n)

    chunks = writer(records())  # type: ignore[operator]
    first = next(chunks)
    if writer is claims_csv:
        assert pulled == 0 and first.startswith('"claim_id"')
        next(chunks)
    assert pulled == 1
