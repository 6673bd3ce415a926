"""Salesforce custom fields: which exist, and creating one (Tooling API `CustomField`).

- which exist: `GET tooling/query` on `CustomField` for the object, so a field the
  integration user cannot see (no field-level security) is known and never created twice;
- create: `POST tooling/sobjects/CustomField` with `FullName` `Contact.Bizdev_Id__c` and
  `Metadata` (type, label, length or precision/scale; `externalId` + `unique` for an id an
  upsert matches on). It needs "Customize Application"; without it Salesforce answers
  `INSUFFICIENT_ACCESS_OR_READONLY`, raised as `CrmPermissionError` (errors.py), and the
  caller falls back to `manual_steps`: what an admin clicks in Setup.

A created field still needs field-level security for the integration user's profile or
permission set before describe, SOQL and writes see it (Salesforce grants none by itself).
"""

from __future__ import annotations

from typing import Any

from resources.crm.client import CrmError, NewProperty, ObjectType
from resources.crm.salesforce.connection import SalesforceConnection
from resources.crm.salesforce.reads import sobject_of

TOOLING_TYPES = {
    "string": "Text",
    "number": "Number",
    "bool": "Checkbox",
    "date": "Date",
    "datetime": "DateTime",
}


def custom_fields(connection: SalesforceConnection, object_type: ObjectType) -> set[str]:
    sobject = sobject_of(object_type)
    soql = (
        "SELECT Id, DeveloperName, NamespacePrefix, TableEnumOrId FROM CustomField "
        f"WHERE TableEnumOrId = '{sobject}'"
    )
    body = connection.call(
        "tooling_query", lambda sf: sf.toolingexecute("query/", params={"q": soql})
    )
    names = set()
    for row in body.get("records") or []:
        prefix = f"{row['NamespacePrefix']}__" if row.get("NamespacePrefix") else ""
        names.add(f"{prefix}{row['DeveloperName']}__c")
    return names


def create_field(
    connection: SalesforceConnection, object_type: ObjectType, prop: NewProperty
) -> None:
    body = {"FullName": f"{sobject_of(object_type)}.{prop.name}", "Metadata": metadata(prop)}
    try:
        connection.call(
            "create_field",
            lambda sf: sf.toolingexecute("sobjects/CustomField/", method="POST", data=body),
            write=True,
            idempotent=False,
        )
    except CrmError as exc:
        if "DUPLICATE_DEVELOPER_NAME" in str(exc):
            return  # created meanwhile (another run, an admin): what we wanted
        raise


def metadata(prop: NewProperty) -> dict[str, Any]:
    """The Tooling API `Metadata` of a `CustomField`."""
    out: dict[str, Any] = {
        "label": prop.label,
        "type": TOOLING_TYPES[prop.type],
        "description": prop.description,
    }
    if prop.type == "string":
        out["length"] = prop.length or 255
    if prop.type == "number":
        out.update(precision=prop.precision or 18, scale=prop.scale or 0)
    if prop.type == "bool":
        out["defaultValue"] = "false"
    if prop.unique:
        out.update(externalId=True, unique=True, caseSensitive=False)
    return out


def manual_steps(object_type: ObjectType, prop: NewProperty) -> str:
    sobject = sobject_of(object_type)
    kind = TOOLING_TYPES[prop.type]
    size = (
        f", Length {prop.length or 255}"
        if prop.type == "string"
        else f", Length {(prop.precision or 18) - (prop.scale or 0)}, Decimal Places "
        f"{prop.scale or 0}"
        if prop.type == "number"
        else ""
    )
    keyed = ", Unique and External ID checked" if prop.unique else ""
    return (
        f"Salesforce Setup > Object Manager > {sobject} > Fields & Relationships > New: "
        f"{kind}, Field Label '{prop.label}'{size}, Field Name "
        f"'{prop.name.removesuffix('__c')}' (API name {prop.name}){keyed}; then make it "
        "Visible (not Read-Only) for the integration user's profile or permission set"
    )
