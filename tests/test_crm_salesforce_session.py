"""SalesforceCrm's session (simple-salesforce against the local HTTPS Salesforce): login,
expired sessions, TLS trust, the API usage header."""

from __future__ import annotations

from datetime import UTC, datetime

import certifi
import pytest
import requests

from resources.crm.client import CrmAuthError, CrmError
from resources.crm.salesforce import SalesforceCrm
from tests.crm_support import salesforce_crm

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def crm(salesforce) -> SalesforceCrm:
    return salesforce_crm(salesforce)


def contact(n: int, **fields) -> dict:
    return {"LastName": f"Last{n}", "Email": f"person{n}@example.com", **fields}


def test_username_password_login_through_a_full_url_domain(salesforce, crm):
    sf = crm.connect()

    assert salesforce.count("POST", "/services/Soap/u/59.0") == 1
    assert sf.sf_instance == f"127.0.0.1:{salesforce.port}"  # serverUrl of the login response
    assert crm.stats.by_operation == {"login": 1}
    crm.connect()
    assert salesforce.count("POST", "/services/Soap/u/") == 1  # logged in once, not per call


def test_wrong_password_is_an_auth_error_naming_the_settings(salesforce):
    crm = salesforce_crm(salesforce, password="not-the-password")

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

    crm = salesforce_crm(salesforce)

    assert "LastName" in crm.describe("contacts")


def test_without_the_ca_bundle_tls_fails_once_and_names_the_setting(salesforce):
    crm = salesforce_crm(salesforce, ca_bundle=None)

    with pytest.raises(CrmError, match="SALESFORCE_CA_BUNDLE"):
        crm.connect()
    assert crm.stats.retries == 0
