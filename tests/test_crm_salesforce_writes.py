"""SalesforceCrm writes (simple-salesforce against the local HTTPS Salesforce): sObject
Collections upsert / create / update / delete, per-row errors, batches of 200."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from resources.crm.client import CrmError
from resources.crm.salesforce import SalesforceCrm
from tests.crm_support import salesforce_crm

# The custom fields exist: an admin created them by hand (a fresh account has none).
pytestmark = pytest.mark.usefixtures("salesforce_bizdev_fields")

UPSERT_PATH = "/services/data/v59.0/composite/sobjects/Contact/Bizdev_Id__c"
COLLECTIONS_PATH = "/services/data/v59.0/composite/sobjects"


@pytest.fixture
def crm(salesforce) -> SalesforceCrm:
    return salesforce_crm(salesforce)


def contact(n: int, **fields) -> dict:
    return {"LastName": f"Last{n}", "Email": f"person{n}@example.com", **fields}


def test_upsert_by_external_id_keeps_input_order_and_salesforce_messages(salesforce, crm):
    existing = salesforce.seed("Contact", contact(0, Bizdev_Id__c="bz-0"))
    rows = [
        {"Bizdev_Id__c": "bz-1", "LastName": "Nakamura", "Email": "yui@example.jp"},
        {"Bizdev_Id__c": "bz-0", "Title": "Head of Data", "Bizdev_Quality_Score__c": "0.87"},
        {"Bizdev_Id__c": "bz-2", "LastName": "Okafor", "Email": "not-an-email"},
        {"Bizdev_Id__c": "bz-3", "FirstName": "Ada"},
        {"Bizdev_Id__c": "bz-4", "LastName": "L" * 81},
        {"Bizdev_Id__c": "bz-5", "LastName": "Silva", "LeadSource": "Conference"},
    ]

    results = crm.upsert("contacts", rows, "Bizdev_Id__c")

    assert [r.key for r in results] == ["bz-1", "bz-0", "bz-2", "bz-3", "bz-4", "bz-5"]
    assert [r.ok for r in results] == [True, True, False, False, False, False]
    assert results[0].created is True and results[0].crm_id.startswith("003")
    assert results[1].created is False and results[1].crm_id == existing
    assert results[2].error == "INVALID_EMAIL_ADDRESS: Email: invalid email address: not-an-email"
    assert results[3].error == "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]"
    assert results[4].error.startswith("STRING_TOO_LONG: Last Name: data value too large")
    assert results[5].error == (
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: "
        "Lead Source: bad value for restricted picklist field: Conference"
    )
    stored = salesforce.get("Contact", existing)
    assert stored["Title"] == "Head of Data" and stored["Bizdev_Quality_Score__c"] == 0.87
    assert salesforce.count("PATCH", UPSERT_PATH) == 1
    assert crm.stats.write_calls == 1


def test_upsert_splits_batches_at_the_200_record_limit(salesforce, crm):
    rows = [{"Bizdev_Id__c": f"bz-{i}", "LastName": f"Last{i}"} for i in range(450)]

    results = crm.upsert("contacts", rows, "Bizdev_Id__c")

    assert len(results) == 450 and all(r.ok and r.created for r in results)
    assert [r.key for r in results] == [f"bz-{i}" for i in range(450)]
    assert salesforce.count("PATCH", UPSERT_PATH) == 3
    assert len(salesforce.records("Contact")) == 450
    # ... because Salesforce itself refuses more than 200 records in one call:
    body = {"allOrNone": False, "records": [{"attributes": {"type": "Contact"}}] * 201}
    with pytest.raises(SalesforceMalformedRequest, match="EXCEEDED_ID_LIMIT"):
        crm.sf.restful("composite/sobjects", method="POST", json=body)


def test_unknown_field_fails_the_whole_request(salesforce, crm):
    with pytest.raises(CrmError, match="INVALID_FIELD: No such column 'Linkedin__c'"):
        crm.upsert("contacts", [{"Bizdev_Id__c": "x", "Linkedin__c": "y"}], "Bizdev_Id__c")
    assert salesforce.count("PATCH", UPSERT_PATH) == 1  # a 400 is not retried


def test_create_update_and_archive(salesforce, crm):
    created = crm.create(
        "contacts", [contact(1, Bizdev_Id__c="bz-1"), {"Email": "no-last-name@example.com"}]
    )
    assert [(r.key, r.ok, r.created) for r in created] == [
        ("bz-1", True, True),
        ("no-last-name@example.com", False, None),
    ]
    crm_id = created[0].crm_id

    updated = crm.update("contacts", [(crm_id, {"Title": "CTO"}), ("0035g000000zzzzAAA", {})])
    assert (updated[0].ok, updated[0].created) == (True, False)
    assert updated[1].error == "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id"
    assert salesforce.get("Contact", crm_id)["Title"] == "CTO"

    archived = crm.archive("contacts", [crm_id])
    again = crm.archive("contacts", [crm_id])
    assert archived[0].ok and archived[0].key == crm_id
    assert again[0].error == "ENTITY_IS_DELETED: entity is deleted"
    assert salesforce.records("Contact") == []
    assert salesforce.count("DELETE", COLLECTIONS_PATH) == 2
    assert crm.stats.write_calls == 4


def test_companies_map_to_account(salesforce, crm):
    results = crm.upsert(
        "companies",
        [{"Bizdev_Company_Id__c": "co-1", "Name": "Acme GmbH", "NumberOfEmployees": "250"}],
        "Bizdev_Company_Id__c",
    )
    records = [
        r for page in crm.pull("companies", ["Name", "NumberOfEmployees"], None) for r in page
    ]

    assert results[0].ok and results[0].crm_id.startswith("001")
    assert [r.properties for r in records] == [{"Name": "Acme GmbH", "NumberOfEmployees": "250"}]
