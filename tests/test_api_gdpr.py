"""`POST /v1/gdpr/erase` (scope `gdpr:erase`): the same erasure as the command line,
answered with each destination's status; other scopes are refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from resources.warehouse import DuckDBWarehouse
from tests.api_support import api_settings, running_api


def test_an_erasure_over_the_api_erases_and_suppresses(settings, landing: Path, tmp_path: Path):
    (landing / "leads.csv").write_text(
        "First Name,Last Name,Email\nAda,Lovelace,ada@acme.com\nGrace,Hopper,grace@navy.mil\n"
    )
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    warehouse.append_rows(
        "contacts_normalized",
        pl.DataFrame(
            {
                "record_id": ["r1", "r2"],
                "email": ["ada@acme.com", "grace@navy.mil"],
                "source_file": ["leads.csv", "leads.csv"],
            }
        ),
    )
    config = dataclasses.replace(
        settings, api=api_settings(tmp_path), gdpr_hmac_key="k", **{"outbox": str(tmp_path / "o")}
    )
    with running_api(config) as api:
        refused = api.client("contacts:read").post("/v1/gdpr/erase", json={"email": "ada@acme.com"})
        answer = api.client("gdpr:erase").post("/v1/gdpr/erase", json={"email": "ada@acme.com"})
        status = api.client("gdpr:erase").get(f"/v1/gdpr/requests/{answer.json()['request_id']}")

    assert refused.status_code == 403
    assert answer.status_code == 200, answer.text
    assert {d["status"] for d in answer.json()["destinations"]} == {"finished"}
    assert status.json()["destinations"] == answer.json()["destinations"]
    assert warehouse.read_table("contacts_normalized")["email"].to_list() == ["grace@navy.mil"]
    assert warehouse.row_count("gdpr_suppressions") == 1
    actor = warehouse.query("select actor from audit_log where seq = 1")["actor"][0]
    assert actor.startswith("api:")
