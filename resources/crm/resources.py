"""Connections to HubSpot and Salesforce, one resource each (README: CRM settings).

A CRM without credentials is "not configured": its assets report that they were skipped
and the rest of the pipeline runs. Secrets arrive as `dg.EnvVar`s, so the Dagster UI
shows the variable's name, never its value. The resources hold settings and build
clients; the sync engine (`bizdev_assets/crm/`) turns `mapping_path`, `push_mode` and
`mirror` into its own mapping and push options.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from resources.crm.client import CrmClient
from resources.crm.hubspot import HubSpotCrm
from resources.crm.salesforce import SalesforceCrm

HUBSPOT_PUBLIC_API = "https://api.hubapi.com"


class CrmResource(dg.ConfigurableResource):
    """What both CRM resources share: mapping, push mode, pull lookback, retry budget."""

    mapping_path: str | None = None  # YAML; None = the shipped bizdev_assets/crm/mappings/
    push_mode: str = "upsert"  # upsert | update_only | create_only
    mirror: bool = False  # archive in the CRM what left the golden set
    lookback_minutes: float = 5.0
    max_retries: int = 6
    backoff_seconds: float = 1.0
    max_retry_after_seconds: float = 120.0  # a longer Retry-After fails the call at once
    allow_insecure_http: bool = False  # BIZDEV_ALLOW_INSECURE_HTTP=1: http:// for test servers

    crm_type: str = ""

    @property
    def configured(self) -> bool:
        raise NotImplementedError

    @property
    def missing_settings(self) -> str:
        raise NotImplementedError

    def client(self) -> CrmClient:
        raise NotImplementedError

    @property
    def lookback(self) -> timedelta:
        return timedelta(minutes=self.lookback_minutes)


class HubSpotResource(CrmResource):
    """HubSpot through hubspot-api-client: HUBSPOT_ACCESS_TOKEN (a private-app token) and
    HUBSPOT_API_BASE (default the public API; a proxy or sandbox otherwise)."""

    crm_type: str = "hubspot"
    access_token: str | None = None
    api_base: str = HUBSPOT_PUBLIC_API

    @property
    def configured(self) -> bool:
        return bool(self.access_token)

    @property
    def missing_settings(self) -> str:
        return "set HUBSPOT_ACCESS_TOKEN"

    def client(self) -> HubSpotCrm:
        return HubSpotCrm(
            self.access_token or "",
            self.api_base,
            max_retries=self.max_retries,
            backoff_seconds=self.backoff_seconds,
            max_retry_after_seconds=self.max_retry_after_seconds,
            allow_insecure_http=self.allow_insecure_http,
        )


class SalesforceResource(CrmResource):
    """Salesforce through simple-salesforce: SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN,
    or SALESFORCE_USERNAME + SALESFORCE_PASSWORD + SALESFORCE_SECURITY_TOKEN with
    SALESFORCE_DOMAIN (login | test | a full https:// URL); SALESFORCE_CA_BUNDLE for a
    private CA."""

    crm_type: str = "salesforce"
    instance_url: str | None = None
    access_token: str | None = None
    username: str | None = None
    password: str | None = None
    security_token: str | None = None
    domain: str = "login"
    ca_bundle: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.instance_url and self.access_token) or bool(
            self.username and self.password
        )

    @property
    def missing_settings(self) -> str:
        return (
            "set SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN, "
            "or SALESFORCE_USERNAME + SALESFORCE_PASSWORD (+ SALESFORCE_SECURITY_TOKEN)"
        )

    def client(self) -> SalesforceCrm:
        return SalesforceCrm(
            instance_url=self.instance_url,
            access_token=self.access_token,
            username=self.username,
            password=self.password,
            security_token=self.security_token,
            domain=self.domain,
            ca_bundle=self.ca_bundle,
            max_retries=self.max_retries,
            backoff_seconds=self.backoff_seconds,
            max_retry_after_seconds=self.max_retry_after_seconds,
        )
