"""Which rows of the ADR-013 `contacts` table a run must write, read from the warehouse.

A contacts row is a function of its golden row, its score, and of which contact keeps
an email several golden contacts share. Golden rows carry `built_at` and scores
`scored_at`; `contacts.updated_at` moves whenever a contacts run changes a row. So the
golden contacts built or scored at or after the latest `updated_at` are the only ones
whose row may differ from what is stored: runs that write the warehouse go one at a
time, and every stamp is taken by the run that writes it, after the run before it
ended. (A run that changes nothing leaves the mark where it was: the next run looks at
a few rows again, which is harmless.) To decide every shared email anew, the contacts
written are those plus every golden contact holding, in golden_contacts, an email one
of them holds there or held in contacts.

Every contact is written when the table is empty, or on `full_refresh`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import polars as pl

from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.golden.contacts_table import CONTACTS_TABLE, GOLDEN_INPUT_COLUMNS
from bizdev_assets.quality.scoring import SCORES_TABLE
from resources.warehouse import Warehouse


@dataclass(frozen=True)
class ContactsPlan:
    mode: Literal["incremental", "full"]
    reason: str
    since: datetime | None  # incremental: golden rows built or scored from then on
    removed: list[str]  # incremental: contacts ids no longer golden


def plan_contacts(warehouse: Warehouse, full_refresh: bool = False) -> ContactsPlan:
    """Full or incremental, why, and (incremental) since when and which contacts left."""
    if full_refresh:
        return ContactsPlan("full", "full refresh requested (config full_refresh)", None, [])
    since = None
    if warehouse.table_exists(CONTACTS_TABLE):
        since = warehouse.query(f"select max(updated_at) as t from {CONTACTS_TABLE}")["t"][0]
    if since is None:
        return ContactsPlan("full", "no contacts yet", None, [])
    stamped = "built_at" in _columns(warehouse, GOLDEN_TABLE)
    if not stamped or "scored_at" not in _columns(warehouse, SCORES_TABLE):
        return ContactsPlan("full", "golden rows or scores carry no build stamps", None, [])
    removed = warehouse.query(
        f"select cast(id as varchar) as id from {CONTACTS_TABLE} c where not exists "
        f"(select 1 from {GOLDEN_TABLE} g where g.contact_id = cast(c.id as varchar))"
    )["id"]
    return ContactsPlan(
        "incremental",
        f"golden contacts built or scored since {since:%Y-%m-%d %H:%M:%S}, "
        f"{removed.len()} no longer golden",
        since,
        removed.sort().to_list(),
    )


def _columns(warehouse: Warehouse, table: str) -> list[str]:
    return warehouse.query(f"select * from {table} limit 0").columns


def golden_and_scores(
    warehouse: Warehouse, plan: ContactsPlan
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(golden rows, their scores) of the contacts to write: all of them on a full run."""
    columns = ", ".join(f"g.{c}" for c in GOLDEN_INPUT_COLUMNS)
    if plan.mode == "full":
        joined = warehouse.query(
            f"select {columns}, s.quality_score from {GOLDEN_TABLE} g "
            f"left join {SCORES_TABLE} s using (contact_id)"
        )
    else:
        scores = f"select contact_id, quality_score, scored_at from {SCORES_TABLE}"
        select = (
            f"select {columns}, s.quality_score from {GOLDEN_TABLE} g "
            f"left join ({scores}) s using (contact_id)"
        )
        changed = (
            f"select contact_id, email from {GOLDEN_TABLE} g left join ({scores}) s "
            "using (contact_id) where g.built_at >= ? or s.scored_at >= ?"
        )
        stored = (
            f"select email from {CONTACTS_TABLE} where email is not null and "
            f"(cast(id as varchar) in (select contact_id from changed) "
            f"or cast(id as varchar) in (select unnest(?::varchar[])))"
        )
        joined = warehouse.query(
            f"with changed as ({changed}), "
            f"emails as (select email from changed where email is not null union {stored}) "
            f"{select} where g.contact_id in (select contact_id from changed) "
            "or g.email in (select email from emails)",
            [plan.since, plan.since, plan.removed],
        )
    return joined.drop("quality_score"), joined.select("contact_id", "quality_score")
