"""The People Data Labs adapter against a local server speaking PDL's v5 wire format:
a 404 is a miss that costs nothing, a 402 means the account's matches are used up."""

from __future__ import annotations

import pytest

from resources.enrichment import ProviderAuthError, ProviderOutOfCredits, Query
from resources.enrichment.pdl import PdlClient


def client(pdl, **options) -> PdlClient:
    return PdlClient(pdl.api_key, pdl.url, backoff_seconds=0.001, **options)


def test_a_company_found_is_billed_and_a_404_is_a_miss_that_costs_nothing(pdl):
    pdl.seed_company("acme.de", name="Acme")
    pdl_client = client(pdl)
    hit = pdl_client.lookup("company", [Query("acme.de")])
    miss = pdl_client.lookup("company", [Query("nope.de")])
    assert (hit.answers[0].status, hit.credits) == ("hit", 1)
    assert (miss.answers[0].status, miss.credits) == ("miss", 0)
    assert pdl.credits == 1
    assert [(r.method, r.path) for r in pdl.requests] == [("GET", "/v5/company/enrich")] * 2
    assert pdl.asked == ["acme.de", "nope.de"]


def test_a_company_answered_for_another_website_is_a_mismatch(pdl):
    pdl.seed_company("globex.com")
    pdl.answer_as("acme.com", "globex.com")
    answer = client(pdl).lookup("company", [Query("acme.com")]).answers[0]
    assert (answer.status, answer.note) == ("mismatch", "PDL answered for globex.com")


def test_person_lookups_ask_for_a_minimum_likelihood_and_read_data(pdl):
    pdl.seed_person("sean@acme.de", likelihood=8)
    pdl.seed_person("unsure@acme.de", likelihood=4)
    pdl_client = client(pdl, min_likelihood=6)
    sure = pdl_client.lookup("person", [Query("sean@acme.de")]).answers[0]
    unsure = pdl_client.lookup("person", [Query("unsure@acme.de")]).answers[0]
    assert sure.status == "hit" and sure.record["job_title_levels"] == ["cxo", "owner"]
    assert unsure.status == "miss" and pdl.credits == 1
    sent = [e.request["params"] for e in pdl_client.take_exchanges()]
    assert [p["min_likelihood"] for p in sent] == [6, 6]


def test_an_account_out_of_matches_stops_with_a_402(pdl):
    pdl.seed_company("acme.de")
    pdl.matches_left = 0
    with pytest.raises(ProviderOutOfCredits, match="matches are used up"):
        client(pdl).lookup("company", [Query("acme.de")])
    assert len(pdl.requests) == 1


def test_a_refused_key_names_the_setting(pdl):
    with pytest.raises(ProviderAuthError, match="PDL_API_KEY"):
        PdlClient("wrong", pdl.url).lookup("company", [Query("acme.de")])
