"""hubspot-api-client, built once per adapter, and every request sent through the shared
retry loop (`resources/http_retry.py`) with HubSpot's classifier (`errors.py`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from hubspot import HubSpot
from hubspot.crm import companies as hs_companies
from hubspot.crm import contacts as hs_contacts
from urllib3.util.retry import Retry

from resources.crm.hubspot.errors import API_EXCEPTIONS, classify, limit_info
from resources.http_retry import CallStats, RetryPolicy, call_with_retries

# The client's generated models (request bodies, filters) per object type.
MODELS: dict[str, Any] = {"contacts": hs_contacts, "companies": hs_companies}


class HubSpotApi:
    """The client library's API objects and `call`, which sends one request with retries."""

    def __init__(
        self,
        access_token: str,
        api_base: str,
        *,
        policy: RetryPolicy,
        timeout_seconds: float,
    ):
        self.policy = policy
        self.timeout_seconds = timeout_seconds
        self.stats = CallStats()
        # total=0: urllib3 never retries on its own (not even connection errors), so every
        # HTTP request is one we count and decide about here.
        client = HubSpot(
            access_token=access_token,
            host=api_base.rstrip("/"),
            retry=Retry(total=0, redirect=False, raise_on_status=False),
        )
        # Each discovery attribute access builds a new ApiClient (and connection pool):
        # build them once.
        self.search = {
            "contacts": client.crm.contacts.search_api,
            "companies": client.crm.companies.search_api,
        }
        self.batch = {
            "contacts": client.crm.contacts.batch_api,
            "companies": client.crm.companies.batch_api,
        }
        self.contacts_basic = client.crm.contacts.basic_api  # GDPR delete (purge)
        self.properties = client.crm.properties.core_api
        self.groups = client.crm.properties.groups_api

    def close(self) -> None:
        """Drop pooled connections."""
        apis = [*self.search.values(), *self.batch.values(), self.properties, self.groups]
        for api in [*apis, self.contacts_basic]:
            api.api_client.rest_client.pool_manager.clear()

    def call(
        self,
        operation: str,
        call: Callable[..., tuple[Any, int, Any]],
        *,
        write: bool,
        idempotent: bool,
    ) -> Any:
        """Run one API call (a `*_with_http_info` method); return its data. Every HTTP
        request is counted in `stats`, and the last rate-limit headers kept there."""

        def send() -> Any:
            try:
                data, _status, headers = call(_request_timeout=self.timeout_seconds)
            except API_EXCEPTIONS as exc:
                self._note_limits(getattr(exc, "headers", None))
                raise
            self._note_limits(headers)
            return data

        return call_with_retries(
            send,
            operation=operation,
            classify=partial(classify, operation=operation, write=write),
            policy=self.policy,
            stats=self.stats,
            write=write,
            idempotent=idempotent,
        )

    def _note_limits(self, headers: Any) -> None:
        self.stats.limit_info = limit_info(headers) or self.stats.limit_info
