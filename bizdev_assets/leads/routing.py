"""Lead routing: an owner per qualified lead (pure; rules in territories.yaml).

Order: a lead routed before keeps its owner and `routed_at`; else the CRM owner of its
account, when that owner is known here; else its country's territory (the territory
owner with most capacity left); else round-robin over owners with capacity left. Leads
are routed best score first, so when capacity runs out the weakest wait (rule
`over_capacity`, no owner) until an owner has room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytz

from bizdev_assets.rule_files import read_yaml

DEFAULT_TERRITORIES_PATH = Path(__file__).with_name("territories.yaml")
ROUTING_TABLE = "lead_routing"
OWNER_FIELDS = ("id", "name", "email", "timezone", "capacity", "hubspot_owner_id", "salesforce_user_id")  # fmt: skip


class TerritoriesError(ValueError):
    """The territories file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Owner:
    id: str
    name: str
    email: str | None
    timezone: str
    capacity: int
    hubspot_owner_id: str | None
    salesforce_user_id: str | None


@dataclass(frozen=True)
class Territories:
    owners: dict[str, Owner]
    by_country: dict[str, tuple[str, tuple[str, ...]]]  # country -> (territory, owner ids)
    round_robin: tuple[str, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> Territories:
        path = Path(path) if path is not None else DEFAULT_TERRITORIES_PATH
        return cls.from_dict(read_yaml(path, TerritoriesError, "territories"), str(path))

    @classmethod
    def from_dict(cls, data: Any, origin: str = "<territories>") -> Territories:
        def fail(where: str, problem: str) -> TerritoriesError:
            return TerritoriesError(f"{origin}: {where}: {problem}")

        if not isinstance(data, dict) or not isinstance(data.get("owners"), list):
            raise fail("top level", "expected owners, territories, round_robin")
        owners: dict[str, Owner] = {}
        for i, entry in enumerate(data["owners"]):
            if not isinstance(entry, dict) or not entry.get("id") or set(entry) - set(OWNER_FIELDS):
                raise fail(f"owners[{i}]", f"expected id and any of {', '.join(OWNER_FIELDS)}")
            capacity = entry.get("capacity", 100)
            if not isinstance(capacity, int) or capacity < 0:
                raise fail(f"owners[{i}].capacity", f"expected an integer >= 0, got {capacity!r}")
            owners[str(entry["id"])] = Owner(
                id=str(entry["id"]),
                name=str(entry.get("name") or entry["id"]),
                email=entry.get("email"),
                timezone=str(entry.get("timezone") or "UTC"),
                capacity=capacity,
                hubspot_owner_id=_text(entry.get("hubspot_owner_id")),
                salesforce_user_id=_text(entry.get("salesforce_user_id")),
            )

        def known(ids: Any, where: str) -> tuple[str, ...]:
            if not isinstance(ids, list) or not ids:
                raise fail(where, "expected a list of owner ids")
            unknown = [str(i) for i in ids if str(i) not in owners]
            if unknown:
                raise fail(where, f"unknown owners {unknown}; owners are {sorted(owners)}")
            return tuple(str(i) for i in ids)

        by_country: dict[str, tuple[str, tuple[str, ...]]] = {}
        for i, territory in enumerate(data.get("territories") or []):
            where = f"territories[{i}]"
            if not isinstance(territory, dict) or not isinstance(territory.get("countries"), list):
                raise fail(where, "expected {name, countries: [..], owners: [..]}")
            members = known(territory.get("owners"), f"{where}.owners")
            for country in territory["countries"]:
                code = str(country).upper()
                if code in by_country:
                    raise fail(where, f"country {code} is already in {by_country[code][0]}")
                by_country[code] = (str(territory.get("name") or code), members)
        return cls(owners, by_country, known(data.get("round_robin"), "round_robin"))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def contact_timezone(country: str | None) -> str:
    """The main time zone of a country (its first IANA zone), UTC when unknown."""
    zones = pytz.country_timezones.get((country or "").upper()) if country else None
    return zones[0] if zones else "UTC"


def route_leads(
    leads: pl.DataFrame,
    rules: Territories,
    *,
    previous: pl.DataFrame | None,
    account_owners: pl.DataFrame | None,
    now: datetime,
) -> pl.DataFrame:
    """leads: contact_id, lead_score, country, company_id (qualified only). previous: the
    last lead_routing. account_owners: company_id, crm_owner_id (a HubSpot or Salesforce
    owner id). One row per lead with owner fields, route_rule, territory, routed_at."""
    kept = {}
    if previous is not None and previous.height:
        for row in previous.filter(pl.col("owner_id").is_not_null()).iter_rows(named=True):
            if row["owner_id"] in rules.owners:
                kept[row["contact_id"]] = (
                    row["owner_id"],
                    row["route_rule"],
                    row["territory"],
                    row["routed_at"],
                )
    crm_owner_to_ours = {
        crm_id: o.id
        for o in rules.owners.values()
        for crm_id in (o.hubspot_owner_id, o.salesforce_user_id)
        if crm_id
    }
    account_owner: dict[str, str] = {}
    if account_owners is not None:
        for company_id, crm_owner in account_owners.select(
            "company_id", "crm_owner_id"
        ).iter_rows():
            if company_id and crm_owner in crm_owner_to_ours:
                account_owner.setdefault(company_id, crm_owner_to_ours[crm_owner])
    load = {owner_id: 0 for owner_id in rules.owners}
    for owner_id, *_ in kept.values():
        load[owner_id] += 1
    rr_position = 0
    rows = []
    ordered = leads.sort(["lead_score", "contact_id"], descending=[True, False])
    for lead in ordered.iter_rows(named=True):
        contact = lead["contact_id"]
        if contact in kept:
            owner_id, rule, territory, routed_at = kept[contact]
        else:
            owner_id, rule, territory, routed_at = None, "over_capacity", None, None
            country = (lead.get("country") or "").upper()
            has_room = lambda o: load[o] < rules.owners[o].capacity  # noqa: E731
            if lead.get("company_id") in account_owner:
                owner_id, rule = account_owner[lead["company_id"]], "crm_account_owner"
            elif country in rules.by_country and any(map(has_room, rules.by_country[country][1])):
                territory, members = rules.by_country[country]
                owner_id = min(
                    (o for o in members if has_room(o)),
                    key=lambda o: load[o] - rules.owners[o].capacity,
                )
                rule = "territory"
            else:
                for step in range(len(rules.round_robin)):
                    candidate = rules.round_robin[(rr_position + step) % len(rules.round_robin)]
                    if has_room(candidate):
                        owner_id, rule = candidate, "round_robin"
                        rr_position = (rr_position + step + 1) % len(rules.round_robin)
                        break
            if owner_id is not None:
                load[owner_id] += 1
                routed_at = now
        owner = rules.owners.get(owner_id) if owner_id else None
        rows.append({
            "contact_id": contact,
            "lead_score": lead["lead_score"],
            "owner_id": owner_id,
            "owner_name": owner.name if owner else None,
            "owner_email": owner.email if owner else None,
            "owner_timezone": owner.timezone if owner else None,
            "hubspot_owner_id": owner.hubspot_owner_id if owner else None,
            "salesforce_owner_id": owner.salesforce_user_id if owner else None,
            "route_rule": rule,
            "territory": territory,
            "contact_timezone": contact_timezone(lead.get("country")),
            "routed_at": routed_at,
        })  # fmt: skip
    return pl.DataFrame(rows, schema=ROUTING_SCHEMA)


ROUTING_SCHEMA = {
    "contact_id": pl.String, "lead_score": pl.Int64, "owner_id": pl.String,
    "owner_name": pl.String, "owner_email": pl.String, "owner_timezone": pl.String,
    "hubspot_owner_id": pl.String, "salesforce_owner_id": pl.String, "route_rule": pl.String,
    "territory": pl.String, "contact_timezone": pl.String, "routed_at": pl.Datetime("us"),
}  # fmt: skip
