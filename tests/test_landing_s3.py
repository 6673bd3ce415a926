"""The landing zone in an S3-compatible bucket (moto over HTTP), configured like production:
`BIZDEV_LANDING=s3://bucket/prefix` plus the standard AWS variables (`aws_env`), nothing
else. How the sensor notices new objects: `test_landing_s3_sensor.py`."""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.request
from pathlib import Path

import dagster as dg
import pytest
from botocore.response import StreamingBody

from bizdev_assets.ingest.assets import raw_contact_files
from resources.landing import LandingUnavailable, LocalLanding
from resources.landing.s3 import S3Landing
from resources.pipeline_config import PipelineConfig
from resources.settings import landing_for
from resources.warehouse import DuckDBWarehouse
from tests.servers.s3 import S3Server

ADA = b"Name,Email\nAda Lovelace,ada@example.com\n"
GRACE = b"Name,Email\nGrace Hopper,grace@navy.mil\n"


@pytest.fixture
def bucket_landing(aws_env: S3Server, s3_bucket: str) -> S3Landing:
    landing = landing_for(f"s3://{s3_bucket}/inbox")
    assert isinstance(landing, S3Landing)
    return landing


def put(server: S3Server, bucket: str, key: str, body: bytes) -> None:
    server.client().put_object(Bucket=bucket, Key=key, Body=body)


def test_landing_for_chooses_a_bucket_by_url_and_a_folder_otherwise():
    bucket = landing_for("s3://leads-bucket/trade-shows/2026/")
    assert isinstance(bucket, S3Landing)
    assert (bucket.bucket, bucket.prefix) == ("leads-bucket", "trade-shows/2026")
    assert bucket.location == "s3://leads-bucket/trade-shows/2026/"
    assert landing_for("s3://leads-bucket").prefix == ""
    assert isinstance(landing_for("./data/landing"), LocalLanding)
    with pytest.raises(ValueError, match="BIZDEV_LANDING"):
        landing_for("s3:///no-bucket")


def test_objects_under_the_prefix_are_listed_and_read_back(
    bucket_landing: S3Landing, s3_server: S3Server, s3_bucket: str
):
    for key, body in {
        "inbox/a.csv": ADA,
        "inbox/2026/b.csv": GRACE,
        "inbox/2026/": b"",  # a "folder" made by a console
        "inbox/.hidden.csv": ADA,
        "inbox/.tmp/c.csv": ADA,
        "inbox/upload.csv.part": ADA,
        "inbox-archive/old.csv": ADA,  # a sibling prefix, not the landing zone
        "elsewhere.csv": ADA,
    }.items():
        put(s3_server, s3_bucket, key, body)

    files = bucket_landing.list_files()

    assert [f.key for f in files] == ["2026/b.csv", "a.csv"]
    assert files[0].size == len(GRACE)
    assert files[0].etag == hashlib.md5(GRACE).hexdigest()
    assert files[0].modified_ns > 0
    assert bucket_landing.read_bytes("a.csv") == ADA
    assert bucket_landing.read_bytes("2026/b.csv") == GRACE


def test_a_multi_megabyte_object_is_streamed_in_chunks(
    bucket_landing: S3Landing, s3_server: S3Server, s3_bucket: str, monkeypatch
):
    body = b"Name,Email\n" + b"".join(
        f"Person {i},person{i}@example.com\n".encode() for i in range(800_000)
    )
    assert len(body) > 20 * 1024 * 1024
    put(s3_server, s3_bucket, "inbox/big.csv", body)
    chunk_sizes: list[int] = []
    original = StreamingBody.iter_chunks

    def counting_iter_chunks(self, chunk_size=1024):
        for chunk in original(self, chunk_size):
            chunk_sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(StreamingBody, "iter_chunks", counting_iter_chunks)

    assert bucket_landing.read_bytes("big.csv") == body
    assert len(chunk_sizes) >= 3 and max(chunk_sizes) <= 8 * 1024 * 1024


class LandingThatLosesAnObject(S3Landing):
    """Lists the bucket, then lets `vanishing` be deleted before the asset reads it."""

    vanishing: str

    def scan(self):
        found = super().scan()
        self._s3().delete_object(Bucket=self.bucket, Key=self._key_prefix + self.vanishing)
        return found


def test_an_object_deleted_between_listing_and_reading_is_skipped_with_a_warning(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
):
    put(aws_env, s3_bucket, "inbox/gone.csv", ADA)
    put(aws_env, s3_bucket, "inbox/2026/stays.csv", GRACE)
    landing = LandingThatLosesAnObject(bucket=s3_bucket, prefix="inbox", vanishing="gone.csv")
    warehouse = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))

    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [raw_contact_files],
            instance=instance,
            resources={
                "landing": landing,
                "warehouse": warehouse,
                "pipeline_config": PipelineConfig(),
            },
        )
        warnings = [
            entry.user_message
            for entry in instance.all_logs(result.run_id)
            if entry.level == logging.WARNING
        ]

    assert result.success
    assert any("gone.csv" in w and "skipped" in w for w in warnings), warnings
    log = warehouse.query("select source_file, etag, status from landing_file_log")
    assert log.rows() == [("2026/stays.csv", hashlib.md5(GRACE).hexdigest(), "loaded")]
    raw = warehouse.query("select distinct source_file from raw_contact_files")
    assert raw["source_file"].to_list() == ["2026/stays.csv"]


def test_redropping_the_same_content_under_another_key_adds_nothing(
    bucket_landing: S3Landing, s3_server: S3Server, s3_bucket: str, tmp_path: Path
):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
    resources = {
        "landing": bucket_landing,
        "warehouse": warehouse,
        "pipeline_config": PipelineConfig(),
    }
    put(s3_server, s3_bucket, "inbox/ada.csv", ADA)
    assert dg.materialize([raw_contact_files], resources=resources).success
    put(s3_server, s3_bucket, "inbox/copies/ada (1).csv", ADA)
    assert dg.materialize([raw_contact_files], resources=resources).success

    assert warehouse.row_count("raw_contact_files") == 1
    assert warehouse.row_count("landing_file_log") == 1


def _set_moto_auth(server: S3Server, initial_unauthenticated_calls: str) -> None:
    """moto checks credentials only when told to (its /moto-api/reset-auth endpoint)."""
    request = urllib.request.Request(
        f"{server.endpoint_url}/moto-api/reset-auth",
        data=initial_unauthenticated_calls.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["status"] == "ok"


def test_wrong_credentials_name_the_variables_to_fix(
    bucket_landing: S3Landing, aws_env: S3Server, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG0")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    _set_moto_auth(aws_env, "0")
    try:
        with pytest.raises(LandingUnavailable) as raised:
            bucket_landing.list_files()
    finally:
        _set_moto_auth(aws_env, "inf")

    message = str(raised.value)
    assert "AWS_ACCESS_KEY_ID" in message and "AWS_SECRET_ACCESS_KEY" in message
    assert "InvalidAccessKeyId" in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_missing_credentials_name_the_variables_to_set(
    bucket_landing: S3Landing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    with pytest.raises(LandingUnavailable, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        bucket_landing.list_files()


def test_a_missing_bucket_names_bizdev_landing(aws_env: S3Server):
    with pytest.raises(LandingUnavailable, match="BIZDEV_LANDING") as raised:
        landing_for("s3://no-such-bucket-here/inbox").list_files()
    assert "no-such-bucket-here" in str(raised.value)


def test_an_unreachable_endpoint_names_aws_endpoint_url(
    aws_env: S3Server, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: refused
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    with pytest.raises(LandingUnavailable, match="AWS_ENDPOINT_URL"):
        landing_for("s3://leads/inbox").list_files()
