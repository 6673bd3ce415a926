"""Intake over real HTTP (uvicorn on loopback): `POST /v1/contacts`, `POST /v1/uploads`,
`GET /v1/uploads/{id}`, and what the normal ingest makes of what the API landed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from resources.settings import Settings
from tests.api_support import api_settings, running_api
from tests.ingest_support import run_ingest


@pytest.fixture
def api_config(tmp_path: Path, landing: Path) -> Settings:
    return Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(tmp_path),
    )


def landed_files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.rglob("*") if p.is_file() and ".bizdev" not in p.parts)


def test_a_202_is_a_landing_file_the_ingest_reads_and_the_status_follows_it(api_config):
    with running_api(api_config) as api, api.client() as client:
        first = client.post(
            "/v1/contacts",
            json=[
                {"email": "ann.lee@example.com", "name": "Ann Lee", "company": "Acme"},
                {"email": "not-an-email"},  # passes the shape check; normalization refuses it
            ],
        )
        second = client.post(
            "/v1/contacts",
            json=[{"Email Address": "carl@example.org", "First Name": "Carl", "fav": "tea"}],
        )
        assert first.status_code == 202 and second.status_code == 202, first.text
        assert first.json()["records"] == 2 and first.headers["location"].startswith("/v1/uploads/")
        api.wait_compacted()

        run = run_ingest(api_config)
        assert run.result.success
        normalized = run.normalized()
        assert sorted(normalized["email"].drop_nulls().to_list()) == [
            "ann.lee@example.com",
            "carl@example.org",
        ]
        quarantine = run.quarantine()
        assert quarantine.height == 1 and "email" in quarantine["reason"][0]

        status = client.get(first.json()["status_url"]).json()
        assert status["state"] == "ingested"
        assert status["landing_key"].startswith("api/contacts/")
        assert (status["rows_read"], status["rows_normalized"], status["rows_quarantined"]) == (
            2,
            1,
            1,
        )
        assert status["quarantine"][0]["row"] == status["rows"]["last"]
        assert "email" in status["quarantine"][0]["reason"]
        assert "not-an-email" not in json.dumps(status)  # reasons are masked
        other = client.get(second.json()["status_url"]).json()
        assert (other["rows_normalized"], other["rows_quarantined"]) == (1, 0)


def test_a_retry_with_the_same_idempotency_key_lands_once(api_config, landing):
    records = [{"email": "dora@example.com", "first_name": "Dora"}]
    with running_api(api_config) as api, api.client() as client:
        key = {"Idempotency-Key": "order-4711"}
        first = client.post("/v1/contacts", json=records, headers=key)
        again = client.post("/v1/contacts", json=records, headers=key)
        other_body = client.post("/v1/contacts", json=records * 2, headers=key)
        api.wait_compacted()

    assert first.status_code == again.status_code == 202
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["upload_id"] == first.json()["upload_id"]
    assert other_body.status_code == 422 and "another body" in other_body.json()["detail"]
    lines = [line for f in landed_files(landing) for line in f.read_text().splitlines()]
    assert len(lines) == 1 and json.loads(lines[0])["email"] == "dora@example.com"


def test_records_breaking_the_contract_are_refused_per_record_and_none_land(api_config, landing):
    records = [
        {"email": "ok@example.com"},
        {"company": "Nobody GmbH"},
        "not an object",
        {"email": "x@example.com", "notes": "x" * 100_001},
    ]
    with running_api(api_config) as api, api.client() as client:
        response = client.post("/v1/contacts", json=records)
        api.wait_compacted()

    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["record"] for e in problem["errors"]] == [1, 2, 3]
    assert "no name, email or phone" in problem["errors"][0]["message"]
    assert "expected a JSON object" in problem["errors"][1]["message"]
    assert problem["errors"][2]["field"] == "notes"
    assert landed_files(landing) == []


def test_bad_bodies_get_the_right_4xx_and_nothing_lands(tmp_path, landing):
    config = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(tmp_path, max_body_bytes=100_000, max_records=50),
    )
    one = json.dumps([{"email": "a@example.com"}]).encode()
    with running_api(config) as api, api.client() as client:
        post = client.post

        def status(content: bytes, **headers: str) -> tuple[int, str]:
            headers.setdefault("Content-Type", "application/json")
            response = post("/v1/contacts", content=content, headers=headers)
            return response.status_code, response.json().get("detail", "")

        assert status(b"[{")[0] == 400
        assert status(b'[{"email": "\xff\xfe"}]')[0] == 400
        assert status(one, **{"Content-Type": "text/csv"})[0] == 415
        assert status(b'{"email": "a@example.com"}')[0] == 422
        assert status(b"[]")[0] == 422
        assert status(json.dumps([{"email": "a@example.com"}] * 51).encode())[0] == 413
        just_over = b"[" + b" " * (100_000 - 1) + b"]"
        code, detail = status(just_over)
        assert code == 413 and "100,000 bytes" in detail
        bomb = gzip.compress(b"[" + b" " * 50_000_000 + b"]")
        assert len(bomb) < 100_000
        code, detail = status(bomb, **{"Content-Encoding": "gzip"})
        assert code == 413 and "after gzip" in detail
        assert status(b"\x1f\x8bnot gzip", **{"Content-Encoding": "gzip"})[0] == 400
        assert status(gzip.compress(one), **{"Content-Encoding": "gzip"})[0] == 202
        assert status(one, **{"Content-Encoding": "br"})[0] == 415
        api.wait_compacted()

    lines = [line for f in landed_files(landing) for line in f.read_text().splitlines()]
    assert len(lines) == 1  # only the well-formed gzip body


def test_an_upload_lands_as_its_own_file_and_a_hostile_one_is_refused(tmp_path, landing):
    config = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(tmp_path, max_upload_bytes=2_000_000),
    )
    csv = "first_name,last_name,email\nEva,Berg,eva@example.com\nFinn,Ode,finn@example.com\n"
    wide = ",".join(f"c{i}" for i in range(200_000)) + "\n" + "x," * 199_999 + "x\n"
    with running_api(config) as api, api.client() as client:
        accepted = client.post("/v1/uploads", files={"file": ("leads.csv", csv.encode())})
        too_wide = client.post("/v1/uploads", files={"file": ("wide.csv", wide.encode())})
        too_big = client.post("/v1/uploads", files={"file": ("big.csv", b"a" * 3_000_000)})
        wrong_kind = client.post("/v1/uploads", files={"file": ("run.exe", b"MZ")})
        not_multipart = client.post(
            "/v1/uploads", content=csv, headers={"Content-Type": "text/csv"}
        )

        assert accepted.status_code == 202, accepted.text
        assert accepted.json()["records"] == 2
        assert too_wide.status_code == 422 and "column" in too_wide.json()["detail"]
        assert too_big.status_code == 413
        assert wrong_kind.status_code == 415
        assert not_multipart.status_code == 415
        files = landed_files(landing)
        assert [f.name for f in files] == [f"{accepted.json()['upload_id']}-leads.csv"]

        run = run_ingest(config)
        assert run.result.success and run.normalized().height == 2
        status = client.get(accepted.json()["status_url"]).json()
        assert status["state"] == "ingested" and status["rows_normalized"] == 2


def test_an_upload_status_is_only_for_its_client(api_config):
    with running_api(api_config) as api:
        with api.client(subject="alice") as alice:
            url = alice.post("/v1/contacts", json=[{"email": "a@example.com"}]).json()["status_url"]
            assert alice.get(url).status_code == 200
        with api.client(subject="bob") as bob:
            assert bob.get(url).status_code == 404
            assert bob.get("/v1/uploads/up_nothing").status_code == 404
        with api.client("admin", subject="ops") as admin:
            assert admin.get(url).status_code == 200
