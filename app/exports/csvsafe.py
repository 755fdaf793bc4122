"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV Injection").

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets, so such a cell gets a leading ``'``, which
they take as "text follows" and do not show. Numbers are written as numbers (a rating value of
-1 stays a number); text cells are quoted, as OWASP also advises.

Public interface::

    FORMULA_STARTS                      the leading characters that are neutralised
    safe_cell(value) -> str | int | float
    CsvWriter(fields, *, bom=False)     .header() -> str, .row(mapping) -> str (push style)
    csv_lines(fields, rows, *, bom=False) -> Iterator[str]   header, then one chunk per row
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: Any) -> str | int | float:
    """The cell as written: numbers as they are, booleans as ``true``/``false``, None as an
    empty cell, any other value as text with a formula start neutralised."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvWriter:
    """One CSV file, a line at a time: ``header()`` first, then ``row(mapping)`` per row."""

    def __init__(self, fields: Sequence[str], *, bom: bool = False) -> None:
        self.fields = list(fields)
        self._bom = bom
        self._buffer = io.StringIO()
        # QUOTE_NONNUMERIC quotes every text cell and leaves numbers bare.
        self._writer = csv.writer(self._buffer, quoting=csv.QUOTE_NONNUMERIC)

    def header(self) -> str:
        self._writer.writerow(self.fields)
        return (BOM if self._bom else "") + self._take()

    def row(self, row: Mapping[str, Any]) -> str:
        self._writer.writerow([safe_cell(row.get(name)) for name in self.fields])
        return self._take()

    def _take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def csv_lines(
    fields: Sequence[str], rows: Iterable[Mapping[str, Any]], *, bom: bool = False
) -> Iterator[str]:
    """The header line, then one chunk per row; ``bom`` puts a UTF-8 byte order mark first so
    that Excel reads the file as UTF-8. Rows are consumed one at a time."""
    writer = CsvWriter(fields, bom=bom)
    yield writer.header()
    for row in rows:
        yield writer.row(row)
