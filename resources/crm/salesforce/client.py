"""The Salesforce adapter: `SalesforceCrm`, a `CrmClient` on simple-salesforce.

Reads are in `reads.py` (SOQL queryAll, describe), writes in `writes.py` (sObject
Collections), custom fields in `schema.py` (Tooling API), the session and its retries in `connection.py`, and what is retried in
`errors.py`: `REQUEST_LIMIT_EXCEEDED` for every call; 5xx, timeouts and dropped connections
for the idempotent calls (query, describe, upsert, update, archive) but never for create;
an expired session leads to one fresh login when a username and password are configured.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from simple_salesforce import Salesforce

from resources.crm.client import (
    CrmAuthError,
    CrmError,
    CrmRecord,
    NewProperty,
    ObjectType,
    PropertySpec,
    WriteResult,
)
from resources.crm.salesforce import erasure, reads, schema, writes
from resources.crm.salesforce.connection import SalesforceConnection
from resources.crm.salesforce.errors import CREDENTIALS
from resources.http_retry import CallStats, RetryPolicy


class SalesforceCrm:
    """`CrmClient` for Salesforce (Contact and Account) on simple-salesforce."""

    crm_type = "salesforce"
    batch_size = writes.COLLECTION_LIMIT

    def __init__(
        self,
        *,
        instance_url: str | None = None,
        access_token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        security_token: str | None = None,
        domain: str = "login",
        ca_bundle: str | None = None,
        external_id_field: str = "Bizdev_Id__c",
        api_version: str = "59.0",
        max_retries: int = 6,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        max_retry_after_seconds: float = 120.0,
        timeout_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not (username and password) and not (instance_url and access_token):
            raise CrmAuthError(
                "Salesforce credentials missing: set SALESFORCE_INSTANCE_URL and "
                f"SALESFORCE_ACCESS_TOKEN, or {CREDENTIALS}"
            )
        if instance_url and not instance_url.startswith("https://"):
            raise CrmError(f"SALESFORCE_INSTANCE_URL must be an https:// URL, not {instance_url!r}")
        if "://" in domain and not domain.startswith("https://"):
            raise CrmError(f"SALESFORCE_DOMAIN must be https://, not {domain!r}")
        self.external_id_field = external_id_field
        self.connection = SalesforceConnection(
            instance_url=instance_url.rstrip("/") if instance_url else None,
            access_token=access_token,
            username=username,
            password=password,
            security_token=security_token,
            domain=domain.rstrip("/"),
            ca_bundle=ca_bundle,
            api_version=api_version.removeprefix("v"),
            policy=RetryPolicy(
                vendor="Salesforce",
                error=CrmError,
                max_retries=max_retries,
                backoff_seconds=backoff_seconds,
                max_backoff_seconds=max_backoff_seconds,
                max_retry_after_seconds=max_retry_after_seconds,
                sleep=sleep,
            ),
            timeout_seconds=timeout_seconds,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> SalesforceCrm:
        """Build from the SALESFORCE_* settings (empty values count as unset)."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            return env.get(name) or None

        settings: dict[str, Any] = {
            "instance_url": get("SALESFORCE_INSTANCE_URL"),
            "access_token": get("SALESFORCE_ACCESS_TOKEN"),
            "username": get("SALESFORCE_USERNAME"),
            "password": get("SALESFORCE_PASSWORD"),
            "security_token": get("SALESFORCE_SECURITY_TOKEN"),
            "domain": get("SALESFORCE_DOMAIN") or "login",
            "ca_bundle": get("SALESFORCE_CA_BUNDLE"),
        }
        if get("SALESFORCE_API_VERSION"):
            settings["api_version"] = get("SALESFORCE_API_VERSION")
        return cls(**{**settings, **overrides})

    @property
    def stats(self) -> CallStats:
        return self.connection.stats

    @property
    def sf(self) -> Salesforce:
        """The underlying simple-salesforce client (logging in on first use)."""
        return self.connection.connect()

    def connect(self) -> Salesforce:
        """Log in (or adopt the access token) unless already connected."""
        return self.connection.connect()

    def describe(self, object_type: ObjectType) -> dict[str, PropertySpec]:
        return reads.describe(self.connection, object_type)

    def custom_properties(self, object_type: ObjectType) -> set[str]:
        return schema.custom_fields(self.connection, object_type)

    def create_property(self, object_type: ObjectType, prop: NewProperty) -> None:
        schema.create_field(self.connection, object_type, prop)

    def manual_steps(self, object_type: ObjectType, prop: NewProperty) -> str:
        return schema.manual_steps(object_type, prop)

    def pull(
        self,
        object_type: ObjectType,
        properties: list[str],
        modified_since: datetime | None,
    ) -> Iterator[list[CrmRecord]]:
        return reads.pull(self.connection, object_type, properties, modified_since)

    def upsert(
        self, object_type: ObjectType, rows: list[dict[str, str | None]], id_property: str
    ) -> list[WriteResult]:
        return writes.upsert(self.connection, object_type, rows, id_property)

    def update(
        self, object_type: ObjectType, rows: list[tuple[str, dict[str, str | None]]]
    ) -> list[WriteResult]:
        return writes.update(self.connection, object_type, rows)

    def create(
        self, object_type: ObjectType, rows: list[dict[str, str | None]]
    ) -> list[WriteResult]:
        return writes.create(self.connection, object_type, rows, self.external_id_field)

    def archive(self, object_type: ObjectType, crm_ids: list[str]) -> list[WriteResult]:
        return writes.archive(self.connection, object_type, crm_ids)

    def gdpr_delete(self, crm_ids: list[str], emails: list[str]) -> list[WriteResult]:
        """Delete the Contacts and purge them from the recycle bin (`erasure.py`)."""
        return erasure.gdpr_delete(self.connection, crm_ids, emails)
