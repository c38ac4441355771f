"""Spreadsheet-safe exports: one writer for every CSV (and the cell rule for XLSX).

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel
and LibreOffice (`=HYPERLINK(…)` in a login name would become a live link). Such text gets a leading
apostrophe, the spreadsheet convention for "this is text"; numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # spreadsheet programs keep UTF-8 Vietnamese with it


def safe_cell(value: Any) -> Any:
    """The value as it may go into a spreadsheet cell: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every cell passes through `safe_cell`."""

    def __init__(self, buffer: IO[str]) -> None:
        self._writer = csv.writer(buffer)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(buffer: IO[str]) -> SafeWriter:
    return SafeWriter(buffer)


def xlsx_row(values: Iterable[Any]) -> list[Any]:
    """A row for openpyxl's `append`: the same rule as CSV."""
    return [safe_cell(v) for v in values]
