"""Shared fixtures: a fresh embedded environment (landing folder + DuckDB) per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# The first example of a property test pays for lazy imports (polars, phonenumbers,
# tldextract); on a busy 2-core CI that can exceed Hypothesis's 200 ms deadline.
hypothesis_settings.register_profile("bizdev", deadline=None)
hypothesis_settings.load_profile("bizdev")

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

# Real servers the session starts itself (fixtures: postgres_url, s3_server, s3_bucket,
# and local HubSpot and Salesforce API servers speaking the vendors' wire format).
pytest_plugins = [
    "tests.servers.postgres",
    "tests.servers.s3",
    "tests.servers.hubspot",
    "tests.servers.salesforce",
    # enrichment: Apollo, People Data Labs and an RSS/Atom feed server
    "tests.servers.apollo",
    "tests.servers.pdl",
    "tests.servers.feeds",
    "tests.servers.smtp",  # outreach: aiosmtpd with STARTTLS and AUTH
    "tests.servers.temporal",  # outreach: a Temporal dev server with time skipping
    "tests.servers.alert_receivers",  # alerts: Slack-compatible webhook, PagerDuty Events v2
]


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(tmp_path: Path, landing: Path):
    from resources.settings import Settings
    from tests.outreach_support import outreach_in

    return Settings(
        landing=str(landing), warehouse=str(tmp_path / "warehouse.duckdb"), **outreach_in(tmp_path)
    )


@pytest.fixture
def crm_settings(tmp_path: Path, landing: Path, hubspot, salesforce):
    """The embedded default plus both CRMs, pointed at the session's local CRM servers."""
    from resources.settings import Settings
    from tests.outreach_support import outreach_in

    creds = salesforce.credentials()
    return Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        hubspot_access_token=hubspot.token,
        hubspot_api_base=hubspot.url,
        salesforce_username=creds["username"],
        salesforce_password=creds["password"],
        salesforce_security_token=creds["security_token"],
        salesforce_domain=creds["domain"],
        salesforce_ca_bundle=str(salesforce.ca_path),
        crm_backoff_seconds=0.01,
        allow_insecure_http=True,  # the local HubSpot server speaks plain HTTP
        **outreach_in(tmp_path),
    )
