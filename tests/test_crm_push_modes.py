"""Push modes (upsert, update_only, create_only) and the opt-in mirror, on the engine
directly with a DuckDB warehouse and the local HubSpot server."""

from __future__ import annotations

import uuid

import pytest

from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.pull import pull_object
from bizdev_assets.crm.push import PushCounts, PushOptions, push_contacts
from bizdev_assets.crm.state import RunRecord
from resources.warehouse import DuckDBWarehouse
from tests.crm_support import golden_frames, hubspot_crm

# The custom fields exist: an admin created them by hand (a fresh account has none).
pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields")

N = 250


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    for name, frame in golden_frames(N).items():
        warehouse.replace_table(name, frame)
    return warehouse


def push(hubspot, warehouse, mode="upsert", mirror=False) -> PushCounts:
    client = hubspot_crm(hubspot)
    mapping = CrmMapping.shipped("hubspot").check_against(client.describe("contacts"))
    run = RunRecord(str(uuid.uuid4()), "hubspot", "contacts", "push")
    options = PushOptions(mode=mode, mirror=mirror)
    return push_contacts(
        client, warehouse, mapping, run, options, pull_table="crm_hubspot_contacts"
    )


def retitle(warehouse, k: int) -> None:
    warehouse.query(
        "update golden_contacts set title = title || ' II' where contact_id in (select "
        f"contact_id from golden_contacts order by contact_id limit {k}) returning contact_id"
    )


def test_update_only_touches_only_contacts_already_in_the_crm(hubspot, warehouse):
    counts = push(hubspot, warehouse, mode="update_only")
    assert counts.sent == 0 and counts.skipped == {"not_in_crm_update_only": N}
    assert hubspot.records("contacts") == {}

    push(hubspot, warehouse)  # upsert: all in
    retitle(warehouse, 30)
    upserts = hubspot.count("batch/upsert")
    counts = push(hubspot, warehouse, mode="update_only")
    assert counts.sent == counts.succeeded == 30
    assert hubspot.count("batch/update") == 1 and hubspot.count("batch/upsert") == upserts
    titles = [r["jobtitle"] for r in hubspot.records("contacts").values()]
    assert sum(t.endswith(" II") for t in titles) == 30


def test_create_only_creates_and_never_updates(hubspot, warehouse):
    counts = push(hubspot, warehouse, mode="create_only")
    assert counts.succeeded == N and hubspot.count("batch/create") == 3
    retitle(warehouse, 30)
    counts = push(hubspot, warehouse, mode="create_only")
    assert counts.sent == 0 and counts.skipped == {"in_crm_create_only": N}
    titles = [r["jobtitle"] for r in hubspot.records("contacts").values()]
    assert not any(t.endswith(" II") for t in titles)


def test_mirror_archives_what_left_the_golden_set_once(hubspot, warehouse):
    push(hubspot, warehouse)
    gone = table_ids(warehouse, 10)
    ids = ", ".join(f"'{i}'" for i in gone)
    warehouse.query(f"delete from golden_contacts where contact_id in ({ids}) returning 1")

    assert push(hubspot, warehouse).archived == 0  # without the opt-in: nothing archived
    assert len(hubspot.records("contacts", archived=True)) == 0
    assert push(hubspot, warehouse, mirror=True).archived == 10
    assert len(hubspot.records("contacts", archived=True)) == 10
    assert len(hubspot.records("contacts")) == N - 10
    archives = hubspot.count("batch/archive")
    assert push(hubspot, warehouse, mirror=True).archived == 0
    assert hubspot.count("batch/archive") == archives
    changes = warehouse.query("select * from crm_sync_changes where outcome = 'archived'")
    assert sorted(changes["contact_id"]) == sorted(gone)


def table_ids(warehouse, k: int) -> list[str]:
    rows = warehouse.query(f"select contact_id from golden_contacts order by contact_id limit {k}")
    return rows["contact_id"].to_list()


def test_pushes_without_a_pull_in_between_do_not_invent_a_conflict(hubspot, warehouse):
    push(hubspot, warehouse)
    client = hubspot_crm(hubspot)
    mapping = CrmMapping.shipped("hubspot")
    pull_object(
        client, warehouse, "contacts", mapping.properties, "run", table="crm_hubspot_contacts"
    )
    retitle(warehouse, 5)  # title -> "X II"
    push(hubspot, warehouse)
    retitle(warehouse, 5)  # "X II II"; the pull (older than the last push) still says "X"
    counts = push(hubspot, warehouse)
    assert counts.conflicts == 0 and counts.sent == 5
    titles = [r["jobtitle"] for r in hubspot.records("contacts").values()]
    assert sum(t.endswith(" II II") for t in titles) == 5


def test_a_record_archived_in_the_crm_is_remembered_and_left_alone(hubspot, warehouse):
    push(hubspot, warehouse)
    first = warehouse.query("select email from contacts order by id limit 1")["email"][0]
    (record_id,) = [i for i, r in hubspot.records("contacts").items() if r["email"] == first]
    hubspot_crm(hubspot).archive("contacts", [record_id])  # a rep's delete
    warehouse.query("update golden_contacts set title = 'CFO' returning 1")

    counts = push(hubspot, warehouse)
    assert counts.skipped == {"deleted_in_crm": 1} and counts.rejected == 0
    assert first not in {r["email"] for r in hubspot.records("contacts").values()}
    warehouse.query("update golden_contacts set title = 'CEO' returning 1")
    counts = push(hubspot, warehouse)
    assert counts.skipped == {"deleted_in_crm": 1} and counts.sent == N - 1
    gone = warehouse.query("select * from crm_sync_changes where outcome = 'not_found'")
    assert gone["crm_id"].unique().to_list() == [record_id]


def test_a_batch_refused_as_a_whole_is_halved_to_get_the_good_rows_through(hubspot, warehouse):
    body = {"status": "error", "message": "one row is bad", "category": "VALIDATION_ERROR"}
    hubspot.inject("batch/upsert", 400, body=body, times=1)
    counts = push(hubspot, warehouse)
    assert counts.succeeded == N and counts.rejected == 0
    assert hubspot.count("batch/upsert") == 3 + 2  # 3 batches, the first one sent as 2 halves
