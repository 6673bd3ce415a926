"""What one landing file adds to the warehouse: its raw rows and its file-log row."""

from __future__ import annotations

import json
from datetime import datetime

from bizdev_assets.ingest.file_outcome import (
    FILE_LOG_SCHEMA,
    RAW_TABLE_SCHEMA,
    IngestSummary,
    ingest_file,
)
from bizdev_assets.ingest.headers import HeaderMapping
from resources.landing import LandingFile

MAPPING = HeaderMapping.load()
NOW = datetime(2026, 12, 1, 9, 30)
RAGGED = b"Email,Company,City\na@x.io,Acme,Berlin\nb@x.io,Acme,Berlin,extra\nd@x.io,Beta,Paris\n"


def landing_file(key: str, data: bytes, etag: str | None = None) -> LandingFile:
    return LandingFile(key=key, size=len(data), modified_ns=0, etag=etag)


def test_unparseable_lines_become_rows_with_read_error_in_file_order():
    outcome = ingest_file(landing_file("drop/r.csv", RAGGED), RAGGED, MAPPING, NOW)
    rows = outcome.rows
    assert dict(rows.schema) == RAW_TABLE_SCHEMA
    assert rows["source_row"].to_list() == [2, 3, 4]
    assert rows["email"].to_list() == ["a@x.io", None, "d@x.io"]
    assert rows["read_error"].to_list() == [
        None,
        "malformed line: expected 3 fields, found 4",
        None,
    ]
    bad = rows.row(1, named=True)
    assert json.loads(bad["attributes"]) == {"_raw_line": "b@x.io,Acme,Berlin,extra"}
    assert bad["source_file"] == "drop/r.csv" and bad["file_hash"] == rows["file_hash"][0]
    assert rows["ingested_at"].unique().to_list() == [NOW]


def test_a_read_file_is_logged_as_loaded_with_its_counts_size_and_etag():
    outcome = ingest_file(landing_file("r.csv", RAGGED, etag="abc"), RAGGED, MAPPING, NOW)
    assert not outcome.rejected
    assert dict(outcome.log_row.schema) == FILE_LOG_SCHEMA
    log = outcome.log_row.row(0, named=True)
    assert log["status"] == "loaded" and log["error"] is None
    assert (log["rows_read"], log["lines_rejected"]) == (2, 1)
    assert (log["size_bytes"], log["etag"]) == (len(RAGGED), "abc")
    assert log["file_hash"] == outcome.read.file_hash
    assert log["ingested_at"] == NOW and log["normalized_at"] is None


def test_an_unreadable_file_adds_no_rows_and_is_logged_as_rejected_with_the_reason():
    data = b"Email#Company\na@x.io#Acme\n"
    outcome = ingest_file(landing_file("odd.csv", data), data, MAPPING, NOW)
    assert outcome.rejected
    assert outcome.rows.height == 0 and dict(outcome.rows.schema) == RAW_TABLE_SCHEMA
    log = outcome.log_row.row(0, named=True)
    assert log["status"] == "rejected"
    assert log["error"].startswith("odd.csv ") and log["rows_read"] == 0


def test_the_run_summary_counts_files_and_rows_and_names_rejected_files():
    good = ingest_file(landing_file("r.csv", RAGGED), RAGGED, MAPPING, NOW)
    bad_data = b"foo,bar\n1,2\n"
    bad = ingest_file(landing_file("odd.csv", bad_data), bad_data, MAPPING, NOW)
    summary = IngestSummary()
    summary.add(good)
    summary.add(bad)
    assert summary.loaded == ["r.csv"]
    assert [r["file"] for r in summary.rejected] == ["odd.csv"]
    assert summary.rows == 3
    assert summary.preview().height == 3


def test_an_empty_run_has_an_empty_preview_in_the_table_shape():
    assert dict(IngestSummary().preview().schema) == RAW_TABLE_SCHEMA
    assert IngestSummary().preview().height == 0
