"""The service around the routes, over real HTTP: health and readiness, Prometheus
metrics, OpenAPI, refusals in one shape; and the whole path on the production pair
(landing zone on the S3 test server, warehouse on PostgreSQL)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from resources.settings import Settings
from resources.warehouse import PostgresWarehouse
from tests.api_support import api_settings, running_api
from tests.outreach_support import outreach_in
from tests.test_api_webhooks import GENERIC_SECRET, standard_headers
from tests.test_pipeline_end_to_end import materialize_all


def test_health_metrics_and_openapi(tmp_path, landing):
    config = Settings(
        landing=str(landing), warehouse=str(tmp_path / "w.duckdb"), api=api_settings(tmp_path)
    )
    with running_api(config) as api, api.client() as client:
        client.post("/v1/contacts", json=[{"email": "m@example.com"}])
        client.post("/v1/contacts", content=b"[", headers={"Content-Type": "application/json"})
        health = client.get("/healthz")
        ready = client.get("/readyz")
        metrics = client.get("/metrics")
        openapi = client.get("/openapi.json").json()
        docs = client.get("/docs")
        unknown = client.get("/v2/nothing")
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json()["ready"] is True
    text = metrics.text
    assert 'bizdev_api_payloads_total{kind="contacts",outcome="accepted"} 1.0' in text
    assert 'bizdev_api_payloads_total{kind="contacts",outcome="rejected"} 1.0' in text
    assert 'bizdev_api_requests_total{method="POST",route="/v1/contacts",status="400"} 1.0' in text
    assert 'bizdev_api_request_seconds_bucket{le="0.05",method="POST",route="/v1/contacts"}' in text
    assert {"/v1/contacts", "/v1/uploads", "/graphql", "/v1/outreach/enroll"} <= set(
        openapi["paths"]
    )
    assert docs.status_code == 200
    assert unknown.status_code == 404 and unknown.json()["detail"].startswith("no route")


def test_readyz_names_the_warehouse_it_cannot_reach(tmp_path, landing):
    config = Settings(
        landing=str(landing),
        warehouse="postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2",
        api=api_settings(tmp_path),
    )
    with running_api(config) as api, api.client() as client:
        ready = client.get("/readyz")
        accepted = client.post("/v1/contacts", json=[{"email": "still@example.com"}])
    assert ready.status_code == 503
    assert ready.json()["landing"] == "ok" and ready.json()["warehouse"].startswith("unreachable")
    assert accepted.status_code == 202  # intake never needs the warehouse


def test_on_s3_and_postgres_a_payload_goes_from_202_to_a_readable_contact(
    tmp_path: Path, aws_env, s3_bucket, postgres_url
):
    config = Settings(
        landing=f"s3://{s3_bucket}/inbox",
        warehouse=postgres_url,
        api=api_settings(tmp_path, webhook_secret=GENERIC_SECRET),
        **outreach_in(tmp_path),
    )
    people = [
        {"email": f"p{i}@example.com", "first_name": f"Pat{i}", "last_name": "Quinn"}
        for i in range(30)
    ]
    with running_api(config) as api, api.client("admin") as client:
        accepted = client.post("/v1/contacts", json=people, headers={"Idempotency-Key": "s3-1"})
        assert accepted.status_code == 202, accepted.text
        signal = json.dumps({"type": "signal.news", "data": {"title": "Quinn opens office"}})
        delivered = httpx.post(
            f"{api.url}/v1/webhooks/generic/news",
            content=signal,
            headers=standard_headers(signal.encode(), "n1", GENERIC_SECRET),
        )
        assert delivered.status_code == 202
        api.wait_compacted()
        keys = [o["Key"] for o in aws_env.client().list_objects_v2(Bucket=s3_bucket)["Contents"]]
        assert [k for k in keys if not k.startswith("inbox/.bizdev/")] == [
            k for k in keys if k.startswith("inbox/api/contacts/")
        ]
        assert materialize_all(config).success

        status = client.get(accepted.json()["status_url"]).json()
        found = client.get("/v1/contacts", params={"email": "p7@example.com"}).json()["data"]
        graph = client.post(
            "/graphql", json={"query": "{ contacts(first: 50) { edges { node { id } } } }"}
        )
        warehouse = PostgresWarehouse(url=postgres_url)
        deadline = time.monotonic() + 30
        while not warehouse.table_exists("signal_inbox"):
            assert time.monotonic() < deadline, "the signal never reached PostgreSQL"
            time.sleep(0.1)

    assert status["state"] == "ingested" and status["rows_normalized"] == 30
    assert [c["first_name"] for c in found] == ["Pat7"]
    assert len(graph.json()["data"]["contacts"]["edges"]) == 30
    assert warehouse.read_table("signal_inbox")["title"].to_list() == ["Quinn opens office"]
