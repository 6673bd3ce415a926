"""The Apollo adapter against a local server speaking Apollo's wire format: request
shapes, the key header, the bulk limit, what is retried and what fails for good."""

from __future__ import annotations

import json

import httpx
import pytest

from resources.enrichment import ProviderAuthError, ProviderError, ProviderOutOfCredits, Query
from resources.enrichment.apollo import ApolloClient


def client(apollo, **options) -> tuple[ApolloClient, list[float]]:
    waits: list[float] = []
    options = {"backoff_seconds": 0.5, "max_retries": 3, "timeout_seconds": 0.5, **options}
    return ApolloClient(apollo.api_key, apollo.url, sleep=waits.append, **options), waits


def queries(*domains: str) -> list[Query]:
    return [Query(d) for d in domains]


def test_one_domain_is_a_get_and_up_to_ten_are_one_bulk_post(apollo):
    for domain in ("acme.com", "globex.com"):
        apollo.seed_organization(domain)
    apollo_client, _ = client(apollo)

    single = apollo_client.lookup("company", queries("acme.com"))
    bulk = apollo_client.lookup("company", queries("acme.com", "globex.com", "nope.com"))

    assert [(r.method, r.path) for r in apollo.requests] == [
        ("GET", "/api/v1/organizations/enrich"),
        ("POST", "/api/v1/organizations/bulk_enrich"),
    ]
    assert [a.status for a in single.answers] == ["hit"]
    assert [(a.key, a.status) for a in bulk.answers] == [
        ("acme.com", "hit"),
        ("globex.com", "hit"),
        ("nope.com", "miss"),
    ]
    assert (single.credits, bulk.credits, apollo.credits) == (1, 2, 3)


def test_more_than_ten_domains_are_never_sent_and_apollo_refuses_them_too(apollo):
    eleven = [f"d{i}.com" for i in range(11)]
    with pytest.raises(ValueError, match="at most 10"):
        client(apollo)[0].lookup("company", queries(*eleven))
    assert apollo.requests == []
    answer = httpx.post(
        f"{apollo.url}/api/v1/organizations/bulk_enrich",
        params={"domains[]": eleven},
        headers={"x-api-key": apollo.api_key},
    )
    assert answer.status_code == 422 and "maximum" in answer.json()["error"]


def test_a_refused_key_fails_at_once_naming_the_setting(apollo):
    wrong = ApolloClient("not-the-key", apollo.url, backoff_seconds=0.01)
    with pytest.raises(ProviderAuthError, match="APOLLO_API_KEY"):
        wrong.lookup("company", queries("acme.com", "globex.com"))
    assert len(apollo.requests) == 1


def test_a_429_waits_as_long_as_retry_after_asks(apollo):
    apollo.seed_organization("acme.com")
    apollo.inject("bulk_enrich", 429, headers={"Retry-After": "7"})
    apollo_client, waits = client(apollo)
    answers = apollo_client.lookup("company", queries("acme.com", "globex.com")).answers
    assert [a.status for a in answers] == ["hit", "miss"]
    assert waits == [7.0] and apollo_client.stats.rate_limited == 1


def test_a_429_without_retry_after_backs_off_exponentially(apollo):
    apollo.inject("bulk_enrich", 429, times=3)
    apollo_client, waits = client(apollo, backoff_seconds=1.0)
    apollo_client.lookup("company", queries("acme.com", "globex.com"))
    assert len(waits) == 3
    assert [0.5 <= waits[0] <= 1, 1 <= waits[1] <= 2, 2 <= waits[2] <= 4] == [True] * 3


def test_a_wait_of_more_than_two_minutes_leaves_the_rest_for_the_next_run(apollo):
    apollo.inject("bulk_enrich", 429, headers={"Retry-After": "3600"})
    apollo_client, waits = client(apollo)
    with pytest.raises(ProviderOutOfCredits, match="wait 3600 s"):
        apollo_client.lookup("company", queries("acme.com", "globex.com"))
    assert waits == []


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (503, "HTTP 503"),
        ("timeout", "timed out"),
        ("html", "not JSON (text/html)"),
        ("malformed", "not JSON"),
    ],
)
def test_server_errors_timeouts_and_bodies_that_are_not_json_are_retried(apollo, fault, said):
    apollo.seed_organization("acme.com")
    apollo.inject("bulk_enrich", fault, delay=1.0)
    apollo_client, waits = client(apollo)
    answers = apollo_client.lookup("company", queries("acme.com", "globex.com")).answers
    assert [a.status for a in answers] == ["hit", "miss"]
    failed, answered = apollo_client.take_exchanges()
    assert said in failed.error and answered.error is None and answered.status_code == 200
    apollo.wait_idle()


def test_a_fault_that_does_not_go_away_fails_the_call_for_good(apollo):
    apollo.inject("bulk_enrich", "html", times=10)
    apollo_client, waits = client(apollo, max_retries=2)
    with pytest.raises(ProviderError, match="failed after 3 attempts: HTTP 200 with a body"):
        apollo_client.lookup("company", queries("acme.com", "globex.com"))
    assert len(waits) == 2 and len(apollo_client.take_exchanges()) == 3


def test_an_organization_for_another_domain_is_a_mismatch_and_never_a_hit(apollo):
    apollo.seed_organization("globex.com", name="Globex")
    apollo.answer_as("acme.com", "globex.com")
    apollo_client, _ = client(apollo)
    single = apollo_client.lookup("company", queries("acme.com")).answers[0]
    bulk = apollo_client.lookup("company", queries("acme.com", "initech.com")).answers
    assert (single.status, single.note) == ("mismatch", "Apollo answered for globex.com")
    assert [a.status for a in bulk] == ["miss", "miss"]
    assert bulk[0].note == "Apollo answered for globex.com"


def test_people_are_matched_in_the_order_asked_and_billed_as_apollo_says(apollo):
    apollo.seed_person("ada@acme.com", title="CTO", seniority="c_suite")
    apollo_client, _ = client(apollo)
    batch = apollo_client.lookup(
        "person",
        [
            Query("bob@acme.com", {"first_name": "Bob"}),
            Query("ada@acme.com", {"first_name": "Ada"}),
        ],
    )
    assert [(a.key, a.status) for a in batch.answers] == [
        ("bob@acme.com", "miss"),
        ("ada@acme.com", "hit"),
    ]
    assert batch.answers[1].record["title"] == "CTO" and batch.credits == 1
    [request] = apollo.logged("POST", "/api/v1/people/bulk_match")
    assert json.loads(request.body)["details"][0] == {"email": "bob@acme.com", "first_name": "Bob"}
