"""The diff and the conflict policies of a push: which fields of one contact to send.

A three-way comparison per field, the way Census and Hightouch diff a sync:
- `desired`: what bizdev wants the CRM to hold now (the mapped golden values);
- `sent`: what bizdev wanted at the last successful sync (the snapshot);
- `known`: what the CRM held after that sync, and `current`: what it holds now (the
  latest pull).
bizdev changed a field when desired != sent; the CRM changed it when current != known.
Only bizdev's changes are pushed (the CRM's come back through the pull). When both
changed and disagree, the field's policy decides, deterministically:
  crm_wins         keep the CRM's value
  bizdev_wins      send bizdev's value
  most_recent      the later change wins (bizdev's change time vs the CRM record's
                   modification time; a tie keeps the CRM's value)
  never_overwrite  send only when the CRM's value is empty
The same rule applies the first time bizdev meets a record a rep created (no snapshot):
a non-empty CRM value that differs is a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

Values = Mapping[str, str | None]


@dataclass(frozen=True)
class FieldChange:
    field: str
    crm_value: str | None  # what the CRM holds now, as far as bizdev knows
    bizdev_value: str | None
    decision: str  # new | changed | bizdev_wins | crm_wins | most_recent:bizdev | ...
    send: bool


@dataclass
class RecordPlan:
    """What to do with one contact: the properties to send and every decision taken."""

    send: dict[str, str | None] = field(default_factory=dict)
    changes: list[FieldChange] = field(default_factory=list)
    crm_after: dict[str, str | None] = field(default_factory=dict)  # if the send succeeds

    @property
    def needs_call(self) -> bool:
        return bool(self.send)


def plan_record(
    desired: Values,
    policies: Mapping[str, str],
    *,
    sent: Values | None,
    known: Values | None,
    current: Values | None,
    crm_modified_at: datetime | None = None,
    bizdev_changed_at: datetime | None = None,
) -> RecordPlan:
    """Decide field by field; `policies` maps each CRM property to its conflict policy.
    `current` None means "no newer view of the CRM than `known`"."""
    plan = RecordPlan()
    crm_now = dict(current if current is not None else (known or {}))
    plan.crm_after = dict(crm_now)
    base = known or {}
    for prop, want in desired.items():
        have = crm_now.get(prop)
        if want is None or same_value(want, have):
            continue  # bizdev has no value (never clears the CRM's), or nothing to do
        if sent is not None and same_value(sent.get(prop), want):
            continue  # bizdev did not change it; a CRM-side change flows back on pull
        crm_changed = have not in (None, "") and not same_value(have, base.get(prop))
        if not crm_changed:
            decision, send = ("new" if sent is None else "changed"), True
        else:
            decision, send = _resolve(
                policies.get(prop, "bizdev_wins"), have, crm_modified_at, bizdev_changed_at
            )
        plan.changes.append(FieldChange(prop, have, want, decision, send))
        if send:
            plan.send[prop] = want
            plan.crm_after[prop] = want
    return plan


def same_value(a: str | None, b: str | None) -> bool:
    """Equal as the CRM means it: a CRM echoes numbers in its own form ("0.10" comes back
    from Salesforce as "0.1"), which is not a change on either side."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def _resolve(
    policy: str,
    crm_value: str | None,
    crm_modified_at: datetime | None,
    bizdev_changed_at: datetime | None,
) -> tuple[str, bool]:
    if policy == "bizdev_wins":
        return "bizdev_wins", True
    if policy == "crm_wins":
        return "crm_wins", False
    if policy == "never_overwrite":
        return (
            ("never_overwrite:empty", True)
            if crm_value in (None, "")
            else (
                "never_overwrite:kept",
                False,
            )
        )
    if policy == "most_recent":
        if bizdev_changed_at and (crm_modified_at is None or bizdev_changed_at > crm_modified_at):
            return "most_recent:bizdev", True
        return "most_recent:crm", False
    raise ValueError(f"unknown conflict policy {policy!r}")
