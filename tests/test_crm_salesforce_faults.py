"""SalesforceCrm under faults (simple-salesforce against the local HTTPS Salesforce): rate
limits, server errors and timeouts; what is retried and what is never sent twice."""

from __future__ import annotations

import pytest

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


def test_request_limit_exceeded_is_backed_off_and_retried(salesforce, crm):
    salesforce.inject("PATCH /services/data", 403, times=2)  # REQUEST_LIMIT_EXCEEDED

    results = crm.upsert("contacts", [contact(1, Bizdev_Id__c="bz-1")], "Bizdev_Id__c")

    assert results[0].ok
    assert salesforce.count("PATCH", UPSERT_PATH) == 3
    assert (crm.stats.rate_limited, crm.stats.retries) == (2, 2)
    assert crm.stats.by_operation["upsert"] == 3 and crm.stats.write_calls == 3


def test_request_limit_exceeded_is_retried_for_create_too(salesforce, crm):
    salesforce.inject("POST /services/data", 403)

    results = crm.create("contacts", [contact(1)])

    assert results[0].ok
    assert salesforce.count("POST", COLLECTIONS_PATH) == 2
    assert len(salesforce.records("Contact")) == 1


def test_retries_are_bounded_and_back_off_exponentially(salesforce):
    delays: list[float] = []
    crm = salesforce_crm(
        salesforce, max_retries=2, backoff_seconds=1.0, max_backoff_seconds=4.0, sleep=delays.append
    )
    salesforce.inject("/sobjects/Contact/describe", 403, times=10)

    with pytest.raises(CrmError, match="after 3 attempts: REQUEST_LIMIT_EXCEEDED"):
        crm.describe("contacts")
    assert salesforce.count("GET", "/describe") == 3
    assert len(delays) == 2 and 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0


def test_server_error_on_upsert_is_retried(salesforce, crm):
    salesforce.inject("PATCH /services/data", 500)

    results = crm.upsert("contacts", [contact(1, Bizdev_Id__c="bz-1")], "Bizdev_Id__c")

    assert results[0].ok and results[0].created is True
    assert salesforce.count("PATCH", UPSERT_PATH) == 2
    assert (crm.stats.server_errors, crm.stats.retries) == (1, 1)


def test_server_error_on_create_is_not_retried(salesforce, crm):
    salesforce.inject("POST /services/data", 500)

    results = crm.create("contacts", [contact(1), contact(2)])

    assert [r.ok for r in results] == [False, False]
    assert all("not retried: create is not idempotent" in r.error for r in results)
    assert "UNKNOWN_EXCEPTION" in results[0].error
    assert salesforce.count("POST", COLLECTIONS_PATH) == 1
    assert (crm.stats.server_errors, crm.stats.retries) == (1, 0)


def test_timeouts_retry_upsert_but_not_create(salesforce):
    crm = salesforce_crm(salesforce, timeout_seconds=0.3)
    crm.connect()
    salesforce.inject("POST /services/data", "timeout")
    salesforce.inject("PATCH /services/data", "timeout")

    created = crm.create("contacts", [contact(1)])
    upserted = crm.upsert("contacts", [contact(2, Bizdev_Id__c="bz-2")], "Bizdev_Id__c")

    assert not created[0].ok and "not retried" in created[0].error
    assert "Timeout" in created[0].error
    assert upserted[0].ok
    assert salesforce.count("POST", COLLECTIONS_PATH) == 1
    assert salesforce.count("PATCH", UPSERT_PATH) == 2
    assert crm.stats.server_errors == 2
