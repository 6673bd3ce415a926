"""Enrichment settings: read when the definitions are built, keys as dg.EnvVar, a wrong
value kept with its reason to fail only the enrichment assets; no settings = the offline
provider."""

from __future__ import annotations

import re

import dagster as dg
import pytest

from resources.settings import Settings, build_resources


def test_enrichment_settings_become_resources_with_keys_by_name():
    settings = Settings.from_env(
        {
            "BIZDEV_ENRICHMENT_PROVIDERS": "Apollo, pdl offline",
            "APOLLO_API_KEY": "secret-a",
            "APOLLO_API_BASE": "http://apollo.internal",
            "PDL_API_KEY": "secret-p",
            "BIZDEV_ENRICHMENT_DAILY_CREDITS": "apollo=500, 200",
            "BIZDEV_NEWS_FEEDS": "https://a.example/feed, https://b.example/rss",
            "BIZDEV_COMPETITORS": "Initech|Initech Corp=initech.com, Globex Corporation",
        }
    )
    resources = build_resources(settings)
    enrichment, sources = resources["enrichment"], resources["signal_sources"]
    assert enrichment.order == ["apollo", "pdl", "offline"]
    assert settings.apollo_api_key == dg.EnvVar("APOLLO_API_KEY")
    assert settings.pdl_api_key == dg.EnvVar("PDL_API_KEY")
    assert enrichment.apollo_api_base == "http://apollo.internal"
    assert (enrichment.daily_budget("apollo"), enrichment.daily_budget("pdl")) == (500, 200)
    assert sources.feeds == ["https://a.example/feed", "https://b.example/rss"]
    assert sources.competitors == ["Initech|Initech Corp=initech.com", "Globex Corporation"]


def test_without_settings_only_the_offline_provider_runs_and_paid_ones_say_what_is_missing():
    enrichment = build_resources(Settings.from_env({}))["enrichment"]
    assert enrichment.order == ["offline"] and not enrichment.people
    assert enrichment.unavailable("apollo") == "skipped: not configured: set APOLLO_API_KEY"
    assert "folded into HubSpot" in enrichment.unavailable("clearbit")


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("BIZDEV_ENRICHMENT_PROVIDERS", "apollo, clearbitt", "unknown provider(s) clearbitt"),
        ("BIZDEV_ENRICHMENT_DAILY_CREDITS", "apollo=lots", "'apollo=lots' is not a number"),
        ("BIZDEV_ENRICHMENT_DAILY_CREDITS", "hubspot=5", "'hubspot=5' is not a number"),
        ("BIZDEV_ENRICHMENT_BACKOFF_SECONDS", "soon", "not a number of seconds"),
    ],
)
def test_a_wrong_enrichment_setting_is_kept_with_its_reason_for_the_enrichment_assets(
    name, value, said
):
    settings = Settings.from_env({name: value})  # the code location still loads
    problem = build_resources(settings)["enrichment"].setting_problem
    assert problem is not None and re.search(f"{name}=.*{re.escape(said)}", problem)
    assert build_resources(Settings.from_env({}))["enrichment"].setting_problem is None


def test_a_plain_http_provider_base_is_refused_unless_allowed_for_a_test_server():
    env = {"BIZDEV_ENRICHMENT_PROVIDERS": "apollo", "APOLLO_API_KEY": "k"}
    http = {**env, "APOLLO_API_BASE": "http://apollo.internal"}
    refused = build_resources(Settings.from_env(http))["enrichment"].unavailable("apollo")
    allowed = Settings.from_env({**http, "BIZDEV_ALLOW_INSECURE_HTTP": "1"})
    assert "APOLLO_API_BASE must be an https:// URL" in refused
    assert build_resources(allowed)["enrichment"].unavailable("apollo") is None
    assert build_resources(Settings.from_env(env))["enrichment"].unavailable("apollo") is None
