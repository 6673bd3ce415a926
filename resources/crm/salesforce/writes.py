"""Salesforce writes through sObject Collections (REST `composite/sobjects`), at most 200
records a call, always `allOrNone=false` so that one bad row fails alone:

- upsert `PATCH composite/sobjects/{Object}/{ExternalIdField}`
- update `PATCH composite/sobjects`
- create `POST composite/sobjects` (never resent after a 5xx or timeout: its rows are
  reported failed and the engine sends them again next run)
- archive `DELETE composite/sobjects?ids=...`
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from resources.crm.client import CrmError, ObjectType, WriteResult
from resources.crm.salesforce.connection import SalesforceConnection
from resources.crm.salesforce.reads import FIELD_NAME, sobject_of, text
from resources.crm.wire import write_in_batches
from resources.http_retry import NotRetried

COLLECTION_LIMIT = 200  # records per sObject Collections call
# Per-row codes of an update or delete whose record no longer exists.
RECORD_GONE = {"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"}
# Per-row codes that may pass when the same row is sent again; every other code
# (REQUIRED_FIELD_MISSING, STRING_TOO_LONG, a validation rule...) fails again unchanged.
TRANSIENT_CODES = {
    "UNABLE_TO_LOCK_ROW",
    "REQUEST_LIMIT_EXCEEDED",
    "SERVER_UNAVAILABLE",
    "UNKNOWN_EXCEPTION",
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
}


def upsert(
    connection: SalesforceConnection,
    object_type: ObjectType,
    rows: list[dict[str, str | None]],
    id_property: str,
) -> list[WriteResult]:
    sobject = sobject_of(object_type)
    if not FIELD_NAME.match(id_property):
        raise CrmError(f"not a Salesforce field name: {id_property!r}")

    def send(batch: Sequence[dict[str, str | None]], _offset: int) -> list[WriteResult]:
        body = _collection(sobject, batch)
        response = connection.call(
            "upsert",
            lambda sf: sf.restful(
                f"composite/sobjects/{sobject}/{id_property}", method="PATCH", json=body
            ),
            write=True,
        )
        return _results([text(row.get(id_property)) for row in batch], response, created=None)

    return write_in_batches(rows, COLLECTION_LIMIT, send)


def update(
    connection: SalesforceConnection,
    object_type: ObjectType,
    rows: list[tuple[str, dict[str, str | None]]],
) -> list[WriteResult]:
    sobject = sobject_of(object_type)

    def send(batch: Sequence[tuple[str, dict[str, str | None]]], _offset: int):
        body = _collection(sobject, [{**props, "Id": crm_id} for crm_id, props in batch])
        response = connection.call(
            "update",
            lambda sf: sf.restful("composite/sobjects", method="PATCH", json=body),
            write=True,
        )
        return _results([crm_id for crm_id, _ in batch], response, created=False)

    return write_in_batches(rows, COLLECTION_LIMIT, send)


def create(
    connection: SalesforceConnection,
    object_type: ObjectType,
    rows: list[dict[str, str | None]],
    external_id_field: str,
) -> list[WriteResult]:
    sobject = sobject_of(object_type)

    def send(batch: Sequence[dict[str, str | None]], offset: int) -> list[WriteResult]:
        keys = [_create_key(row, offset + i, external_id_field) for i, row in enumerate(batch)]
        body = _collection(sobject, batch)
        try:
            response = connection.call(
                "create",
                lambda sf: sf.restful("composite/sobjects", method="POST", json=body),
                write=True,
                idempotent=False,
            )
        except NotRetried as exc:
            return [WriteResult(key=key, ok=False, error=str(exc)) for key in keys]
        return _results(keys, response, created=True)

    return write_in_batches(rows, COLLECTION_LIMIT, send)


def archive(
    connection: SalesforceConnection, object_type: ObjectType, crm_ids: list[str]
) -> list[WriteResult]:
    sobject_of(object_type)  # the ids say which object; checked for a clear error anyway

    def send(batch: Sequence[str], _offset: int) -> list[WriteResult]:
        params = {"ids": ",".join(batch), "allOrNone": "false"}
        response = connection.call(
            "archive",
            lambda sf: sf.restful("composite/sobjects", params=params, method="DELETE"),
            write=True,
        )
        return _results(list(batch), response, created=None)

    return write_in_batches(crm_ids, COLLECTION_LIMIT, send)


def _create_key(row: Mapping[str, str | None], index: int, external_id_field: str) -> str:
    """What identifies a created row in the results: its external id, else its email or
    name, else its position in the input."""
    for name in (external_id_field, "Email", "Name"):
        if row.get(name):
            return str(row[name])
    return f"#{index}"


def _collection(sobject: str, rows: Sequence[Mapping[str, str | None]]) -> dict[str, Any]:
    return {
        "allOrNone": False,
        "records": [{"attributes": {"type": sobject}, **row} for row in rows],
    }


def _results(keys: list[Any], response: Any, *, created: bool | None) -> list[WriteResult]:
    if not isinstance(response, list) or len(response) != len(keys):
        raise CrmError(
            f"Salesforce answered {len(keys)} records with an unexpected body: {response!r:.300}"
        )
    results = []
    for key, item in zip(keys, response, strict=True):
        if item.get("success"):
            results.append(
                WriteResult(
                    key=key, ok=True, crm_id=item.get("id"), created=item.get("created", created)
                )
            )
        else:
            errors = item.get("errors") or []
            message = "; ".join(f"{e.get('statusCode')}: {e.get('message')}" for e in errors)
            codes = {e.get("statusCode") for e in errors}
            results.append(
                WriteResult(
                    key=key,
                    ok=False,
                    crm_id=item.get("id"),
                    error=message or "failed",
                    not_found=bool(codes & RECORD_GONE),
                    permanent=bool(codes) and not codes & TRANSIENT_CODES,
                )
            )
    return results
