"""Refusals that would repeat (issue 11): Salesforce requires LastName. The mapping fills
it; a refusal that is permanent is not sent again until the contact changes; per-row
answers are never re-sent row by row. Figures: 1,000 golden contacts, 68 without a last
name (the issue measured 51 write calls per run for such refusals before this)."""

from __future__ import annotations

import uuid
from pathlib import Path

import polars as pl
import pytest

from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.pull import pull_object
from bizdev_assets.crm.push import PushCounts, PushOptions, push_contacts
from bizdev_assets.crm.state import RunRecord
from resources.warehouse import DuckDBWarehouse
from tests.crm_support import golden_frames, salesforce_crm

pytestmark = pytest.mark.usefixtures("salesforce_bizdev_fields")
N, WITHOUT_LAST_NAME = 1_000, 68


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    frames = golden_frames(N)
    frames["golden_contacts"] = frames["golden_contacts"].with_columns(
        last_name=pl.when(pl.int_range(pl.len()) < WITHOUT_LAST_NAME)
        .then(None)
        .otherwise("last_name")
    )
    for name, frame in frames.items():
        warehouse.replace_table(name, frame)
    return warehouse


def push(salesforce, warehouse, mapping: CrmMapping) -> tuple[PushCounts, int]:
    client = salesforce_crm(salesforce)
    checked = mapping.check_against(client.describe("contacts"))
    run = RunRecord(str(uuid.uuid4()), "salesforce", "contacts", "push")
    counts = push_contacts(
        client, warehouse, checked, run, PushOptions(), pull_table="crm_salesforce_contacts"
    )
    return counts, client.stats.write_calls


def without_default(tmp_path: Path) -> CrmMapping:
    text = Path(CrmMapping.shipped("salesforce").origin).read_text()
    path = tmp_path / "salesforce.yaml"
    path.write_text(text.replace(', default: "[not provided]"', ""))
    return CrmMapping.load(path)


def test_the_mappings_default_gets_contacts_without_a_last_name_in(salesforce, warehouse):
    counts, writes = push(salesforce, warehouse, CrmMapping.shipped("salesforce"))
    assert (counts.succeeded, counts.rejected, writes) == (N, 0, 5)  # 200 records a call
    filled = [r for r in salesforce.records("Contact") if r["LastName"] == "[not provided]"]
    assert len(filled) == WITHOUT_LAST_NAME
    assert push(salesforce, warehouse, CrmMapping.shipped("salesforce"))[1] == 0


def test_a_permanent_refusal_costs_no_call_until_the_contact_changes(
    salesforce, warehouse, tmp_path
):
    mapping = without_default(tmp_path)
    counts, writes = push(salesforce, warehouse, mapping)
    assert (counts.rejected, writes) == (WITHOUT_LAST_NAME, 5)  # no row-by-row re-sends
    rejections = warehouse.query("select permanent, error from crm_sync_rejections")
    assert rejections["permanent"].all()
    assert rejections["error"].str.starts_with("REQUIRED_FIELD_MISSING").all()

    counts, writes = push(salesforce, warehouse, mapping)  # nothing changed
    assert (counts.sent, writes) == (0, 0)  # was 51 write calls per run
    assert counts.skipped == {"refused_before_unchanged": WITHOUT_LAST_NAME}

    warehouse.query(
        "update golden_contacts set last_name = 'Found' where contact_id in (select contact_id "
        "from golden_contacts where last_name is null order by contact_id limit 10) returning 1"
    )
    counts, writes = push(salesforce, warehouse, mapping)
    assert (counts.sent, counts.succeeded, writes) == (10, 10, 1)  # one batch for the ten


def test_a_default_never_overwrites_a_last_name_a_rep_entered(salesforce, warehouse):
    golden = warehouse.query(
        "select contact_id, email from golden_contacts where last_name is null"
    )
    email = golden["email"][0]
    rep = salesforce.seed("Contact", {"Email": email, "LastName": "Rep-Entered"})
    # bizdev's change is the newer one: most_recent would let bizdev's value win.
    warehouse.query(
        "update golden_contacts set last_updated_at = now() + interval 1 day returning 1"
    )
    client = salesforce_crm(salesforce)
    mapping = CrmMapping.shipped("salesforce").check_against(client.describe("contacts"))
    pull_object(
        client, warehouse, "contacts", mapping.properties, "pull-1", table="crm_salesforce_contacts"
    )
    push(salesforce, warehouse, CrmMapping.shipped("salesforce"))
    assert salesforce.get("Contact", rep)["LastName"] == "Rep-Entered"
    assert salesforce.get("Contact", rep)["Bizdev_Id__c"] == golden["contact_id"][0]
