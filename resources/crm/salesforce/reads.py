"""Salesforce reads: `pull` through SOQL `queryAll` and `describe`.

- pull: `queryAll` (deleted records come back with `IsDeleted = true`), ordered by
  `SystemModstamp`, following `nextRecordsUrl` one page at a time.
- describe: `GET sobjects/{Object}/describe`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from resources.crm.client import CrmError, CrmRecord, ObjectType, PropertySpec, PropertyType
from resources.crm.salesforce.connection import SalesforceConnection
from resources.crm.wire import parse_datetime

SOBJECTS: dict[str, str] = {"contacts": "Contact", "companies": "Account"}
FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")

# Salesforce describe type -> the engine's property type (compound address/location fields,
# base64 and anyType are left out: they cannot be written as one string).
DESCRIBE_TYPES: dict[str, PropertyType] = {
    **dict.fromkeys(
        (
            "string",
            "textarea",
            "phone",
            "email",
            "url",
            "id",
            "reference",
            "combobox",
            "encryptedstring",
            "time",
        ),
        "string",
    ),
    "picklist": "enumeration",
    "multipicklist": "enumeration",
    "boolean": "bool",
    **dict.fromkeys(("double", "int", "long", "currency", "percent"), "number"),
    "date": "date",
    "datetime": "datetime",
}


def describe(connection: SalesforceConnection, object_type: ObjectType) -> dict[str, PropertySpec]:
    sobject = sobject_of(object_type)
    body = connection.call("describe", lambda sf: sf.restful(f"sobjects/{sobject}/describe"))
    specs: dict[str, PropertySpec] = {}
    for f in body["fields"]:
        kind = DESCRIBE_TYPES.get(f["type"])
        if kind is None:
            continue
        options = tuple(p["value"] for p in f.get("picklistValues") or [] if p.get("active", True))
        specs[f["name"]] = PropertySpec(
            name=f["name"],
            type=kind,
            length=(f.get("length") or None) if kind == "string" else None,
            options=options if kind == "enumeration" else (),
            read_only=not f.get("updateable") and not f.get("createable"),
        )
    return specs


def pull(
    connection: SalesforceConnection,
    object_type: ObjectType,
    properties: list[str],
    modified_since: datetime | None,
) -> Iterator[list[CrmRecord]]:
    sobject = sobject_of(object_type)
    for name in properties:
        if not FIELD_NAME.match(name):
            raise CrmError(f"not a Salesforce field name: {name!r}")
    fields = list(dict.fromkeys(["Id", "SystemModstamp", "IsDeleted", *properties]))
    soql = f"SELECT {', '.join(fields)} FROM {sobject}"
    if modified_since is not None:
        soql += f" WHERE SystemModstamp >= {soql_datetime(modified_since)}"
    soql += " ORDER BY SystemModstamp ASC"

    page = connection.call("query", lambda sf: sf.query(soql, include_deleted=True))
    while True:
        records = [_record(r, properties) for r in page["records"]]
        if records:
            yield records
        if page.get("done", True):
            return
        next_url = page["nextRecordsUrl"]
        page = connection.call(
            "query_more", lambda sf, url=next_url: sf.query_more(url, identifier_is_url=True)
        )


def soql_datetime(value: datetime) -> str:
    """A SOQL dateTime literal in UTC, floored to the second (naive values are UTC)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def sobject_of(object_type: str) -> str:
    try:
        return SOBJECTS[object_type]
    except KeyError:
        raise CrmError(
            f"unknown object type {object_type!r}; expected one of {list(SOBJECTS)}"
        ) from None


def text(value: Any) -> str | None:
    """A Salesforce JSON value as the engine sees it: a string (or None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _record(raw: Mapping[str, Any], properties: list[str]) -> CrmRecord:
    by_lower = {k.lower(): k for k in raw}
    modified = parse_datetime(raw["SystemModstamp"])
    if modified is None:
        raise CrmError(f"Salesforce record {raw.get('Id')} has no SystemModstamp")
    return CrmRecord(
        id=raw["Id"],
        modified_at=modified,
        properties={p: text(raw.get(by_lower.get(p.lower(), p))) for p in properties},
        deleted=bool(raw.get("IsDeleted")),
    )
