"""A batch of new raw rows: every row lands in exactly one of normalized and quarantined,
and a file whose rows break the contract is held back whole."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from bizdev_assets.ingest.file_outcome import ingest_file
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.normalize.batch import normalize_batch
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS, QUARANTINE_COLUMNS
from resources.landing import LandingFile

MAPPING = HeaderMapping.load()
NOW = datetime(2026, 12, 1)


def raw_rows(key: str, text: str) -> pl.DataFrame:
    """The rows `raw_contact_files` holds for a file with this content."""
    data = text.encode()
    landing_file = LandingFile(key=key, size=len(data), modified_ns=0)
    return ingest_file(landing_file, data, MAPPING, NOW).rows


GOOD = "Email,First Name,Last Name\nann@acme.de,Ann,Lee\n,,\nbob@beta.io,Bob,Ray,extra\n"
OTHER = "Email,First Name\ncid@gamma.fr,Cid\n"


def test_every_raw_row_is_either_normalized_or_quarantined():
    raw = raw_rows("good.csv", GOOD)
    batch = normalize_batch(raw)
    assert batch.normalized["email"].to_list() == ["ann@acme.de"]
    assert batch.normalized.height + batch.quarantined.height == raw.height
    assert batch.failures == {} and batch.file_hashes == raw["file_hash"].unique().to_list()


def test_an_unparseable_line_is_quarantined_with_its_reason_and_raw_content():
    quarantined = normalize_batch(raw_rows("good.csv", GOOD)).quarantined
    line = quarantined.filter(pl.col("source_row") == 4).row(0, named=True)
    assert line["reason"] == "malformed line: expected 3 fields, found 4"
    assert line["raw_content"] == "bob@beta.io,Bob,Ray,extra"


def test_a_file_breaking_the_contract_is_held_back_whole_and_named():
    broken = raw_rows("broken.csv", OTHER)
    # The same line twice gives two rows one record_id: the contract wants them unique.
    raw = pl.concat([raw_rows("good.csv", GOOD), broken, broken])
    batch = normalize_batch(raw)
    assert batch.held_back == ["broken.csv"]
    assert any("record_id" in failure for failure in batch.failures["broken.csv"])
    assert "broken.csv" not in batch.normalized["source_file"].to_list()
    assert "broken.csv" not in batch.quarantined["source_file"].to_list()
    assert batch.file_hashes == raw_rows("good.csv", GOOD)["file_hash"].unique().to_list()


def test_no_new_rows_give_empty_tables_in_the_contract_shape_and_no_files_to_mark():
    batch = normalize_batch(pl.DataFrame())
    assert dict(batch.normalized.schema) == NORMALIZED_COLUMNS
    assert dict(batch.quarantined.schema) == QUARANTINE_COLUMNS
    assert (batch.failures, batch.file_hashes) == ({}, [])
