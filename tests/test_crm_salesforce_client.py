"""SalesforceCrm (simple-salesforce) against the local HTTPS Salesforce (tests/servers/salesforce.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import certifi
import pytest
import requests
from simple_salesforce.exceptions import SalesforceMalformedRequest

from bizdev_assets.crm.client import CrmAuthError, CrmError
from bizdev_assets.crm.salesforce import SalesforceCrm

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
UPSERT_PATH = "/services/data/v59.0/composite/sobjects/Contact/Bizdev_Id__c"
COLLECTIONS_PATH = "/services/data/v59.0/composite/sobjects"


def make_crm(server, **overrides) -> SalesforceCrm:
    settings = {
        **server.credentials(),  # username, password, security_token, domain=https://127.0.0.1:port
        "ca_bundle": server.ca_path,
        "backoff_seconds": 0.01,
        "max_backoff_seconds": 0.05,
        "timeout_seconds": 5.0,
        **overrides,
    }
    return SalesforceCrm(**settings)


@pytest.fixture
def crm(salesforce) -> SalesforceCrm:
    return make_crm(salesforce)


def contact(n: int, **fields) -> dict:
    return {"LastName": f"Last{n}", "Email": f"person{n}@example.com", **fields}


# ---- login ---------------------------------------------------------------------------


def test_username_password_login_through_a_full_url_domain(salesforce, crm):
    sf = crm.connect()

    assert salesforce.count("POST", "/services/Soap/u/59.0") == 1
    assert sf.sf_instance == f"127.0.0.1:{salesforce.port}"  # serverUrl of the login response
    assert crm.stats.by_operation == {"login": 1}
    crm.connect()
    assert salesforce.count("POST", "/services/Soap/u/") == 1  # logged in once, not per call


def test_wrong_password_is_an_auth_error_naming_the_settings(salesforce):
    crm = make_crm(salesforce, password="not-the-password")

    with pytest.raises(CrmAuthError) as caught:
        crm.describe("contacts")

    message = str(caught.value)
    assert "INVALID_LOGIN" in message
    for setting in ("SALESFORCE_USERNAME", "SALESFORCE_PASSWORD", "SALESFORCE_SECURITY_TOKEN"):
        assert setting in message
    assert salesforce.count("POST", "/services/Soap/u/") == 1  # a wrong password is not retried
    assert salesforce.count(path="/services/data/") == 0


def test_missing_credentials_name_the_settings():
    with pytest.raises(CrmAuthError, match="SALESFORCE_ACCESS_TOKEN.*SALESFORCE_USERNAME"):
        SalesforceCrm(instance_url="https://example.my.salesforce.com")


def test_from_env_reads_the_salesforce_settings(salesforce):
    env = {**salesforce.env(), "SALESFORCE_ACCESS_TOKEN": ""}
    crm = SalesforceCrm.from_env(env)

    assert "LastName" in crm.describe("contacts")
    assert crm.stats.by_operation == {"login": 1, "describe": 1}


# ---- pull ----------------------------------------------------------------------------


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


# ---- writes --------------------------------------------------------------------------


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


# ---- faults --------------------------------------------------------------------------


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


def test_retries_are_bounded(salesforce):
    crm = make_crm(salesforce, max_retries=2)
    salesforce.inject("/sobjects/Contact/describe", 403, times=10)

    with pytest.raises(CrmError, match="after 2 retries: REQUEST_LIMIT_EXCEEDED"):
        crm.describe("contacts")
    assert salesforce.count("GET", "/describe") == 3


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
    crm = make_crm(salesforce, timeout_seconds=0.3)
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


def test_expired_session_logs_in_again_and_the_pull_continues(salesforce, crm):
    salesforce.seed_many("Contact", [contact(i) for i in range(4500)], at=T0)

    pages = crm.pull("contacts", ["Email"], None)
    first = next(pages)
    salesforce.expire_sessions()
    rest = [r for page in pages for r in page]

    assert len(first) + len(rest) == 4500
    assert crm.stats.reauthentications == 1
    assert salesforce.count("POST", "/services/Soap/u/") == 2
    assert crm.stats.by_operation["query_more"] == 3  # the refused one, then two pages


def test_expired_access_token_without_credentials_names_the_setting(salesforce):
    crm = SalesforceCrm(
        instance_url=salesforce.url,
        access_token=salesforce.new_session(),
        ca_bundle=salesforce.ca_path,
    )
    assert "Email" in crm.describe("contacts")
    salesforce.expire_sessions()

    with pytest.raises(CrmAuthError, match="SALESFORCE_ACCESS_TOKEN"):
        crm.describe("contacts")
    assert salesforce.count("POST", "/services/Soap/u/") == 0
    assert crm.stats.reauthentications == 0


# ---- describe, limits, TLS -----------------------------------------------------------


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


def test_limit_info_keeps_the_last_sforce_limit_info_header(salesforce, crm):
    crm.describe("contacts")
    crm.describe("companies")

    assert crm.stats.limit_info == "api-usage=2/15000"
    assert salesforce.api_usage == 2


def test_requests_ca_bundle_in_the_environment_does_not_override_the_ca_bundle(
    salesforce, monkeypatch
):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    monkeypatch.setenv("CURL_CA_BUNDLE", certifi.where())
    # A session that trusts the environment lets REQUESTS_CA_BUNDLE win over its `verify`,
    # and the public CAs did not sign the server's certificate:
    naive = requests.Session()
    naive.verify = salesforce.ca_path
    with pytest.raises(requests.exceptions.SSLError):
        naive.get(salesforce.url, timeout=5)

    crm = make_crm(salesforce)

    assert "LastName" in crm.describe("contacts")


def test_without_the_ca_bundle_tls_fails_once_and_names_the_setting(salesforce):
    crm = make_crm(salesforce, ca_bundle=None)

    with pytest.raises(CrmError, match="SALESFORCE_CA_BUNDLE"):
        crm.connect()
    assert crm.stats.retries == 0
