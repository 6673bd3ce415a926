"""SalesforceCrm reads (simple-salesforce against the local HTTPS Salesforce): SOQL pulls
through queryAll, and describe."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from resources.crm.salesforce import SalesforceCrm
from tests.crm_support import salesforce_crm

# The custom fields exist: an admin created them by hand (a fresh account has none).
pytestmark = pytest.mark.usefixtures("salesforce_bizdev_fields")

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def crm(salesforce) -> SalesforceCrm:
    return salesforce_crm(salesforce)


def contact(n: int, **fields) -> dict:
    return {"LastName": f"Last{n}", "Email": f"person{n}@example.com", **fields}


def test_pull_follows_next_records_url_one_page_at_a_time(salesforce, crm):
    salesforce.seed_many(
        "Contact", [contact(i, Bizdev_Quality_Score__c=0.5) for i in range(4500)], at=T0
    )

    pages = list(crm.pull("contacts", ["Email", "Bizdev_Quality_Score__c", "Title"], None))

    assert [len(page) for page in pages] == [2000, 2000, 500]
    records = [r for page in pages for r in page]
    assert len({r.id for r in records}) == 4500
    assert all(re.fullmatch(r"003\w{15}", r.id) for r in records)
    assert records[0].modified_at == T0 and records[0].modified_at.tzinfo is not None
    assert records[0].properties == {
        "Email": "person0@example.com",
        "Bizdev_Quality_Score__c": "0.5",
        "Title": None,
    }
    assert salesforce.count("GET", "/services/data/v59.0/queryAll/") == 1
    assert salesforce.count("GET", "/services/data/v59.0/query/01g") == 2
    assert crm.stats.by_operation == {"login": 1, "query": 1, "query_more": 2}
    assert crm.stats.api_calls == 4


def test_pull_since_a_time_in_ascending_modstamp_order(salesforce, crm):
    old = salesforce.seed("Contact", contact(1), at=T0)
    edited = salesforce.seed("Contact", contact(2), at=T0 + timedelta(hours=1))
    recent = salesforce.seed("Contact", contact(3), at=T0 + timedelta(hours=2))
    salesforce.edit("Contact", edited, Title="VP Sales", at=T0 + timedelta(hours=3))

    since = T0 + timedelta(hours=2, milliseconds=400)  # floored to the second: >= is kept
    records = [r for page in crm.pull("contacts", ["Title"], since) for r in page]

    assert [r.id for r in records] == [recent, edited]
    assert old not in {r.id for r in records}
    assert records[1].properties == {"Title": "VP Sales"}
    assert records[1].modified_at == T0 + timedelta(hours=3)
    assert crm.stats.by_operation["query"] == 1


def test_deleted_records_come_back_through_query_all(salesforce, crm):
    kept = salesforce.seed("Contact", contact(1), at=T0)
    gone = salesforce.seed("Contact", contact(2), at=T0)
    salesforce.delete("Contact", gone, at=T0 + timedelta(minutes=5))

    records = {r.id: r for page in crm.pull("contacts", ["Email"], T0) for r in page}

    assert records[kept].deleted is False
    assert records[gone].deleted is True
    assert records[gone].modified_at == T0 + timedelta(minutes=5)  # a delete bumps SystemModstamp
    assert salesforce.records("Contact") == [salesforce.get("Contact", kept)]  # /query view


def test_describe_maps_salesforce_field_types(crm):
    contacts = crm.describe("contacts")
    accounts = crm.describe("companies")

    assert (contacts["LastName"].type, contacts["LastName"].length) == ("string", 80)
    assert contacts["Email"].type == "string" and contacts["Email"].length == 80
    assert contacts["LeadSource"].type == "enumeration"
    assert contacts["LeadSource"].options == (
        "Web",
        "Phone Inquiry",
        "Partner Referral",
        "Purchased List",
        "Other",
    )  # the inactive "Trade Show" is left out
    assert contacts["Bizdev_Quality_Score__c"].type == "number"
    assert contacts["HasOptedOutOfEmail"].type == "bool"
    assert contacts["SystemModstamp"].type == "datetime" and contacts["SystemModstamp"].read_only
    assert contacts["Id"].read_only and not contacts["Bizdev_Id__c"].read_only
    assert contacts["Bizdev_Id__c"].length == 36
    assert "Technology" in accounts["Industry"].options
    assert accounts["NumberOfEmployees"].type == "number"
