"""A bucket that grows: a run downloads only objects it has not loaded in that version,
and a sensor tick lists from where the last one stopped instead of the whole prefix.

Calls are counted on the S3 server's side (moto runs in this process), so the counts do
not depend on the code under test reporting itself."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from moto.s3.models import S3Backend
from moto.s3.responses import S3Response

import sensors.landing
from bizdev_assets.ingest.assets import raw_contact_files
from bizdev_assets.ingest.file_outcome import FILE_LOG_SCHEMA, FILE_LOG_TABLE
from resources.landing.base import display_name
from resources.landing.s3 import S3Landing
from resources.pipeline_config import PipelineConfig
from resources.warehouse import DuckDBWarehouse
from sensors.landing import landing_file_sensor
from tests.servers.s3 import S3Server


def moto_backend() -> S3Backend:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


@pytest.fixture
def s3_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    """Server-side counts of the API calls moto answers: GetObject calls and the bytes of
    their bodies, ListObjectsV2 calls."""
    calls: Counter = Counter()
    get_object, list_v2 = S3Response.get_object, S3Response.list_objects_v2

    def counting_get(self):
        status, headers, body = get_object(self)
        calls["get"] += 1
        calls["bytes"] += len(body) if isinstance(body, bytes | str) else 0
        return status, headers, body

    def counting_list(self):
        calls["list"] += 1
        return list_v2(self)

    monkeypatch.setattr(S3Response, "get_object", counting_get)
    monkeypatch.setattr(S3Response, "list_objects_v2", counting_list)
    yield calls


def csv_body(i: int) -> bytes:
    return b"Name,Email\nPerson %d,p%d@example.com\n" % (i, i)


def ingest(landing: S3Landing, warehouse: DuckDBWarehouse) -> dict:
    resources = {"landing": landing, "warehouse": warehouse, "pipeline_config": PipelineConfig()}
    result = dg.materialize([raw_contact_files], resources=resources)
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_a_rerun_downloads_nothing_it_has_loaded_and_a_rewrite_is_read_again(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path, s3_calls: Counter
):
    client = aws_env.client()
    for i in range(5):
        client.put_object(Bucket=s3_bucket, Key=f"inbox/f{i}.csv", Body=csv_body(i))
    landing = S3Landing(bucket=s3_bucket, prefix="inbox")
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))

    first = ingest(landing, warehouse)
    assert (s3_calls["get"], first["files_loaded"]) == (5, 5)

    s3_calls.clear()
    client.put_object(Bucket=s3_bucket, Key="inbox/f5.csv", Body=csv_body(5))
    client.put_object(Bucket=s3_bucket, Key="inbox/f0.csv", Body=csv_body(50))  # rewritten
    second = ingest(landing, warehouse)
    assert s3_calls["get"] == 2 and s3_calls["bytes"] == len(csv_body(5)) + len(csv_body(50))
    assert (second["files_loaded"], second["files_already_ingested"]) == (2, 4)
    assert second["bytes_read"] == s3_calls["bytes"]

    s3_calls.clear()
    third = ingest(landing, warehouse)
    assert (s3_calls["get"], s3_calls["bytes"], third["bytes_read"]) == (0, 0, 0)
    assert third["files_already_ingested"] == 6


def tick(instance: dg.DagsterInstance, landing: S3Landing, cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"landing": landing}
    )
    (result,) = list(landing_file_sensor(context))
    return result, context.cursor


def new_files(result) -> int:
    return int(result.tags["bizdev/new_files"]) if isinstance(result, dg.RunRequest) else 0


def fill(bucket: str, count: int, prefix: str = "inbox/2026/") -> None:
    backend = moto_backend()
    for i in range(count):
        backend.put_object(bucket, f"{prefix}{i:06d}.csv", csv_body(i))


def caught_up(instance, landing, monkeypatch) -> str:
    """Tick until every object so far was reported; the cursor after."""
    monkeypatch.setattr(sensors.landing, "FILES_PER_TICK", 200_000)
    result, cursor = tick(instance, landing, None)
    while isinstance(result, dg.RunRequest):
        result, cursor = tick(instance, landing, cursor)
    monkeypatch.setattr(sensors.landing, "FILES_PER_TICK", 1_000)
    return cursor


def test_a_tick_lists_from_the_last_key_seen_not_the_whole_prefix(
    aws_env: S3Server, s3_bucket: str, s3_calls: Counter, monkeypatch: pytest.MonkeyPatch
):
    fill(s3_bucket, 2_500)
    landing = S3Landing(bucket=s3_bucket, prefix="inbox", sweep_seconds=0)
    with dg.instance_for_test() as instance:
        cursor = caught_up(instance, landing, monkeypatch)
        for i in range(10):
            aws_env.client().put_object(
                Bucket=s3_bucket, Key=f"inbox/2026/later_{i}.csv", Body=csv_body(i)
            )
        s3_calls.clear()
        result, cursor = tick(instance, landing, cursor)

    assert new_files(result) == 10
    assert s3_calls["list"] == 2  # one after the frontier, one page of the sweep (of 3)


def test_a_key_sorting_before_the_frontier_or_rewritten_in_place_is_found_within_one_sweep(
    aws_env: S3Server, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
):
    fill(s3_bucket, 1_500)
    landing = S3Landing(bucket=s3_bucket, prefix="inbox", sweep_seconds=0)  # a page a tick
    client = aws_env.client()
    with dg.instance_for_test() as instance:
        cursor = caught_up(instance, landing, monkeypatch)
        client.put_object(Bucket=s3_bucket, Key="inbox/2025/early.csv", Body=csv_body(1))
        client.put_object(Bucket=s3_bucket, Key="inbox/2026/000700.csv", Body=csv_body(7))
        found = []
        for _ in range(3):  # 1,502 keys = 2 pages: one sweep, wherever it stood
            result, cursor = tick(instance, landing, cursor)
            found.append(new_files(result))
        assert sum(found) == 2, found
        for _ in range(3):  # and never again
            result, cursor = tick(instance, landing, cursor)
            assert new_files(result) == 0


def seed_file_log(warehouse: DuckDBWarehouse, landing: S3Landing) -> int:
    """The log a past run would have left after loading every object now in the bucket."""
    files = landing.list_files()
    now = datetime.now(UTC).replace(tzinfo=None)
    log = pl.DataFrame(
        {
            "file_hash": [f"{i:064x}" for i in range(len(files))],
            "source_file": [display_name(f.key) for f in files],
            "source_type": ["csv"] * len(files),
            "size_bytes": [f.size for f in files],
            "etag": [f.etag for f in files],
            "status": ["loaded"] * len(files),
            "rows_read": [1] * len(files),
            "lines_rejected": [0] * len(files),
            "error": [None] * len(files),
            "warnings": ["[]"] * len(files),
            "landed_at": [now] * len(files),
            "ingested_at": [now] * len(files),
            "normalized_at": [now] * len(files),
        },
        schema=FILE_LOG_SCHEMA,
    )
    warehouse.append_many({FILE_LOG_TABLE: log})
    return len(files)


@pytest.mark.slow
def test_a_bucket_of_100k_objects_ticks_in_2_s_and_a_rerun_downloads_no_known_byte(
    aws_env: S3Server,
    s3_bucket: str,
    tmp_path: Path,
    s3_calls: Counter,
    monkeypatch: pytest.MonkeyPatch,
):
    started = time.perf_counter()
    fill(s3_bucket, 100_000)
    print(f"\n100,000 objects created in {time.perf_counter() - started:.1f} s")
    landing = S3Landing(bucket=s3_bucket, prefix="inbox")
    client = aws_env.client()
    with dg.instance_for_test() as instance:
        started = time.perf_counter()
        cursor = caught_up(instance, landing, monkeypatch)
        print(f"first catch-up of 100,000 objects: {time.perf_counter() - started:.1f} s")
        for i in range(10):
            client.put_object(Bucket=s3_bucket, Key=f"inbox/2026/zz_new_{i}.csv", Body=csv_body(i))
        s3_calls.clear()
        started = time.perf_counter()
        result, cursor = tick(instance, landing, cursor)
        elapsed = time.perf_counter() - started
    print(f"tick with 10 new among 100,010: {elapsed:.2f} s, {s3_calls['list']} list calls")
    assert new_files(result) == 10 and elapsed <= 2.0

    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    known = seed_file_log(warehouse, landing)
    for i in range(10, 20):
        client.put_object(Bucket=s3_bucket, Key=f"inbox/2026/zz_new_{i}.csv", Body=csv_body(i))
    s3_calls.clear()
    started = time.perf_counter()
    run = ingest(landing, warehouse)
    print(
        f"run over {known + 10:,} objects ({known:,} known): {time.perf_counter() - started:.1f} s, "
        f"{s3_calls['get']} downloads, {s3_calls['bytes']:,} bytes"
    )
    assert s3_calls["get"] == 10 and run["files_already_ingested"] == known

    s3_calls.clear()
    started = time.perf_counter()
    rerun = ingest(landing, warehouse)
    print(
        f"re-run: {time.perf_counter() - started:.1f} s, {s3_calls['get']} downloads, "
        f"{s3_calls['bytes']} bytes"
    )
    assert (s3_calls["get"], s3_calls["bytes"], rerun["bytes_read"]) == (0, 0, 0)
