"""The HubSpot adapter: `CrmClient` on top of HubSpot's own `hubspot-api-client` (v12).

Reads go through the CRM search API (`search.py`), writes through the batch APIs
(`writes.py`), property metadata through the properties API (here), custom properties are
created through it too (`schema.py`). The API base must be `https://` (the token is a
bearer secret) unless `allow_insecure_http` is set for a local test server. The client library's
own urllib3 retry is switched off so that nothing is retried twice or behind our back;
every request goes through the shared retry loop with HubSpot's classifier (`errors.py`):
429s and, for idempotent calls (search, properties, upsert, update, archive), 5xx,
timeouts and connection errors are retried; a `create` never is after a 5xx or timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime

from resources.crm.client import (
    CrmAuthError,
    CrmError,
    CrmRecord,
    NewProperty,
    ObjectType,
    PropertySpec,
    PropertyType,
    WriteResult,
)
from resources.crm.hubspot.api import HubSpotApi
from resources.crm.hubspot.errors import TOKEN_SETTING
from resources.crm.hubspot.schema import HubSpotSchema
from resources.crm.hubspot.search import HubSpotSearch
from resources.crm.hubspot.writes import BATCH_SIZE, HubSpotWrites
from resources.http_retry import CallStats, RetryPolicy

PROPERTY_TYPES: dict[str, PropertyType] = {
    "string": "string",
    "number": "number",
    "bool": "bool",
    "date": "date",
    "datetime": "datetime",
    "enumeration": "enumeration",
}


class HubSpotCrm:
    """`CrmClient` for HubSpot (private-app access token)."""

    crm_type = "hubspot"
    batch_size = BATCH_SIZE

    def __init__(
        self,
        access_token: str,
        api_base: str = "https://api.hubapi.com",
        *,
        max_retries: int = 6,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        max_retry_after_seconds: float = 120.0,
        page_size: int = 200,
        timeout_seconds: float = 60.0,
        allow_insecure_http: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not access_token:
            raise CrmAuthError(f"HubSpot access token is empty: set {TOKEN_SETTING}")
        if not api_base.startswith("https://") and not allow_insecure_http:
            raise CrmError(
                f"HUBSPOT_API_BASE must be an https:// URL, not {api_base!r}: the access token "
                "would cross the network unencrypted. For a local test server only, set "
                "BIZDEV_ALLOW_INSECURE_HTTP=1."
            )
        policy = RetryPolicy(
            vendor="HubSpot",
            error=CrmError,
            max_retries=max_retries,
            backoff_seconds=backoff_seconds,
            max_backoff_seconds=max_backoff_seconds,
            max_retry_after_seconds=max_retry_after_seconds,
            sleep=sleep,
        )
        self.api = HubSpotApi(
            access_token, api_base, policy=policy, timeout_seconds=timeout_seconds
        )
        self._search = HubSpotSearch(self.api, page_size)
        self._writes = HubSpotWrites(self.api)
        self._schema = HubSpotSchema(self.api)

    @property
    def stats(self) -> CallStats:
        return self.api.stats

    def close(self) -> None:
        """Drop pooled connections."""
        self.api.close()

    def describe(self, object_type: ObjectType) -> dict[str, PropertySpec]:
        response = self.api.call(
            "properties",
            lambda **kw: self.api.properties.get_all_with_http_info(object_type=object_type, **kw),
            write=False,
            idempotent=True,
        )
        specs: dict[str, PropertySpec] = {}
        for prop in response.results or []:
            metadata = prop.modification_metadata
            specs[prop.name] = PropertySpec(
                name=prop.name,
                type=PROPERTY_TYPES.get(prop.type, "string"),
                length=None,  # HubSpot strings have no length limit (65,536 chars in practice)
                options=tuple(o.value for o in prop.options or [] if o.value is not None),
                read_only=bool(metadata and metadata.read_only_value),
            )
        return specs

    def custom_properties(self, object_type: ObjectType) -> set[str]:
        return self._schema.custom_properties(object_type)

    def create_property(self, object_type: ObjectType, prop: NewProperty) -> None:
        self._schema.create_property(object_type, prop)

    def manual_steps(self, object_type: ObjectType, prop: NewProperty) -> str:
        return self._schema.manual_steps(object_type, prop)

    def pull(
        self,
        object_type: ObjectType,
        properties: list[str],
        modified_since: datetime | None,
    ) -> Iterator[list[CrmRecord]]:
        return self._search.pull(object_type, properties, modified_since)

    def upsert(
        self, object_type: ObjectType, rows: list[dict[str, str | None]], id_property: str
    ) -> list[WriteResult]:
        return self._writes.upsert(object_type, rows, id_property)

    def update(
        self, object_type: ObjectType, rows: list[tuple[str, dict[str, str | None]]]
    ) -> list[WriteResult]:
        return self._writes.update(object_type, rows)

    def create(
        self, object_type: ObjectType, rows: list[dict[str, str | None]]
    ) -> list[WriteResult]:
        return self._writes.create(object_type, rows)

    def archive(self, object_type: ObjectType, crm_ids: list[str]) -> list[WriteResult]:
        return self._writes.archive(object_type, crm_ids)

    def gdpr_delete(self, crm_ids: list[str], emails: list[str]) -> list[WriteResult]:
        return self._writes.gdpr_delete(crm_ids, emails)
