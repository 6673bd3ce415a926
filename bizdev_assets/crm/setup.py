"""`bizdev crm setup`: create in a CRM what its field mapping needs and the CRM lacks.

A mapping's `create` section declares the custom properties it needs (HubSpot
`bizdev_contact_id`, Salesforce `Bizdev_Id__c`, ...). Setup compares them with the
CRM's own description (`describe`) and its list of custom properties (which also knows
Salesforce fields the user cannot see), then creates the missing ones through the CRM's
schema API. It is idempotent: a property that exists is never created again, so a second
run makes no write call. When the credentials may not change the CRM's schema, it says
exactly what to create by hand, and where. Mapping entries setup cannot fix (a typo, a
read-only or mistyped property) are listed with the file and the entry.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from bizdev_assets.crm.mapping import CrmMapping
from resources.crm.client import CrmClient, CrmPermissionError, NewProperty, PropertySpec

# What happens to one property: it exists | create (dry run: the plan) | created |
# hidden (it exists but the user cannot see it) | manual (an admin has to create it)
EXISTS, CREATE, CREATED, HIDDEN, MANUAL = "exists", "create", "created", "hidden", "manual"


@dataclass
class SetupStep:
    prop: NewProperty
    action: str
    detail: str = ""


@dataclass
class SetupReport:
    crm: str
    object: str
    steps: list[SetupStep] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # entries setup cannot fix
    write_calls: int = 0

    @property
    def done(self) -> bool:
        """Everything the mapping needs is there (or, in a dry run, can be made)."""
        return not self.problems and all(s.action in (EXISTS, CREATE, CREATED) for s in self.steps)


def plan_setup(
    mapping: CrmMapping, specs: Mapping[str, PropertySpec], custom: Collection[str]
) -> list[SetupStep]:
    """Per property the mapping declares and uses: exists, hidden, or create."""
    used = {mapping.id_property, *(f.crm for f in mapping.fields)}
    steps = []
    for name, prop in mapping.create.items():
        if name not in used:
            continue
        if name in specs:
            steps.append(SetupStep(prop, EXISTS))
        elif name in custom:
            steps.append(SetupStep(prop, HIDDEN, _hidden_detail(mapping.crm)))
        else:
            steps.append(SetupStep(prop, CREATE))
    return steps


def run_setup(client: CrmClient, mapping: CrmMapping, *, dry_run: bool) -> SetupReport:
    object_type = mapping.object
    report = SetupReport(mapping.crm, object_type)
    specs = client.describe(object_type)
    report.steps = plan_setup(mapping, specs, client.custom_properties(object_type))
    report.problems = [
        f"{mapping.origin}: {p.where}: {p.message}"
        for p in mapping.usable_against(specs).problems
        if not p.creatable
    ]
    writes_before = client.stats.write_calls
    refused: str | None = None
    for step in report.steps:
        if step.action != CREATE or dry_run:
            continue
        if refused is None:
            try:
                client.create_property(object_type, step.prop)
                step.action = CREATED
                continue
            except CrmPermissionError as exc:
                refused = str(exc)
        step.action = MANUAL
        step.detail = f"{client.manual_steps(object_type, step.prop)} (not allowed here: {refused})"
    if any(s.action == CREATED for s in report.steps):
        visible = client.describe(object_type)
        for step in report.steps:
            if step.action == CREATED and step.prop.name not in visible:
                step.action, step.detail = HIDDEN, _hidden_detail(mapping.crm)
    report.write_calls = client.stats.write_calls - writes_before
    return report


def _hidden_detail(crm: str) -> str:
    if crm == "salesforce":
        return (
            "it exists, but the integration user cannot see it: grant it field-level "
            "security (Visible, not Read-Only) in the user's profile or a permission set"
        )
    return "it exists, but the access token cannot see it"
