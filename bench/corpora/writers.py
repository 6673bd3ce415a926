"""Writing tables to files the way the tools that make them do, byte-for-byte repeatable.

CSV as Excel saves "CSV UTF-8" (with a byte-order mark), German Excel's CSV (Windows-1252,
semicolons, CRLF), TSV, NDJSON with nested objects and blank fields left out (as web-form
exports do), and XLSX workbooks with several sheets. Each writer returns the row number
the product's ingest gives each record (CSV/TSV/XLSX: header is row 1; NDJSON: line).
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import xlsxwriter

from .layouts import Table

Rows = list[list[str]]
_FIXED_TIME = datetime(2025, 1, 1)  # workbook metadata, so the bytes do not depend on today


def _csv(path: Path, table: Table, rows: Rows) -> list[int]:
    encoding, delimiter, newline = {
        "csv": ("utf-8-sig", ",", "\n"),
        "csv-cp1252": ("cp1252", ";", "\r\n"),
        "tsv": ("utf-8", "\t", "\n"),
    }[table.format]
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
        writer.writerow([c.header for c in table.columns])
        writer.writerows(rows)
    return list(range(2, len(rows) + 2))


def _nested(headers: list[str], row: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for header, value in zip(headers, row, strict=True):
        if not value:
            continue
        *parents, leaf = header.split(".")
        node = out
        for key in parents:
            node = node.setdefault(key, {})  # type: ignore[assignment]
        node[leaf] = value  # type: ignore[index]
    return out


def _ndjson(path: Path, table: Table, rows: Rows) -> list[int]:
    headers = [c.header for c in table.columns]
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(_nested(headers, row), ensure_ascii=False) + "\n")
    return list(range(1, len(rows) + 1))


def _xlsx(path: Path, sheets: list[tuple[Table, Rows]]) -> list[list[int]]:
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False,
               "strings_to_formulas": False}  # fmt: skip
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"created": _FIXED_TIME, "author": "bizdev corpora"})
    numbers = []
    for table, rows in sheets:
        sheet = book.add_worksheet(table.sheet)
        sheet.write_row(0, 0, [c.header for c in table.columns])
        write = sheet.write_string
        for k, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                if value:  # blank cells are simply absent, as in a saved workbook
                    write(k, j, value)
        numbers.append(list(range(2, len(rows) + 2)))
    book.close()
    return numbers


def write_file(path: Path, sheets: list[tuple[Table, Rows]]) -> list[list[int]]:
    """Write one file (several sheets only for XLSX); the source row of every data row."""
    fmt = sheets[0][0].format
    if fmt == "xlsx":
        return _xlsx(path, sheets)
    if len(sheets) != 1:
        raise ValueError(f"{path.name}: only workbooks hold several tables")
    table, rows = sheets[0]
    if fmt == "ndjson":
        return [_ndjson(path, table, rows)]
    return [_csv(path, table, rows)]
