"""The one interface the sync engine uses to talk to a CRM.

`hubspot/` and `salesforce/` implement it on top of the vendors' own client libraries
(hubspot-api-client, simple-salesforce). Everything vendor-specific lives there: routes,
paging, the HubSpot 10,000-result search cap, 207 partial success, rate limits and
re-authentication; the retries themselves are the shared loop of `resources/http_retry.py`.
The engine (`bizdev_assets/crm/pull.py`, `push.py`) only sees records, write results and
call counts, so one engine serves both CRMs.

Object types are the engine's names, `contacts` and `companies`; the Salesforce adapter
maps them to `Contact` and `Account`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from resources.http_retry import CallStats

ObjectType = Literal["contacts", "companies"]
PropertyType = Literal["string", "number", "bool", "date", "datetime", "enumeration"]


class CrmError(RuntimeError):
    """A CRM call failed for good (after the retries the call was allowed)."""


class CrmAuthError(CrmError):
    """The CRM refused the credentials; the message names the setting to fix."""


class CrmPermissionError(CrmError):
    """The credentials work but may not do this (a missing scope or user permission)."""


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
    # Sending the same row again will fail the same way (a validation error, a value the
    # CRM refuses), as opposed to a failure of the moment (a timeout, a lock, a limit).
    permanent: bool = False
    # The CRM refused the whole call, not this row (e.g. HubSpot's 400 for one bad input):
    # the row itself may be fine, so splitting the batch can get it through.
    whole_batch: bool = False


@dataclass(frozen=True)
class PropertySpec:
    """What the CRM says about one property (HubSpot properties API, Salesforce describe)."""

    name: str
    type: PropertyType
    length: int | None = None  # max characters when the CRM limits it
    options: tuple[str, ...] = ()  # allowed values of an enumeration / picklist
    read_only: bool = False


@dataclass(frozen=True)
class NewProperty:
    """A custom property / field the sync needs and `bizdev crm setup` creates."""

    name: str  # HubSpot `bizdev_contact_id`, Salesforce `Bizdev_Id__c`
    label: str
    type: PropertyType  # string | number | bool | date | datetime
    length: int | None = None  # strings (Salesforce Text needs one)
    precision: int | None = None  # numbers: digits in all (Salesforce Number)
    scale: int | None = None  # numbers: digits after the point
    unique: bool = False  # unique, and (Salesforce) an External ID an upsert can match on
    description: str = ""


class CrmClient(Protocol):
    """What a CRM adapter offers the sync engine.

    Writes take any number of rows and send them `batch_size` at a time
    (`resources/crm/wire.py`: `write_in_batches`), answering one `WriteResult` per row in
    input order. The engine groups its own work by `batch_size` too, so that one engine
    batch is one call."""

    crm_type: str  # "hubspot" | "salesforce" (the crm_type of crm_sync_state)
    batch_size: int  # rows per write call: 100 (HubSpot batch) / 200 (sObject Collections)
    stats: CallStats

    def describe(self, object_type: ObjectType) -> dict[str, PropertySpec]:
        """The object's properties, for validating a field mapping before any write."""
        ...

    def custom_properties(self, object_type: ObjectType) -> set[str]:
        """Names of the custom properties / fields that exist, including those the user
        cannot see (Salesforce field-level security), so setup never creates one twice."""
        ...

    def create_property(self, object_type: ObjectType, prop: NewProperty) -> None:
        """Create one custom property / field. Raises `CrmPermissionError` when the
        credentials may not change the CRM's schema."""
        ...

    def manual_steps(self, object_type: ObjectType, prop: NewProperty) -> str:
        """How an admin creates `prop` by hand in the CRM's own settings."""
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
        """Create-or-update records matched on `id_property` (HubSpot `email`, Salesforce
        an external-id field). Idempotent, so retried on 5xx."""
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

    def gdpr_delete(self, crm_ids: list[str], emails: list[str]) -> list[WriteResult]:
        """Erase contacts for good, by id and by email (HubSpot GDPR delete; Salesforce
        delete and recycle-bin purge). Idempotent: a contact already gone is a success."""
        ...
