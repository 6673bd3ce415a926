"""Limits a landing file must keep: each one refuses the file (or quarantines the row)
with a message naming the limit and the setting that raises it, before memory or time
run away."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest

from bizdev_assets.ingest.file_outcome import ingest_file
from bizdev_assets.ingest.headers import HeaderMapping
from resources.ingest_limits import IngestLimits
from resources.landing import LandingFile
from resources.settings import Settings, build_resources
from tests.hostile_files import people_csv, xlsx, zip_bomb_xlsx
from tests.ingest_support import run_ingest

MAPPING = HeaderMapping.load()
NOW = datetime(2026, 12, 1, 9, 30)
REPO = Path(__file__).resolve().parent.parent


def ingest(name: str, data: bytes, limits: IngestLimits | None = None):
    item = LandingFile(name, len(data), 0)
    return ingest_file(item, data, MAPPING, NOW, limits or IngestLimits())


def test_limits_are_settings_with_defaults_and_clear_errors_for_bad_values():
    settings = Settings.from_env(
        {
            "BIZDEV_MAX_FILE_BYTES": "1_000_000",
            "BIZDEV_MAX_XLSX_RATIO": "50",
            "BIZDEV_MAX_COLUMNS": "300",
        }
    )
    limits = build_resources(settings)["pipeline_config"].ingest_limits
    assert (limits.max_file_bytes, limits.max_xlsx_ratio, limits.max_columns) == (
        1_000_000,
        50,
        300,
    )
    assert limits.max_field_chars == IngestLimits().max_field_chars
    with pytest.raises(ValueError, match="BIZDEV_MAX_JSON_DEPTH='deep' is not a positive whole"):
        Settings.from_env({"BIZDEV_MAX_JSON_DEPTH": "deep"})


def test_a_file_over_the_size_limit_is_rejected_unread_with_the_setting_to_raise(
    tmp_path: Path, landing: Path
):
    (landing / "big.csv").write_bytes(people_csv(2_000))
    (landing / "small.csv").write_bytes(people_csv(3, start=5_000))
    settings = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "w.duckdb"),
        ingest_limits={"max_file_bytes": 10_000},
    )

    run = run_ingest(settings)
    rerun = run_ingest(settings)

    assert run.result.success and rerun.result.success
    log = run.file_log()
    assert log["small.csv"]["status"] == "loaded"
    assert log["big.csv"]["status"] == "rejected"
    assert "BIZDEV_MAX_FILE_BYTES" in log["big.csv"]["error"]
    assert log["big.csv"]["error"].startswith("big.csv: ")
    assert run.metadata()["bytes_read"] == len(people_csv(3, start=5_000))
    assert rerun.warehouse.row_count("landing_file_log") == 2  # retried, not duplicated


def test_a_zip_bomb_is_refused_from_its_directory_in_well_under_a_second():
    bomb = zip_bomb_xlsx()
    started = time.perf_counter()
    outcome = ingest("bomb.xlsx", bomb)
    elapsed = time.perf_counter() - started

    assert outcome.rejected and elapsed < 1.0
    assert "BIZDEV_MAX_XLSX_UNCOMPRESSED_BYTES" in outcome.read.error


def test_a_workbook_compressed_past_the_ratio_is_refused_as_a_zip_bomb():
    outcome = ingest("dense.xlsx", zip_bomb_xlsx(40_000_000))
    assert outcome.rejected and "zip bomb" in outcome.read.error
    assert "BIZDEV_MAX_XLSX_RATIO" in outcome.read.error


def test_a_workbook_whose_directory_understates_its_content_is_refused_as_damaged():
    honest = zip_bomb_xlsx(5_000_000)
    entry = honest.index(b"xl/worksheets/sheet1.xml", honest.index(b"PK\x01\x02"))
    lying = bytearray(honest)
    lying[entry - 22 : entry - 18] = (1_000).to_bytes(4, "little")  # uncompressed size
    outcome = ingest("lying.xlsx", bytes(lying), IngestLimits(max_xlsx_ratio=1e9))
    assert outcome.rejected and "damaged" in outcome.read.error


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_too_many_columns_reject_the_file_naming_the_setting(kind: str):
    headers = ["Email"] + [f"extra {i}" for i in range(60)]
    if kind == "csv":
        data = (",".join(headers) + "\n" + ",".join(["a@x.io"] + ["v"] * 60) + "\n").encode()
    elif kind == "xlsx":
        data = xlsx({"Sheet1": [headers, ["a@x.io"] + ["v"] * 60]})
    else:
        data = json.dumps([{h: "v" for h in headers}]).encode()
    outcome = ingest(f"wide.{kind}", data, IngestLimits(max_columns=50))
    assert outcome.rejected and "BIZDEV_MAX_COLUMNS" in outcome.read.error


def test_a_json_file_with_100k_distinct_keys_is_refused_not_turned_into_columns():
    records = [{"email": f"u{i}@x.io", f"key_{i}": "v"} for i in range(100_000)]
    started = time.perf_counter()
    outcome = ingest("keys.json", json.dumps(records).encode())
    assert outcome.rejected and "BIZDEV_MAX_COLUMNS" in outcome.read.error
    assert time.perf_counter() - started < 10


def test_a_cell_over_the_field_limit_quarantines_its_row_only_with_the_column_named():
    data = b"Name,Email,Notes\nAda,ada@x.io," + b"n" * 50_000 + b"\nBob,bob@x.io,short\n"
    outcome = ingest("notes.csv", data, IngestLimits(max_field_chars=1_000))

    assert not outcome.rejected
    assert outcome.rows["email"].to_list() == [None, "bob@x.io"]
    (bad,) = outcome.read.rejected_lines
    assert bad.source_row == 2
    assert "column 'Notes' holds more than 1,000 characters" in bad.reason
    assert "BIZDEV_MAX_FIELD_CHARS" in bad.reason
    assert len(bad.raw_content) < 10_100 and "[cut: 50,013 characters in all]" in bad.raw_content


def test_a_record_nested_past_the_depth_limit_is_quarantined_alone():
    nested: dict = {"leaf": "x"}
    for _ in range(10):
        nested = {"n": nested}
    lines = [{"email": "a@x.io"}, {"email": "b@x.io", "deep": nested}, {"email": "c@x.io"}]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    outcome = ingest("forms.ndjson", data, IngestLimits(max_json_depth=5))

    assert outcome.rows.filter(outcome.rows["read_error"].is_null())["email"].to_list() == [
        "a@x.io",
        "c@x.io",
    ]
    (bad,) = outcome.read.rejected_lines
    assert bad.source_row == 2 and "BIZDEV_MAX_JSON_DEPTH" in bad.reason


PEAK_RSS = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from bizdev_assets.ingest.file_outcome import ingest_file
    from bizdev_assets.ingest.headers import HeaderMapping
    from resources.landing import LandingFile

    def high_water_mb():  # VmHWM: this process's peak RSS (ru_maxrss survives exec)
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024

    mapping = HeaderMapping.load()
    before = high_water_mb()
    data = open(sys.argv[1], "rb").read()
    started = time.perf_counter()
    outcome = ingest_file(LandingFile(sys.argv[1], len(data), 0), data, mapping, datetime.now())
    elapsed = time.perf_counter() - started
    print(outcome.log_row["status"][0], outcome.rows.height, len(outcome.read.rejected_lines),
          before, high_water_mb(), round(elapsed, 2))
    """
)


def peak_rss(path: Path) -> tuple[str, int, int, int, int, float]:
    """Ingest one file in a fresh process: status, rows, rejected lines, MB before and at
    peak, seconds. A process that runs away is killed after 120 s."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    status, rows, rejected, before, peak, seconds = done.stdout.split()
    return status, int(rows), int(rejected), int(before), int(peak), float(seconds)


def test_peak_memory_of_a_zip_bomb_and_a_50_mb_cell_stays_bounded(tmp_path: Path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(zip_bomb_xlsx())
    cell = tmp_path / "cell.csv"
    cell.write_bytes(
        b"Name,Email,Notes\n"
        + b"Big Cell,big@x.io,"
        + b"x" * (50 * 1024 * 1024)
        + b"\n"
        + b"".join(b"P%d,p%d@x.io,ok\n" % (i, i) for i in range(1_000))
    )

    status, _, _, before, peak, seconds = peak_rss(bomb)
    print(
        f"zip bomb (1.15 GB of sheet XML in {bomb.stat().st_size:,} bytes): {status}, "
        f"peak RSS {peak} MB ({before} MB after imports), {seconds} s"
    )
    assert status == "rejected" and peak - before < 100 and seconds < 2

    status, rows, rejected, before, peak, seconds = peak_rss(cell)
    print(
        f"50 MB cell: {status}, {rows} rows, peak RSS {peak} MB ({before} MB after imports), {seconds} s"
    )
    assert (status, rows, rejected) == ("loaded", 1_001, 1)
    assert peak - before < 300
