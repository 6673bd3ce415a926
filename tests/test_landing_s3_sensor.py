"""The landing sensor on a bucket: new and rewritten objects are found, a tick does bounded
work, and nothing is lost or taken twice when S3 timestamps tie or arrive out of order."""

from __future__ import annotations

import time
from datetime import timedelta

import dagster as dg
import pytest

import sensors.landing
from resources.landing.s3 import S3Landing
from resources.settings import landing_for
from sensors.landing import landing_file_sensor
from tests.servers.s3 import S3Server

ADA = b"Name,Email\nAda Lovelace,ada@example.com\n"
GRACE = b"Name,Email\nGrace Hopper,grace@navy.mil\n"


@pytest.fixture
def bucket_landing(aws_env: S3Server, s3_bucket: str) -> S3Landing:
    landing = landing_for(f"s3://{s3_bucket}/inbox")
    assert isinstance(landing, S3Landing)
    return landing


def moto_s3_backend():
    """The session server's S3 backend (moto runs in this process), for bulk setup."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def put(server: S3Server, bucket: str, key: str, body: bytes) -> None:
    server.client().put_object(Bucket=bucket, Key=key, Body=body)


def tick(instance: dg.DagsterInstance, landing, cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"landing": landing}
    )
    results = list(landing_file_sensor(context))
    assert len(results) == 1
    return results[0], context.cursor


def test_ten_thousand_objects_are_paged_across_ticks_until_all_are_seen(
    aws_env: S3Server, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
):
    total, per_tick = 10_000, 2_500  # moto lists 10,000 objects in ~3 s: 4 pages, not 10
    monkeypatch.setattr(sensors.landing, "FILES_PER_TICK", per_tick)
    backend = moto_s3_backend()
    for i in range(total):  # straight into moto: all within a second or two, so ties abound
        backend.put_object(s3_bucket, f"inbox/batch/{i:05d}.csv", b"n,e\n%d,x\n" % i)
    # A whole sweep per tick (sweep_seconds), so the cursor's window moves each tick.
    landing = S3Landing(bucket=s3_bucket, prefix="inbox", settle_seconds=2, sweep_seconds=60)

    seen_per_tick: list[int] = []
    run_keys: set[str] = set()
    cursor_sizes: list[int] = []
    with dg.instance_for_test() as instance:
        cursor = None
        for _ in range(total // per_tick + 3):
            started = time.perf_counter()
            result, cursor = tick(instance, landing, cursor)
            assert time.perf_counter() - started < 20  # far below the 60 s sensor timeout
            cursor_sizes.append(len(cursor))
            if isinstance(result, dg.SkipReason):
                break
            seen_per_tick.append(int(result.tags["bizdev/new_files"]))
            run_keys.add(result.run_key)

        assert isinstance(result, dg.SkipReason)
        assert seen_per_tick == [per_tick] * (total // per_tick)
        assert len(run_keys) == len(seen_per_tick)
        # Once the objects are older than a sweep (plus settle_seconds), the cursor holds
        # positions, not fingerprints.
        for _ in range(3):
            if len(cursor) < 300:
                break
            result, cursor = tick(instance, landing, cursor)
            assert isinstance(result, dg.SkipReason)
        assert len(cursor) < 300, cursor

        # One new object among the 10,000: found by the next tick.
        dropped = time.perf_counter()
        put(aws_env, s3_bucket, "inbox/late_arrival.csv", GRACE)
        result, cursor = tick(instance, landing, cursor)
        latency = time.perf_counter() - dropped
        assert isinstance(result, dg.RunRequest), result
        assert result.tags["bizdev/new_files"] == "1"
        print(f"put_object -> RunRequest, 1 new among {total:,}: {latency:.2f} s")


def test_an_object_rewritten_in_place_requests_a_run_and_an_unchanged_one_does_not(
    bucket_landing: S3Landing, s3_server: S3Server, s3_bucket: str
):
    with dg.instance_for_test() as instance:
        result, cursor = tick(instance, bucket_landing, None)
        assert isinstance(result, dg.SkipReason)

        put(s3_server, s3_bucket, "inbox/leads.csv", ADA)
        result, cursor = tick(instance, bucket_landing, cursor)
        assert isinstance(result, dg.RunRequest)
        first_key = result.run_key

        result, cursor = tick(instance, bucket_landing, cursor)
        assert isinstance(result, dg.SkipReason)

        # Likely within the same second as the first write: only the ETag tells them apart.
        put(s3_server, s3_bucket, "inbox/leads.csv", ADA + b"Alan Turing,alan@example.com\n")
        result, cursor = tick(instance, bucket_landing, cursor)
        assert isinstance(result, dg.RunRequest)
        assert result.run_key != first_key

        result, cursor = tick(instance, bucket_landing, cursor)
        assert isinstance(result, dg.SkipReason)


def test_objects_sharing_a_timestamp_are_paged_without_loss_or_repeats(
    bucket_landing: S3Landing, s3_server: S3Server, s3_bucket: str
):
    keys = [f"inbox/{name}.csv" for name in "edcba"]
    for key in keys:
        put(s3_server, s3_bucket, key, key.encode())

    seen: list[str] = []
    cursor = None
    for _ in range(10):
        files, cursor = bucket_landing.list_files_since(cursor, limit=2)
        if not files:
            break
        seen += [f.key for f in files]
    assert sorted(seen) == sorted(k.removeprefix("inbox/") for k in keys)
    assert len(seen) == len(set(seen))

    put(s3_server, s3_bucket, "inbox/0_first_by_name.csv", b"late")
    files, cursor = bucket_landing.list_files_since(cursor, limit=2)
    assert [f.key for f in files] == ["0_first_by_name.csv"]


def test_an_object_that_shows_up_stamped_before_others_already_taken_is_still_new(
    bucket_landing: S3Landing, s3_server: S3Server, s3_bucket: str
):
    put(s3_server, s3_bucket, "inbox/quick.csv", ADA)
    files, cursor = bucket_landing.list_files_since(None, limit=10)
    assert [f.key for f in files] == ["quick.csv"]

    # A slow upload: S3 stamps it when it started, so it lists as older than quick.csv.
    slow = moto_s3_backend().put_object(s3_bucket, "inbox/slow.csv", GRACE)
    slow.last_modified -= timedelta(seconds=20)
    files, cursor = bucket_landing.list_files_since(cursor, limit=10)
    assert [f.key for f in files] == ["slow.csv"]

    files, cursor = bucket_landing.list_files_since(cursor, limit=10)
    assert files == []
