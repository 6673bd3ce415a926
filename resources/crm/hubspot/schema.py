"""HubSpot custom properties: which exist, and creating one (properties API).

`POST /crm/v3/properties/{objectType}` creates a property; bizdev puts its own in a
`bizdev` property group (`POST /crm/v3/properties/{objectType}/groups`, created the first
time it is missing). Both need the private app's `crm.schemas.{objectType}.write` scope;
without it HubSpot answers 403 MISSING_SCOPES, raised as `CrmPermissionError` naming the
scope. A create HubSpot already did (a retried call, another process) answers 409, which
counts as done.
"""

from __future__ import annotations

from typing import Any

from hubspot.crm import properties as hs_properties

from resources.crm.client import CrmError, NewProperty, ObjectType
from resources.crm.hubspot.api import HubSpotApi
from resources.crm.hubspot.errors import BatchRejected

GROUP = "bizdev"
GROUP_LABEL = "bizdev"
# The engine's property type -> HubSpot (type, fieldType).
HUBSPOT_TYPES = {
    "string": ("string", "text"),
    "number": ("number", "number"),
    "bool": ("bool", "booleancheckbox"),
    "date": ("date", "date"),
    "datetime": ("datetime", "date"),
}


class HubSpotSchema:
    def __init__(self, api: HubSpotApi) -> None:
        self.api = api
        self._groups_checked: set[str] = set()

    def custom_properties(self, object_type: ObjectType) -> set[str]:
        response = self.api.call(
            "properties",
            lambda **kw: self.api.properties.get_all_with_http_info(object_type=object_type, **kw),
            write=False,
            idempotent=True,
        )
        return {p.name for p in response.results or [] if not p.hubspot_defined}

    def create_property(self, object_type: ObjectType, prop: NewProperty) -> None:
        self._ensure_group(object_type)
        kind, field_type = HUBSPOT_TYPES[prop.type]
        options = (
            [
                hs_properties.OptionInput(label="Yes", value="true", display_order=0, hidden=False),
                hs_properties.OptionInput(label="No", value="false", display_order=1, hidden=False),
            ]
            if kind == "bool"
            else []
        )
        body = hs_properties.PropertyCreate(
            name=prop.name,
            label=prop.label,
            type=kind,
            field_type=field_type,
            group_name=GROUP,
            description=prop.description,
            has_unique_value=prop.unique,
            form_field=False,
            options=options,
        )
        self._create(
            f"property {prop.name}",
            lambda **kw: self.api.properties.create_with_http_info(object_type, body, **kw),
        )

    def _ensure_group(self, object_type: ObjectType) -> None:
        if object_type in self._groups_checked:
            return
        groups = self.api.groups
        response = self.api.call(
            "property_groups",
            lambda **kw: groups.get_all_with_http_info(object_type=object_type, **kw),
            write=False,
            idempotent=True,
        )
        if GROUP not in {g.name for g in response.results or []}:
            body = hs_properties.PropertyGroupCreate(name=GROUP, label=GROUP_LABEL)
            self._create(
                f"property group {GROUP}",
                lambda **kw: groups.create_with_http_info(object_type, body, **kw),
            )
        self._groups_checked.add(object_type)

    def _create(self, what: str, call: Any) -> None:
        try:
            self.api.call("create_" + what.split()[0], call, write=True, idempotent=True)
        except BatchRejected as exc:
            if exc.status == 409:
                return  # it exists already: what we wanted
            raise CrmError(f"HubSpot refused to create {what}: {exc.message}") from None

    @staticmethod
    def manual_steps(object_type: ObjectType, prop: NewProperty) -> str:
        kind, field_type = HUBSPOT_TYPES[prop.type]
        label = {"text": "Single-line text", "number": "Number"}.get(field_type, field_type)
        unique = ", 'Require unique values for this property' on" if prop.unique else ""
        return (
            f"HubSpot > Settings > Data Management > Properties > {object_type.capitalize()}"
            f" > Create property: label '{prop.label}', internal name '{prop.name}', "
            f"group '{GROUP}', field type {label}{unique}"
        )
