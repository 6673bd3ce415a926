"""HubSpotCrm under faults (the real hubspot-api-client against the local HubSpot server):
what is retried, how long it waits, what is never sent twice."""

from __future__ import annotations

import socket

import pytest

from resources.crm import HubSpotResource
from resources.crm.client import CrmAuthError, CrmError
from resources.crm.hubspot import HubSpotCrm
from tests.crm_support import hubspot_crm
from tests.servers.hubspot import HubSpotServer


@pytest.fixture
def crm(hubspot: HubSpotServer) -> HubSpotCrm:
    return hubspot_crm(hubspot)


def test_429_is_retried_and_counted(hubspot, crm):
    hubspot.inject("batch/upsert", 429, times=2)
    hubspot.inject("contacts/search", 429)

    results = crm.upsert("contacts", [{"email": "rl@example.com"}], "email")
    records = [r for page in crm.pull("contacts", ["email"], None) for r in page]

    assert results[0].ok and results[0].created is True
    assert [r.properties["email"] for r in records] == ["rl@example.com"]
    assert hubspot.count("batch/upsert") == 3 and hubspot.count("contacts/search") == 2
    assert crm.stats.rate_limited == 3 and crm.stats.retries == 3
    assert crm.stats.api_calls == 5 and crm.stats.write_calls == 3
    assert "X-HubSpot-RateLimit-Remaining=" in crm.stats.limit_info


def test_backoff_is_exponential_capped_and_honours_retry_after(hubspot):
    delays: list[float] = []
    crm = HubSpotCrm(
        hubspot.token,
        hubspot.url,
        backoff_seconds=1.0,
        max_backoff_seconds=4.0,
        sleep=delays.append,
        allow_insecure_http=True,
    )
    hubspot.inject("batch/update", 429, times=5)
    hubspot.inject("batch/update", 429, headers={"Retry-After": "7"})
    record = hubspot.seed("contacts", {"email": "x@example.com"})

    assert crm.update("contacts", [(record, {"firstname": "X"})])[0].ok
    assert len(delays) == 6
    for attempt, delay in enumerate(delays[:5], start=1):
        ceiling = min(4.0, 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling  # jittered, never above max_backoff_seconds
    assert delays[5] == pytest.approx(7.0)  # Retry-After wins when HubSpot sends one


def test_500_on_upsert_is_retried_but_500_on_create_is_not(hubspot, crm):
    hubspot.inject("batch/upsert", 500, times=2)
    upserted = crm.upsert("contacts", [{"email": "retry@example.com"}], "email")
    assert upserted[0].ok
    assert hubspot.count("batch/upsert") == 3
    assert crm.stats.server_errors == 2

    hubspot.inject("batch/create", 500)
    created = crm.create("contacts", [{"email": "c1@example.com"}, {"email": "c2@example.com"}])
    assert [r.ok for r in created] == [False, False]
    assert all("not retried" in r.error and "not idempotent" in r.error for r in created)
    assert hubspot.count("batch/create") == 1  # neither we nor urllib3 sent it again
    assert crm.stats.server_errors == 3 and crm.stats.retries == 2
    assert {p["email"] for p in hubspot.records("contacts").values()} == {"retry@example.com"}


def test_a_timed_out_create_is_not_retried_because_it_may_have_happened(hubspot):
    crm = hubspot_crm(hubspot, timeout_seconds=0.4)
    hubspot.inject("batch/create", "timeout", delay=1.0)

    created = crm.create("contacts", [{"email": "slow@example.com"}])

    assert not created[0].ok and "not retried" in created[0].error
    assert hubspot.count("batch/create") == 1
    assert hubspot.wait_idle()
    # ...and HubSpot did create it: retrying would have made a duplicate
    assert [p["email"] for p in hubspot.records("contacts").values()] == ["slow@example.com"]

    hubspot.inject("batch/upsert", "timeout", delay=1.0)
    upserted = crm.upsert("contacts", [{"email": "slow@example.com", "firstname": "S"}], "email")
    assert upserted[0].ok and hubspot.count("batch/upsert") == 2
    assert crm.stats.server_errors == 2


def test_persistent_5xx_raises_crm_error_after_max_retries(hubspot):
    crm = hubspot_crm(hubspot, max_retries=2)
    hubspot.inject("contacts/search", 503, times=10)
    with pytest.raises(CrmError, match="after 3 attempts.*503"):
        list(crm.pull("contacts", ["email"], None))
    assert hubspot.count("contacts/search") == 3 and crm.stats.api_calls == 3


def test_connection_errors_are_retried_by_us_only():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    delays: list[float] = []
    crm = HubSpotCrm(
        "token",
        f"http://127.0.0.1:{port}",
        max_retries=2,
        sleep=delays.append,
        allow_insecure_http=True,
    )
    # the client library's own urllib3 Retry is off, so each attempt is one of ours
    assert crm.api.batch["contacts"].api_client.configuration.retries.total == 0
    with pytest.raises(CrmError, match="after 3 attempts.*(Connection refused|NewConnectionError)"):
        crm.upsert("contacts", [{"email": "a@example.com"}], "email")
    assert len(delays) == 2
    assert crm.stats.api_calls == 3 and crm.stats.server_errors == 3


def test_wrong_token_raises_auth_error_naming_the_setting(hubspot):
    crm = HubSpotCrm("pat-na1-wrong", hubspot.url, backoff_seconds=0.01, allow_insecure_http=True)
    with pytest.raises(CrmAuthError, match="HUBSPOT_ACCESS_TOKEN"):
        crm.describe("contacts")
    with pytest.raises(CrmAuthError, match="HUBSPOT_ACCESS_TOKEN"):
        crm.upsert("contacts", [{"email": "a@example.com"}], "email")
    assert crm.stats.api_calls == 2 and crm.stats.retries == 0


def test_a_retry_after_of_a_day_fails_the_call_at_once_instead_of_stalling_the_run(hubspot):
    waits: list[float] = []
    crm = hubspot_crm(hubspot, sleep=waits.append)
    hubspot.inject("batch/upsert", 429, headers={"Retry-After": "86400"})

    with pytest.raises(CrmError, match=r"asked to wait 86400 s .*more than the 120 s"):
        crm.upsert("contacts", [{"email": "patient@example.com"}], "email")
    assert waits == [] and hubspot.count("batch/upsert") == 1
    assert hubspot.records("contacts") == {}


def test_a_plain_http_api_base_is_refused_unless_explicitly_allowed(hubspot):
    with pytest.raises(CrmError, match="HUBSPOT_API_BASE must be an https://.*BIZDEV_ALLOW_"):
        HubSpotCrm(hubspot.token, hubspot.url)
    resource = HubSpotResource(access_token=hubspot.token, api_base=hubspot.url)
    with pytest.raises(CrmError, match="unencrypted"):
        resource.client()
    allowed = HubSpotResource(
        access_token=hubspot.token, api_base=hubspot.url, allow_insecure_http=True
    )
    assert "email" in allowed.client().describe("contacts")
