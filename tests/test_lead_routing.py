"""Lead routing: the CRM account owner first, then territory, then round-robin within
capacity; a routed lead keeps its owner and its SLA clock."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from bizdev_assets.leads.routing import Territories, contact_timezone, route_leads

RULES = Territories.from_dict({
    "owners": [
        {"id": "anna", "capacity": 2, "hubspot_owner_id": "101", "timezone": "Europe/Berlin"},
        {"id": "ben", "capacity": 1},
        {"id": "cara", "capacity": 1},
    ],
    "territories": [{"name": "DACH", "countries": ["DE", "AT"], "owners": ["anna"]}],
    "round_robin": ["ben", "cara"],
})  # fmt: skip
NOW = datetime(2026, 12, 1, 9)


def _leads(*rows: tuple[str, int, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["contact_id", "lead_score", "country", "company_id"], orient="row")  # fmt: skip


def _owners(frame: pl.DataFrame) -> dict[str, tuple]:
    return {r["contact_id"]: (r["owner_id"], r["route_rule"]) for r in frame.iter_rows(named=True)}


def test_account_owner_then_territory_then_round_robin_until_capacity_runs_out():
    leads = _leads(
        ("acct", 90, "FR", "acme"), ("de", 80, "DE", None), ("fr1", 70, "FR", None),
        ("fr2", 60, "FR", None), ("fr3", 50, "FR", None),
    )  # fmt: skip
    owners = pl.DataFrame({"company_id": ["acme"], "crm_owner_id": ["101"]})
    routed = route_leads(leads, RULES, previous=None, account_owners=owners, now=NOW)
    assert _owners(routed) == {
        "acct": ("anna", "crm_account_owner"),
        "de": ("anna", "territory"),
        "fr1": ("ben", "round_robin"),
        "fr2": ("cara", "round_robin"),
        "fr3": (None, "over_capacity"),
    }


def test_a_routed_lead_keeps_its_owner_and_routed_at():
    first = route_leads(_leads(("x", 70, "FR", None)), RULES, previous=None, account_owners=None, now=NOW)  # fmt: skip
    later = route_leads(
        _leads(("x", 70, "FR", None), ("y", 95, "FR", None)), RULES,
        previous=first, account_owners=None, now=datetime(2026, 12, 2),
    )  # fmt: skip
    x = later.filter(pl.col("contact_id") == "x").row(0, named=True)
    assert (x["owner_id"], x["routed_at"]) == ("ben", NOW)
    assert _owners(later)["y"] == ("cara", "round_robin")


def test_a_contact_gets_its_countrys_time_zone():
    assert contact_timezone("DE") == "Europe/Berlin"
    assert contact_timezone(None) == contact_timezone("XX") == "UTC"
