"""Cells a spreadsheet would run as formulas (OWASP CSV injection) never reach a text
field of an export or a CRM: canonical fields are nulled with a note, unmapped values
are escaped with a leading quote."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.ingest.file_outcome import ingest_file
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.normalize.contacts import normalize_contacts
from bizdev_assets.normalize.text import is_formula_like
from resources.landing import LandingFile
from resources.settings import build_resources
from resources.warehouse import DuckDBWarehouse

PAYLOADS = [
    "-2+3+cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-10+20+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
NUMBERS = ["+49 89 1234567", "-1", "+1 (415) 555-0134 x12", "+44 20 7946 0958 ext. 4"]


def spreadsheet_would_run(value: str) -> bool:
    """The test's own oracle: OWASP's prefixes, except a value that is only a number."""
    number = re.fullmatch(r"[+-]?[0-9 ()./-]*((ext\.?|x|#) ?[0-9]+)?", value)
    return value[:1] in ("=", "+", "-", "@", "\t", "\r") and number is None


@pytest.mark.parametrize("value", PAYLOADS)
def test_owasp_formula_prefixes_are_caught(value: str):
    assert is_formula_like(value)


@pytest.mark.parametrize("value", NUMBERS)
def test_numbers_written_as_phones_are_not_formulas(value: str):
    assert not is_formula_like(value)


def _csv(rows: list[list[str]]) -> bytes:
    def quoted(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    return "\n".join(",".join(quoted(v) for v in row) for row in rows).encode() + b"\n"


def test_formulas_in_fields_are_nulled_and_in_attributes_escaped():
    rows = [["Name", "Email", "Title", "Phone", "Notes"]]
    rows += [
        [f"P{i}", f"p{i}@x.io", payload, "+1 (415) 555-0134 x12", payload]
        for i, payload in enumerate(PAYLOADS)
    ]
    data = _csv(rows)
    outcome = ingest_file(
        LandingFile("f.csv", len(data), 0), data, HeaderMapping.load(), datetime(2026, 12, 1)
    )

    normalized, _ = normalize_contacts(outcome.rows)

    assert normalized["title"].to_list() == [None] * len(PAYLOADS)
    assert all("title: formula-like value" in n for n in normalized["normalization_notes"])
    assert normalized["phone"].unique().to_list() == ["+14155550134"]
    notes = [json.loads(a)["Notes"] for a in normalized["attributes"]]
    assert all(n.startswith("'") for n in notes)
    assert [n[1:] for n in notes] == PAYLOADS


def test_no_formula_reaches_golden_contacts_or_any_normalized_text(
    tmp_path: Path, landing: Path, settings
):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=600, seed=3)
    rows = [["First Name", "Last Name", "Email", "Job Title", "Company", "City", "Notes"]]
    rows += [
        ["Eve", "Mallory", f"eve{i}@evil.example", payload, payload, payload, payload]
        for i, payload in enumerate(PAYLOADS)
    ]
    (landing / "partner_export.csv").write_bytes(_csv(rows))

    with dg.instance_for_test() as instance:
        result = dg.materialize(ASSETS, instance=instance, resources=build_resources(settings))
    assert result.success

    warehouse = DuckDBWarehouse(path=settings.warehouse)
    for table in ("contacts_normalized", "golden_contacts"):
        frame = warehouse.read_table(table)
        text = frame.select(pl.col(pl.String)).drop("attributes", strict=False)
        for name in text.columns:
            values = [v for v in text[name].to_list() if v]
            assert not [v for v in values if spreadsheet_would_run(v)], (table, name)
