"""Incremental pull on the engine directly: feeding the pipeline only what changed in the
CRM, and a full re-pull when the mapping asks for other properties."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.pull import pull_object
from resources.landing import LocalLanding
from resources.warehouse import DuckDBWarehouse
from tests.crm_support import hubspot_crm

TABLE = "crm_hubspot_contacts"


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    return DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))


def pull(hubspot, warehouse, properties, landing=None):
    mapping = CrmMapping.shipped("hubspot")
    client = hubspot_crm(hubspot)
    return pull_object(
        client,
        warehouse,
        "contacts",
        properties,
        "run-id-0001",
        table=TABLE,
        mapping=mapping if landing else None,
        landing=landing,
    )


def test_only_records_changed_in_the_crm_feed_the_pipeline(hubspot, warehouse, landing):
    ids = hubspot.seed_many(
        "contacts",
        [
            {"email": f"p{i}@example.com", "lastname": f"L{i}", "jobtitle": "Buyer"}
            for i in range(30)
        ],
    )
    zone = LocalLanding(root=str(landing))
    properties = CrmMapping.shipped("hubspot").properties
    first = pull(hubspot, warehouse, properties, zone)
    assert first.records_fed == 30  # new to bizdev
    hubspot.edit("contacts", ids[0], jobtitle="Head of Buying")
    second = pull(hubspot, warehouse, properties, zone)
    assert second.records_read == 30  # the lookback re-reads, by design
    assert second.records_fed == 1
    (line,) = zone.read_bytes(second.feed_file).decode().splitlines()
    assert json.loads(line)["id"] == ids[0] and json.loads(line)["title"] == "Head of Buying"
    hubspot.edit("contacts", ids[0], jobtitle="Head of Buying")  # touched, nothing changed
    assert pull(hubspot, warehouse, properties, zone).records_fed == 0


def test_a_mapping_with_other_properties_pulls_everything_again(hubspot, warehouse):
    hubspot.seed_many(
        "contacts",
        [{"email": f"p{i}@example.com", "hs_lead_status": "NEW"} for i in range(30)],
        modified_at=datetime(2020, 1, 1, tzinfo=UTC),  # far behind the cursor's lookback
    )
    hubspot.seed("contacts", {"email": "recent@example.com", "hs_lead_status": "NEW"})
    pull(hubspot, warehouse, ["email"])
    assert "hs_lead_status" not in warehouse.query(f"select * from {TABLE}").columns
    result = pull(hubspot, warehouse, ["email", "hs_lead_status"])
    assert result.records_stored == 31
    stored = warehouse.query(f"select hs_lead_status from {TABLE}")
    assert stored["hs_lead_status"].to_list() == ["NEW"] * 31
