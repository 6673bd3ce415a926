"""Every file is isolated: a header, a file name or a reader failure in one file never
stops the run or the files after it; headers are text, never column expressions."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter

from bizdev_assets.ingest.file_outcome import ingest_file
from bizdev_assets.ingest.headers import HeaderMapping
from resources.landing import LandingFile
from tests.ingest_support import run_ingest

MAPPING = HeaderMapping.load()
NOW = datetime(2026, 12, 1, 9, 30)
GOOD = b"Name,Email\nGrace Hopper,grace@navy.mil\n"

FUZZ_HEADERS = [
    "^.*$",
    ".*",
    "(",
    "[a-",
    "\\",
    "$",
    "*",
    "",
    " ",
    "Email",  # a duplicate of the mapped column
    "Email (2)",  # collides with the name given to a duplicate
    "column_2",  # collides with the name given to a blank header
    "x" * 10_000,
    "\x1b[31mred\x07",
    "tab\there",
    "nul\x00byte",
    "line\u2028sep",
    "\u202eevil",
    "c0",  # the positional name of the first column
    '"quoted"',
    "=HYPERLINK(1)",
    "ünïcödé 名前",
]


def _csv(header: str) -> bytes:
    escaped = '"' + header.replace('"', '""') + '"'
    return f"Email,{escaped}\na@x.io,value\n".encode()


def _json(header: str) -> bytes:
    return json.dumps([{"email": "a@x.io", header: "value"}]).encode()


def _xlsx(header: str) -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        sheet = book.add_worksheet()
        for col, (top, value) in enumerate([("Email", "a@x.io"), (header[:32767], "value")]):
            sheet.write_string(0, col, top.replace("\x00", ""))
            sheet.write_string(1, col, value)
    return buffer.getvalue()


@pytest.mark.parametrize("header", FUZZ_HEADERS, ids=range(len(FUZZ_HEADERS)))
@pytest.mark.parametrize("kind", ["csv", "json", "xlsx"])
def test_any_header_is_read_as_text_and_its_values_kept(kind: str, header: str):
    data = {"csv": _csv, "json": _json, "xlsx": _xlsx}[kind](header)
    name = f"fuzz.{kind}"

    outcome = ingest_file(LandingFile(name, len(data), 0), data, MAPPING, NOW)

    assert not outcome.rejected, outcome.read.error
    rows = outcome.rows
    assert rows["email"].to_list() == ["a@x.io"]
    attributes = rows["attributes"][0]
    if header.strip() != "Email" and header != "email":
        assert "value" in json.loads(attributes).values()
    log = outcome.log_row.row(0, named=True)
    assert log["status"] == "loaded" and log["rows_read"] == 1


def test_a_regex_header_neither_stops_the_run_nor_the_files_after_it(settings, landing: Path):
    (landing / "a_regex.csv").write_bytes(b"Email,^.*$\nada@example.com,1\n")
    (landing / "b_good.csv").write_bytes(GOOD)

    run = run_ingest(settings)

    assert run.result.success
    log = run.file_log()
    assert {name: row["status"] for name, row in log.items()} == {
        "a_regex.csv": "loaded",
        "b_good.csv": "loaded",
    }
    assert sorted(run.normalized()["email"].to_list()) == ["ada@example.com", "grace@navy.mil"]


def test_a_file_name_that_is_not_utf8_is_stored_escaped_and_the_next_file_still_loads(
    settings, landing: Path
):
    with open(os.fsencode(landing) + b"/caf\xe9_leads.csv", "wb") as latin1_named:
        latin1_named.write(b"Name,Email\nAda Lovelace,ada@example.com\n")
    (landing / "z_good.csv").write_bytes(GOOD)

    run = run_ingest(settings)

    assert run.result.success
    log = run.file_log()
    assert log["caf\\xe9_leads.csv"]["status"] == "loaded"
    assert log["z_good.csv"]["status"] == "loaded"
    assert log["caf\\xe9_leads.csv"]["normalized_at"] is not None
    assert run.normalized().height == 2


def test_a_newline_or_escape_in_a_file_name_cannot_forge_a_log_line(settings, landing: Path):
    name = "evil\n2026-12-01 - dagster - ERROR - forged\x1b[2J.csv"
    (landing / name).write_bytes(b"Name,Email\nAda Lovelace,ada@example.com\n")

    run = run_ingest(settings)

    assert run.result.success
    (stored,) = run.file_log()
    assert stored == "evil\\n2026-12-01 - dagster - ERROR - forged\\x1b[2J.csv"
    for _, message in run.messages:
        assert "\n2026-12-01" not in message and "\x1b" not in message


def test_a_nul_spelled_in_json_is_removed_so_any_warehouse_can_store_the_row(
    settings, landing: Path
):
    # PostgreSQL text cannot hold NUL; JSON can spell it. Stored as text without it.
    (landing / "a_nul.json").write_text(json.dumps([{"email": "a\u0000da@example.com"}]))
    (landing / "b_good.csv").write_bytes(GOOD)

    run = run_ingest(settings)

    assert run.result.success
    log = run.file_log()
    assert log["a_nul.json"]["status"] == "loaded" and log["b_good.csv"]["status"] == "loaded"
    assert "\x00" not in "".join(
        run.warehouse.query("select email from raw_contact_files")["email"]
    )
