"""The one interface the sync engine uses to talk to a CRM.

`hubspot.py` and `salesforce.py` implement it on top of the vendors' own client
libraries (hubspot-api-client, simple-salesforce). Everything vendor-specific lives
there: routes, paging, the HubSpot 10,000-result search cap, 207 partial success, rate
limits, retries and re-authentication. The engine (`pull.py`, `push.py`) only sees
records, write results and call counts, so one engine serves both CRMs.

Object types are the engine's names, `contacts` and `companies`; the Salesforce adapter
maps them to `Contact` and `Account`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

ObjectType = Literal["contacts", "companies"]
PropertyType = Literal["string", "number", "bool", "date", "datetime", "enumeration"]


def backoff_delay(retry: int, base_seconds: float, max_seconds: float) -> float:
    """Seconds to wait before retry number `retry` (1, 2, ...): exponential from
    `base_seconds`, capped at `max_seconds`, with "equal jitter" (half fixed, half random)
    so that clients hit by the same rate limit do not come back in step."""
    ceiling = min(max_seconds, base_seconds * 2 ** (retry - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


class CrmError(RuntimeError):
    """A CRM call failed for good (after the retries the call was allowed)."""


class CrmAuthError(CrmError):
    """The CRM refused the credentials; the message names the setting to fix."""


@dataclass(frozen=True)
class CrmRecord:
    """One record as the CRM holds it."""

    id: str  # the CRM's own id (HubSpot hs_object_id, Salesforce Id)
    modified_at: (
        datetime  # timezone-aware UTC: lastmodifieddate / hs_lastmodifieddate / SystemModstamp
    )
    properties: dict[str, str | None]  # property name -> value as the CRM returns it (strings)
    deleted: bool = False  # Salesforce IsDeleted (queryAll); HubSpot archived


@dataclass(frozen=True)
class WriteResult:
    """The outcome of one row of a batch write, in the order the rows were sent."""

    key: str  # what identified the row we sent: email / external id / CRM id
    ok: bool
    crm_id: str | None = None  # the record's CRM id when ok
    created: bool | None = None  # True = new record, False = updated existing, None = unknown
    error: str | None = None  # the CRM's own error message when not ok
    not_found: bool = False  # the record is gone from the CRM (deleted / archived / merged)


@dataclass(frozen=True)
class PropertySpec:
    """What the CRM says about one property (HubSpot properties API, Salesforce describe)."""

    name: str
    type: PropertyType
    length: int | None = None  # max characters when the CRM limits it
    options: tuple[str, ...] = ()  # allowed values of an enumeration / picklist
    read_only: bool = False


@dataclass
class CallStats:
    """API usage of one client since it was built, reported per sync run."""

    api_calls: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    rate_limited: int = 0  # 429 / REQUEST_LIMIT_EXCEEDED responses seen
    server_errors: int = 0  # 5xx and timeouts seen
    reauthentications: int = 0
    limit_info: str | None = None  # last Sforce-Limit-Info / X-HubSpot-RateLimit-* seen
    write_calls: int = 0  # calls that change data in the CRM (batch create/update/upsert/archive)
    by_operation: dict[str, int] = field(default_factory=dict)

    def count(self, operation: str, *, write: bool = False) -> None:
        self.api_calls += 1
        self.write_calls += int(write)
        self.by_operation[operation] = self.by_operation.get(operation, 0) + 1


class CrmClient(Protocol):
    """What a CRM adapter offers the sync engine."""

    crm_type: str  # "hubspot" | "salesforce" (the crm_type of crm_sync_state)
    batch_size: int  # rows per write call: 100 (HubSpot batch) / 200 (sObject Collections)
    stats: CallStats

    def describe(self, object_type: ObjectType) -> dict[str, PropertySpec]:
        """The object's properties, for validating a field mapping before any write."""
        ...

    def pull(
        self,
        object_type: ObjectType,
        properties: list[str],
        modified_since: datetime | None,
    ) -> Iterator[list[CrmRecord]]:
        """Pages of records modified at or after `modified_since` (all when None), in
        ascending `modified_at` order, deleted ones included where the CRM reports them.
        May repeat a record (e.g. when it restarts a capped search from the last
        cursor value); the engine de-duplicates by id."""
        ...

    def upsert(
        self, object_type: ObjectType, rows: list[dict[str, str | None]], id_property: str
    ) -> list[WriteResult]:
        """Create-or-update one batch (<= batch_size) matched on `id_property` (HubSpot
        `email`, Salesforce an external-id field). Idempotent, so retried on 5xx."""
        ...

    def update(
        self, object_type: ObjectType, rows: list[tuple[str, dict[str, str | None]]]
    ) -> list[WriteResult]:
        """Update existing records by CRM id: (crm_id, properties) pairs. Idempotent."""
        ...

    def create(
        self, object_type: ObjectType, rows: list[dict[str, str | None]]
    ) -> list[WriteResult]:
        """Create new records. NOT idempotent: never retried after a 5xx or timeout (only
        after a 429, which the CRM rejected before doing anything)."""
        ...

    def archive(self, object_type: ObjectType, crm_ids: list[str]) -> list[WriteResult]:
        """Archive (HubSpot) / delete (Salesforce) records by CRM id. Idempotent."""
        ...
