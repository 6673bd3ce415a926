"""Robust parsing: one bad record costs that record, not its file or its neighbours, and
every refusal says what is really wrong."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from bizdev_assets.normalize.emails import normalize_email
from tests.hostile_files import with_member, xlsx
from tests.reader_support import column, read


def good_rows(result) -> list:
    return result.rows.filter(pl.col("email").is_not_null())["email"].to_list()


def test_a_4300_digit_number_in_one_ndjson_line_costs_nothing(tmp_path: Path):
    data = (
        b'{"email":"a@x.io"}\n{"email":"b@x.io","big_number":'
        + b"9" * 4_400
        + b'}\n{"email":"c@x.io"}\n'
    )
    result = read(tmp_path, "forms.ndjson", data)
    assert result.error is None and result.rejected_lines == []
    assert good_rows(result) == ["a@x.io", "b@x.io", "c@x.io"]
    assert json.loads(column(result, "attributes")[1])["big_number"] == "9" * 4_400


def test_deep_nesting_quarantines_its_line_and_the_file_loads(tmp_path: Path):
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    data = b'{"email":"a@x.io"}\n' + deep + b'\n{"email":"c@x.io"}\n'
    result = read(tmp_path, "forms.ndjson", data)
    assert result.error is None
    assert good_rows(result) == ["a@x.io", "c@x.io"]
    (bad,) = result.rejected_lines
    assert bad.source_row == 2 and "BIZDEV_MAX_JSON_DEPTH" in bad.reason


def test_bad_elements_of_a_json_array_are_quarantined_one_by_one(tmp_path: Path):
    deep = "[" * 50_000 + "]" * 50_000
    text = (
        '[{"email":"a@x.io"}, 42, "text", null, {"email":"b@x.io","n":' + "9" * 5_000 + "},"
        f'{{"email":"deep@x.io","x":{deep}}}, [1], {{"email":"c@x.io"}}]'
    )
    result = read(tmp_path, "api.json", text)
    assert result.error is None
    assert good_rows(result) == ["a@x.io", "b@x.io", "c@x.io"]
    assert [(r.source_row, r.reason.split(" (")[0]) for r in result.rejected_lines] == [
        (2, "array element 2 is not an object"),
        (3, "array element 3 is not an object"),
        (4, "array element 4 is not an object"),
        (6, "array element 6 is nested more than 64 levels deep; the limit is 64"),
        (7, "array element 7 is not an object"),
    ]


def test_a_lone_carriage_return_ends_a_line_and_merges_nothing(tmp_path: Path):
    lines = [f"Person {i},p{i}@x.io" for i in range(130)]
    data = ("Name,Email\n" + "\n".join(lines[:3]) + "\r" + "\n".join(lines[3:]) + "\n").encode()
    result = read(tmp_path, "mac.csv", data)
    assert result.rejected_lines == []
    assert len(good_rows(result)) == 130
    assert "universal-newline" not in json.dumps(result.warnings)


def test_an_unclosed_quote_rejects_one_line_not_the_121_after_it(tmp_path: Path):
    lines = [f"Person {i},p{i}@x.io" for i in range(121)]
    data = ('Name,Email\nAda,"ada@x.io\n' + "\n".join(lines) + "\n").encode()
    result = read(tmp_path, "quote.csv", data)
    (bad,) = result.rejected_lines
    assert bad.source_row == 2 and bad.raw_content == 'Ada,"ada@x.io'
    assert len(good_rows(result)) == 121
    assert column(result, "source_row")[:2] == [3, 4]


def test_a_two_level_merged_header_maps_the_lower_row(tmp_path: Path):
    rows = [
        ["Contact", None, None, "Company", None],
        ["First Name", "Last Name", "E-Mail", "Company Name", "City"],
        ["Ada", "Lovelace", "ada@x.io", "Engines Ltd", "London"],
    ]
    result = read(tmp_path, "merged.xlsx", xlsx({"Leads": rows}))
    assert result.error is None
    assert column(result, "email") == ["ada@x.io"]
    assert column(result, "first_name") == ["Ada"] and column(result, "full_name") == [None]
    assert column(result, "source_row") == [3]
    assert any("the header is row 2" in w for w in result.warnings)


def test_a_hidden_sheet_loads_with_a_warning_naming_it(tmp_path: Path):
    sheets = {"Visible": [["Email"], ["a@x.io"]], "Old leads": [["Email"], ["b@x.io"]]}
    result = read(tmp_path, "book.xlsx", xlsx(sheets, hidden=("Old leads",)))
    assert sorted(column(result, "email")) == ["a@x.io", "b@x.io"]
    assert any("sheet 'Old leads' is hidden" in w for w in result.warnings)


def test_corrupt_sheet_xml_is_reported_as_damaged_not_as_missing_headers(tmp_path: Path):
    book = with_member(
        xlsx({"Leads": [["Email"], ["a@x.io"]]}),
        "xl/worksheets/sheet1.xml",
        b"<worksheet><sheetData><row>",
    )
    result = read(tmp_path, "broken.xlsx", book)
    assert result.error is not None and "damaged" in result.error
    assert "no sheet with a header row" not in result.error


def test_a_csv_without_a_header_row_is_told_so(tmp_path: Path):
    result = read(tmp_path, "data.csv", "Ada Lovelace,ada@x.io\nGrace Hopper,grace@x.io\n")
    assert result.error is not None and "has no header row" in result.error
    assert "delimiter" not in result.error and "ada@x.io" not in result.error


def test_an_xls_renamed_csv_is_named_as_such_without_binary_in_the_message(tmp_path: Path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40
    result = read(tmp_path, "export.csv", data)
    assert result.error is not None and "legacy Excel .xls" in result.error
    assert result.error.isascii() and result.error.isprintable()


def test_a_binary_file_named_csv_is_refused_without_dumping_it(tmp_path: Path):
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    result = read(tmp_path, "logo.csv", data)
    assert result.error is not None and "not a text file" in result.error
    assert result.error.isprintable() and len(result.error) < 400


def test_a_quoted_local_part_is_told_quoting_is_not_allowed():
    note = normalize_email('"quoted local"@example.com')["email_note"]
    assert "must have an @-sign" not in note and "Quoting the part before the @-sign" in note


def test_blank_and_delimiter_only_lines_are_skipped_and_counted_not_rejected(tmp_path: Path):
    data = b"Name;Email;City;Zip\nAda;ada@x.io;B;1\n;;;\n;;\n\r\n   \nBob;bob@x.io;C;2\n"
    result = read(tmp_path, "export.csv", data)
    assert result.rejected_lines == []
    assert good_rows(result) == ["ada@x.io", "bob@x.io"]
    assert result.blank_lines == 4


def test_utf16_without_a_byte_order_mark_and_nul_padding_are_read(tmp_path: Path):
    utf16 = read(tmp_path, "u.csv", "Name,Email\nZoë Ada,zoe@x.io\n".encode("utf-16-le"))
    assert column(utf16, "email") == ["zoe@x.io"] and column(utf16, "full_name") == ["Zoë Ada"]
    padded = read(tmp_path, "n.csv", b"Name,Email\nAda\x00\x00,ada@x.io\x00\n")
    assert column(padded, "full_name") == ["Ada"] and column(padded, "email") == ["ada@x.io"]
    assert any("NUL" in w for w in padded.warnings)
