"""Reading Excel workbooks: every sheet, numbers kept as digit strings, headers below a
title row, formulas kept as text, corrupt workbooks rejected."""

from __future__ import annotations

import json
from pathlib import Path

import xlsxwriter

from bizdev_assets.ingest.readers import read_contact_file
from tests.reader_support import MAPPING, column, read


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)  # never parsed as a formula or number
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path


def test_xlsx_reads_every_sheet_and_skips_an_empty_one(tmp_path):
    path = write_xlsx(
        tmp_path / "events.xlsx",
        {
            "Paris": [["Prénom", "Nom", "Courriel"], ["Zoé", "Dubois", "z@x.fr"]],
            "Notes": [],
            "Madrid": [["Nombre", "Apellidos", "Correo"], ["Ana", "García", "a@x.es"]],
        },
    )
    result = read_contact_file(path, tmp_path, MAPPING)
    assert result.error is None and result.source_type == "xlsx"
    assert column(result, "source_sheet") == ["Paris", "Madrid"]
    assert column(result, "source_row") == [2, 2]
    assert column(result, "last_name") == ["Dubois", "García"]
    assert column(result, "first_name") == ["Zoé", "Ana"]
    assert result.warnings == ["events.xlsx: sheet 'Notes' is empty, skipped"]


def test_xlsx_numeric_phone_cells_stay_digit_strings(tmp_path):
    path = write_xlsx(
        tmp_path / "n.xlsx",
        {"S": [["Email", "Phone", "PLZ", "Score"], ["a@x.io", 4155550134, 10115, 2.5]]},
    )
    row = read_contact_file(path, tmp_path, MAPPING).rows.row(0, named=True)
    assert (row["phone"], row["postal_code"]) == ("4155550134", "10115")
    assert json.loads(row["attributes"]) == {"Score": "2.5"}


def test_xlsx_header_below_a_title_row_keeps_sheet_row_numbers(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        {"S": [["Trade fair leads 2024"], [], ["Email", "Company"], ["a@x.io", "Acme"]]},
    )
    result = read_contact_file(path, tmp_path, MAPPING)
    assert column(result, "email") == ["a@x.io"] and column(result, "source_row") == [4]


def test_xlsx_formula_text_cells_are_kept_as_text(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", {"S": [["Email"], ['=HYPERLINK("http://x")']]})
    assert column(read_contact_file(path, tmp_path, MAPPING), "email") == ['=HYPERLINK("http://x")']


def test_corrupt_xlsx_is_rejected(tmp_path):
    result = read(tmp_path, "broken.xlsx", b"PK\x03\x04 this is not really a zip")
    assert result.error is not None
    assert result.error.startswith("broken.xlsx is not a readable .xlsx workbook")
