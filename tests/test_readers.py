"""Reading a dropped contact file of any format into the raw canonical frame: the
columns, provenance and file identity every format shares, header overrides, and files
of a type bizdev does not read."""

from __future__ import annotations

import json

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.ingest.readers import RAW_SCHEMA, HeaderMapping, read_contact_bytes
from tests.reader_support import MAPPING, column, read


def test_rows_have_exactly_the_raw_columns_and_types(tmp_path):
    result = read(tmp_path, "a.csv", "Email,Name\na@x.io,Ann\n")
    assert result.rows.columns == list(RAW_COLUMNS)
    assert dict(result.rows.schema) == RAW_SCHEMA


def test_crm_export_csv_keeps_provenance_and_record_id(tmp_path):
    result = read(tmp_path, "drop/crm_export.csv", "Contact ID,First Name,Email\nC-1,Ann,a@x.io\n")
    row = result.rows.row(0, named=True)
    assert result.error is None and result.source_type == "csv"
    assert row["source_file"] == "drop/crm_export.csv"
    assert row["source_sheet"] is None and row["source_row"] == 2
    assert row["source_record_id"] == "C-1"
    assert (row["first_name"], row["email"], row["attributes"]) == ("Ann", "a@x.io", None)


def test_unmapped_columns_go_to_attributes_as_json(tmp_path):
    result = read(tmp_path, "p.csv", 'Email,Notes,Größe,Empty\na@x.io,"met at ""Expo""",Ü,\n')
    attributes = column(result, "attributes")[0]
    assert attributes == json.dumps({"Notes": 'met at "Expo"', "Größe": "Ü"}, ensure_ascii=False)


def test_header_with_no_known_field_is_rejected(tmp_path):
    result = read(tmp_path, "odd.csv", "foo,bar\n1,2\n")
    assert result.error is not None and "naming a known contact field" in result.error


def test_same_bytes_give_the_same_file_hash(tmp_path):
    content = b"Email\na@x.io\n"
    first = read(tmp_path, "one.csv", content)
    second = read_contact_bytes(content, "elsewhere/two.csv", MAPPING)
    assert first.file_hash == second.file_hash == column(first, "file_hash")[0]
    assert len(first.file_hash) == 64


def test_override_yaml_is_applied_when_reading(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("- match: 'messe/*'\n  columns: {Kürzel: source_record_id}\n")
    mapping = HeaderMapping.load(overrides)
    result = read_contact_bytes(b"K\xc3\xbcrzel;E-Mail\nMX-1;a@x.io\n", "messe/a.csv", mapping)
    assert column(result, "source_record_id") == ["MX-1"]


def test_unsupported_suffix_is_rejected(tmp_path):
    result = read(tmp_path, "contacts.pdf", b"%PDF-1.4")
    assert result.error is not None and "unsupported file type '.pdf'" in result.error
