"""The webhook hook: a recorded CRM event makes the sensor request a pull of that CRM."""

from __future__ import annotations

import dagster as dg
import pytest

from bizdev_assets.crm.webhooks import record_webhook_event
from resources.warehouse import DuckDBWarehouse
from sensors.crm_webhook import crm_webhook_sensor


def tick(warehouse: DuckDBWarehouse, cursor: str | None):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"warehouse": warehouse}
        )
        return crm_webhook_sensor(context), context.cursor


def test_a_webhook_event_requests_one_pull_of_that_crm(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    result, cursor = tick(warehouse, None)
    assert isinstance(result, dg.SkipReason)

    record_webhook_event(warehouse, "hubspot", [{"subscriptionType": "contact.propertyChange"}])
    record_webhook_event(warehouse, "hubspot", [{"subscriptionType": "contact.creation"}])
    record_webhook_event(warehouse, "salesforce", {"sobject": {"Id": "003000000000001AAA"}})
    result, _ = tick(warehouse, cursor)
    selections = {tuple(r.asset_selection) for r in result.run_requests}
    assert selections == {
        (dg.AssetKey("crm_hubspot_contacts"),),
        (dg.AssetKey("crm_salesforce_contacts"),),
    }
    assert {r.tags["bizdev/events"] for r in result.run_requests} == {"2", "1"}

    result, _ = tick(warehouse, result.cursor)
    assert isinstance(result, dg.SkipReason)  # the same events never start a second pull


def test_an_unknown_crm_is_refused(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    with pytest.raises(ValueError, match="expected one of hubspot, salesforce"):
        record_webhook_event(warehouse, "pipedrive", {})
