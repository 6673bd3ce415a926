"""HubSpotCrm writes and describe (the real hubspot-api-client) against the local HubSpot
server: batch upsert / create / update / archive, 207 partial success, batching."""

from __future__ import annotations

import pytest

from resources.crm.hubspot import HubSpotCrm
from tests.crm_support import hubspot_crm
from tests.servers.hubspot import HubSpotServer

# The custom fields exist: an admin created them by hand (a fresh account has none).
pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields")


@pytest.fixture
def crm(hubspot: HubSpotServer) -> HubSpotCrm:
    return hubspot_crm(hubspot)


def test_upsert_creates_then_updates_by_email(hubspot, crm):
    first = crm.upsert(
        "contacts",
        [
            {"email": "alice@example.com", "firstname": "Alice", "lifecyclestage": "lead"},
            {"email": "bob@example.com", "firstname": "Bob", "jobtitle": None},
        ],
        "email",
    )
    assert [(r.key, r.ok, r.created) for r in first] == [
        ("alice@example.com", True, True),
        ("bob@example.com", True, True),
    ]
    second = crm.upsert(
        "contacts",
        [
            {"email": "carol@example.com", "firstname": "Carol"},
            {
                "email": "ALICE@example.com",
                "firstname": "Alicia",
            },  # HubSpot matches emails case-insensitively
        ],
        "email",
    )
    assert [(r.key, r.ok, r.created) for r in second] == [
        ("carol@example.com", True, True),
        ("ALICE@example.com", True, False),
    ]
    assert second[1].crm_id == first[0].crm_id
    stored = hubspot.records("contacts")
    assert len(stored) == 3
    alice = stored[first[0].crm_id]
    assert (alice["email"], alice["firstname"], alice["lifecyclestage"]) == (
        "alice@example.com",
        "Alicia",
        "lead",
    )
    assert hubspot.count("batch/upsert") == 2
    assert crm.stats.write_calls == 2 and crm.stats.by_operation == {"batch_upsert": 2}
    assert hubspot.bodies("batch/upsert")[0]["inputs"][0]["idProperty"] == "email"


def test_upsert_207_partial_failure_is_read_row_by_row(hubspot, crm):
    hubspot.reject(
        "contacts", "jobtitle", "Chief Everything Officer", "Job title blocked by a validation rule"
    )
    rows = [
        {"email": "ok1@example.com", "firstname": "One"},
        {"email": "not-an-email", "firstname": "Two"},
        {"email": "three@example.com", "jobtitle": "Chief Everything Officer"},
        {"email": "four@example.com", "lifecyclestage": "hot-prospect"},
        {"email": "ok5@example.com", "firstname": "Five"},
    ]

    results = crm.upsert("contacts", rows, "email")

    assert [r.key for r in results] == [row["email"] for row in rows]
    assert [r.ok for r in results] == [True, False, False, False, True]
    assert "Email address not-an-email is invalid" in results[1].error
    assert results[2].error == "Job title blocked by a validation rule"
    assert "INVALID_OPTION" in results[3].error and "hot-prospect" in results[3].error
    assert all(r.crm_id is None for r in results[1:4])
    assert {p["email"] for p in hubspot.records("contacts").values()} == {
        "ok1@example.com",
        "ok5@example.com",
    }
    assert hubspot.count("batch/upsert") == 1  # a 207 is an answer, not something to retry


def test_a_batch_hubspot_rejects_whole_fails_every_row_with_its_message(hubspot, crm):
    results = crm.upsert(
        "contacts",
        [{"email": "a@example.com", "favourite_colour": "blue"}, {"email": "b@example.com"}],
        "email",
    )
    assert [r.ok for r in results] == [False, False]
    assert all(
        "PROPERTY_DOESNT_EXIST" in r.error and "favourite_colour" in r.error for r in results
    )
    assert hubspot.records("contacts") == {}
    assert hubspot.count("batch/upsert") == 1


def test_more_rows_than_a_batch_takes_are_sent_100_a_call_in_input_order(hubspot, crm):
    rows = [{"email": f"x{i}@example.com"} for i in range(250)]

    upserted = crm.upsert("contacts", rows, "email")
    created = crm.create("companies", [{"name": f"Company {i}"} for i in range(150)])

    assert [r.key for r in upserted] == [row["email"] for row in rows]
    assert all(r.ok and r.created for r in upserted)
    assert [len(b["inputs"]) for b in hubspot.bodies("batch/upsert")] == [100, 100, 50]
    assert [r.key for r in created] == [str(i) for i in range(150)]  # positions in the call
    assert all(r.ok for r in created)
    names = {crm_id: p["name"] for crm_id, p in hubspot.records("companies").items()}
    assert [names[r.crm_id] for r in created] == [f"Company {i}" for i in range(150)]
    assert crm.stats.write_calls == 5


def test_create_update_and_archive(hubspot, crm):
    existing = hubspot.seed("contacts", {"email": "taken@example.com"})
    created = crm.create(
        "contacts",
        [{"email": "new@example.com", "firstname": "New"}, {"email": "taken@example.com"}],
    )
    assert [(r.key, r.ok, r.created) for r in created] == [
        ("new@example.com", True, True),
        ("taken@example.com", False, None),
    ]
    assert f"Existing ID: {existing}" in created[1].error

    companies = crm.create(
        "companies", [{"name": "Acme", "numberofemployees": "12"}, {"name": "Globex"}]
    )
    assert [(r.key, r.ok) for r in companies] == [("0", True), ("1", True)]
    acme = companies[0].crm_id
    assert hubspot.records("companies")[acme]["name"] == "Acme"

    updated = crm.update(
        "companies",
        [(acme, {"name": "Acme Corp", "industry": "BANKING"}), ("424242", {"name": "Nobody"})],
    )
    assert [(r.key, r.ok, r.created) for r in updated] == [
        (acme, True, False),
        ("424242", False, None),
    ]
    assert "Object not found" in updated[1].error
    assert hubspot.records("companies")[acme]["name"] == "Acme Corp"

    archived = crm.archive("companies", [acme])
    assert [(r.key, r.ok, r.crm_id) for r in archived] == [(acme, True, acme)]
    assert acme in hubspot.records("companies", archived=True)
    live = [r for page in crm.pull("companies", ["name"], None) for r in page]
    assert [r.properties["name"] for r in live] == ["Globex"]
    assert crm.stats.write_calls == 4


def test_describe_maps_hubspot_property_metadata(crm):
    contacts = crm.describe("contacts")
    assert {"email", "firstname", "hs_lead_status", "bizdev_contact_id"} <= contacts.keys()
    assert contacts["email"].type == "string" and contacts["email"].length is None
    stage = contacts["lifecyclestage"]
    assert stage.type == "enumeration"
    assert {"lead", "customer", "subscriber"} <= set(stage.options)
    assert contacts["bizdev_quality_score"].type == "number"
    assert (
        contacts["lastmodifieddate"].type == "datetime" and contacts["lastmodifieddate"].read_only
    )
    assert not contacts["firstname"].read_only

    companies = crm.describe("companies")
    assert companies["numberofemployees"].type == "number"
    assert "BANKING" in companies["industry"].options
    assert "bizdev_company_id" in companies
    assert crm.stats.by_operation == {"properties": 2}
