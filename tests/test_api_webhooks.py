"""Signed webhooks over real HTTP: HubSpot v3, the Salesforce relay and generic Standard
Webhooks senders; what is accepted reaches `crm_webhook_events` / `signal_inbox` or the
landing zone, what is not authentic is refused before it is read."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import httpx
import pytest

from bizdev_api.webhooks.signatures import hubspot_signature, standard_signature
from resources.settings import Settings
from resources.warehouse import DuckDBWarehouse
from tests.api_support import api_settings, running_api

HUBSPOT_SECRET = "hubspot-client-secret"
OLD_HUBSPOT_SECRET = "hubspot-client-secret-before-rotation"
RELAY_SECRET = "whsec_" + base64.b64encode(b"salesforce-relay-key-32-bytes!!!").decode()
GENERIC_SECRET = "whsec_" + base64.b64encode(b"generic-webhook-key-32-bytes!!!!").decode()
OLD_GENERIC_SECRET = "whsec_" + base64.b64encode(b"generic-webhook-key-before-rot!!").decode()


@pytest.fixture
def config(tmp_path: Path, landing: Path) -> Settings:
    return Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(
            tmp_path,
            hubspot_webhook_secret=HUBSPOT_SECRET,
            hubspot_webhook_secret_previous=OLD_HUBSPOT_SECRET,
            salesforce_relay_secret=RELAY_SECRET,
            webhook_secret=GENERIC_SECRET,
            webhook_secret_previous=OLD_GENERIC_SECRET,
        ),
    )


def hubspot_post(url: str, body: bytes, *, secret=HUBSPOT_SECRET, age_seconds: float = 0):
    timestamp = str(int((time.time() - age_seconds) * 1000))
    uri = f"{url}/v1/webhooks/hubspot"
    headers = {
        "Content-Type": "application/json",
        "X-HubSpot-Request-Timestamp": timestamp,
        "X-HubSpot-Signature-v3": hubspot_signature(secret, "POST", uri, body, timestamp),
    }
    return httpx.post(uri, content=body, headers=headers, timeout=30)


def standard_headers(body: bytes, msg_id: str, secret: str, age_seconds: float = 0) -> dict:
    timestamp = str(int(time.time() - age_seconds))
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": standard_signature(secret, msg_id, timestamp, body),
    }


def wait_for_rows(warehouse_path: str, table: str, count: int, timeout: float = 30) -> list:
    warehouse = DuckDBWarehouse(path=warehouse_path)
    deadline = time.monotonic() + timeout
    while True:
        if Path(warehouse_path).exists() and warehouse.table_exists(table):
            rows = warehouse.read_table(table).to_dicts()
            if len(rows) >= count:
                return rows
        assert time.monotonic() < deadline, f"{table} did not reach {count} rows"
        time.sleep(0.1)


HUBSPOT_EVENTS = [
    {"eventId": 1, "subscriptionType": "contact.propertyChange", "objectId": 501},
    {"eventId": 2, "subscriptionType": "company.creation", "objectId": 77},
]


def test_a_signed_hubspot_delivery_becomes_crm_webhook_events(config):
    body = json.dumps(HUBSPOT_EVENTS).encode()
    with running_api(config) as api:
        response = hubspot_post(api.url, body)
        assert response.status_code == 200, response.text
        assert response.json() == {"received": 2}
        rows = wait_for_rows(config.warehouse, "crm_webhook_events", 2)
    assert {(r["crm_type"], r["object_type"]) for r in rows} == {
        ("hubspot", "contacts"),
        ("hubspot", "companies"),
    }
    assert any('"objectId": 501' in r["payload"] for r in rows)


def test_hubspot_refuses_a_wrong_old_or_replayed_signature_and_takes_the_previous_secret(
    config,
):
    body = json.dumps(HUBSPOT_EVENTS[:1]).encode()
    with running_api(config) as api:
        wrong = hubspot_post(api.url, body, secret="not-the-secret")
        old = hubspot_post(api.url, body, age_seconds=301)
        unsigned = httpx.post(f"{api.url}/v1/webhooks/hubspot", content=body)
        rotated = hubspot_post(api.url, body, secret=OLD_HUBSPOT_SECRET)
        signed = {
            k: v for k, v in rotated.request.headers.items() if k.lower().startswith("x-hubspot")
        }
        tampered = httpx.post(f"{api.url}/v1/webhooks/hubspot", content=body + b" ", headers=signed)
        replay = httpx.post(f"{api.url}/v1/webhooks/hubspot", content=body, headers=signed)
        metrics = api.anonymous().get("/metrics").text

    assert wrong.status_code == 401 and "does not match" in wrong.json()["detail"]
    assert old.status_code == 401 and "5 minutes" in old.json()["detail"]
    assert unsigned.status_code == 401 and "missing" in unsigned.json()["detail"]
    assert tampered.status_code == 401
    assert rotated.status_code == 200
    assert replay.status_code == 409 and "replay" in replay.json()["detail"]
    assert 'bizdev_api_webhooks_total{outcome="refused",source="hubspot"} 4.0' in metrics
    events = DuckDBWarehouse(path=config.warehouse)
    assert (
        wait_for_rows(config.warehouse, "crm_webhook_events", 1)
        and events.row_count("crm_webhook_events") == 1
    )


def test_the_salesforce_relay_is_recorded_once_per_webhook_id(config):
    body = json.dumps({"sobject": "contacts", "ids": ["003xx0001"]}).encode()
    with running_api(config) as api:
        url = f"{api.url}/v1/webhooks/salesforce"
        first = httpx.post(url, content=body, headers=standard_headers(body, "msg_1", RELAY_SECRET))
        time.sleep(1.1)  # a redelivery: same id, new timestamp, so a new signature
        again = httpx.post(url, content=body, headers=standard_headers(body, "msg_1", RELAY_SECRET))
        late = httpx.post(
            url, content=body, headers=standard_headers(body, "msg_2", RELAY_SECRET, 400)
        )
        rows = wait_for_rows(config.warehouse, "crm_webhook_events", 1)
        time.sleep(0.5)
    assert first.json() == {"received": 1} and again.json() == {"duplicate": True}
    assert late.status_code == 401 and "old" in late.json()["detail"]
    assert len(DuckDBWarehouse(path=config.warehouse).read_table("crm_webhook_events")) == 1
    assert rows[0]["crm_type"] == "salesforce" and "msg_1" in rows[0]["payload"]


def test_a_generic_form_event_lands_like_posted_contacts_once_per_webhook_id(config, landing):
    event = {"type": "form.submitted", "data": {"email": "gina@example.com", "name": "Gina"}}
    body = json.dumps(event).encode()
    with running_api(config) as api:
        url = f"{api.url}/v1/webhooks/generic/site-forms"
        first = httpx.post(url, content=body, headers=standard_headers(body, "f1", GENERIC_SECRET))
        time.sleep(1.1)
        again = httpx.post(url, content=body, headers=standard_headers(body, "f1", GENERIC_SECRET))
        rotated = httpx.post(
            url,
            content=body,
            headers=standard_headers(body, "f2", OLD_GENERIC_SECRET),
        )
        wrong = httpx.post(url, content=body, headers=standard_headers(body, "f3", RELAY_SECRET))
        not_routed = json.dumps({"type": "invoice.paid", "data": {}}).encode()
        unrouted = httpx.post(
            url, content=not_routed, headers=standard_headers(not_routed, "f4", GENERIC_SECRET)
        )
        api.wait_compacted()

    assert first.status_code == 202 and again.status_code == 202
    assert again.json()["upload_id"] == first.json()["upload_id"]
    assert rotated.status_code == 202
    assert wrong.status_code == 401 and unrouted.status_code == 422
    files = [p for p in landing.rglob("*.ndjson") if ".bizdev" not in p.parts]
    lines = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    assert len(lines) == 2
    assert {line["lead_source"] for line in lines} == {"webhook:site-forms"}


def test_a_signal_event_reaches_the_signal_inbox(config):
    event = {
        "type": "signal.news",
        "data": [{"item_id": "n-1", "title": "Acme raises Series B", "url": "https://x.test/1"}],
    }
    body = json.dumps(event).encode()
    with running_api(config) as api:
        url = f"{api.url}/v1/webhooks/generic/newsfeed"
        response = httpx.post(
            url, content=body, headers=standard_headers(body, "s1", GENERIC_SECRET)
        )
        rows = wait_for_rows(config.warehouse, "signal_inbox", 1)
    assert response.status_code == 202
    assert rows[0]["item_id"] == "n-1" and rows[0]["title"] == "Acme raises Series B"


def test_a_webhook_without_its_secret_set_is_503_naming_the_setting(tmp_path, landing):
    bare = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(tmp_path),
    )
    with running_api(bare) as api:
        response = hubspot_post(api.url, b"[]")
    assert response.status_code == 503
    assert "BIZDEV_API_HUBSPOT_SECRET" in response.json()["detail"]
