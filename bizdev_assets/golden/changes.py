"""Which golden contacts a run must rebuild, read from the warehouse.

A golden contact is a function of its records (never edited once normalized), the
survivorship rules and the code. So when the rules digest on `golden_contacts` is
today's, only the contacts whose records changed need building again: those whose
(contact_id, cluster_id, record_id) rows in `contact_clusters` differ from the
`record_ids` stored on their golden row. That set comes from one comparison in SQL,
however the clusters were made (an incremental link-in or a full re-clustering that
left most clusters as they were), and its rows are the only ones rewritten.

A full rebuild happens when there is nothing to compare with (no table, or one written
before these columns), when the rules or the code changed, when a record disappeared
(its old contact cannot be compared), or when `full_refresh` is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from bizdev_assets.dedup.cluster_run import CLUSTERS_TABLE
from bizdev_assets.golden.columns import GOLDEN_COLUMNS, GOLDEN_TABLE
from bizdev_assets.golden.survivorship import INPUT_COLUMNS
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from resources.warehouse import Warehouse

# (contact, record) pairs that differ between the clusters and the golden rows.
_DIFFERENCES = f"""
    select distinct contact_id from (
        (select contact_id, cluster_id, record_id from {CLUSTERS_TABLE}
         except
         select contact_id, cluster_id, unnest(record_ids) from {GOLDEN_TABLE})
        union all
        (select contact_id, cluster_id, unnest(record_ids) from {GOLDEN_TABLE}
         except
         select contact_id, cluster_id, record_id from {CLUSTERS_TABLE})
    ) as changed
"""
_RECORDS_GONE = f"""
    select count(*) as n from (
        select unnest(record_ids) as record_id from {GOLDEN_TABLE}
        except
        select record_id from {CLUSTERS_TABLE}
    ) as gone
"""


@dataclass(frozen=True)
class GoldenPlan:
    mode: Literal["incremental", "full"]
    reason: str
    touched: list[str]  # incremental: contact_ids whose golden row is replaced or dropped


def plan_golden(warehouse: Warehouse, digest: str, full_refresh: bool = False) -> GoldenPlan:
    """Full or incremental, why, and (incremental) the contacts to rebuild or drop."""

    def full(reason: str) -> GoldenPlan:
        return GoldenPlan("full", reason, [])

    if full_refresh:
        return full("full refresh requested (config full_refresh)")
    if not warehouse.table_exists(GOLDEN_TABLE):
        return full("no golden contacts yet")
    stored = warehouse.query(f"select * from {GOLDEN_TABLE} limit 0").columns
    if set(stored) != set(GOLDEN_COLUMNS):
        return full("golden_contacts has other columns than this version writes")
    digests = warehouse.query(f"select distinct rules_digest from {GOLDEN_TABLE} limit 2")
    if digests["rules_digest"].to_list() not in ([digest], []):
        return full("survivorship rules or code changed since the golden rows were built")
    gone = warehouse.query(_RECORDS_GONE)["n"][0]
    if gone:
        return full(f"{gone} record(s) of golden contacts are no longer clustered")
    touched = warehouse.query(_DIFFERENCES)["contact_id"].sort().to_list()
    return GoldenPlan("incremental", f"{len(touched)} contact(s) changed", touched)


def records_to_build(warehouse: Warehouse, plan: GoldenPlan) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(normalized records, their clusters) for the contacts the plan builds: every one on
    a full run (read apart, so survivorship can name records missing from either), the
    touched ones still clustered on an incremental run."""
    if plan.mode == "full":
        return (
            warehouse.query(f"select {', '.join(INPUT_COLUMNS)} from {NORMALIZED_TABLE}"),
            warehouse.query(f"select record_id, cluster_id, contact_id from {CLUSTERS_TABLE}"),
        )
    columns = ", ".join(f"n.{c}" for c in INPUT_COLUMNS)
    joined = warehouse.query(
        f"select {columns}, c.cluster_id, c.contact_id from {CLUSTERS_TABLE} c "
        f"join {NORMALIZED_TABLE} n using (record_id) "
        "where c.contact_id in (select unnest(?::varchar[]))",
        [plan.touched],
    )
    return joined.drop("cluster_id", "contact_id"), joined.select(
        "record_id", "cluster_id", "contact_id"
    )


def golden_rows_kept(warehouse: Warehouse, plan: GoldenPlan) -> int:
    """How many stored golden rows the plan's write leaves in place."""
    if plan.mode == "full" or not warehouse.table_exists(GOLDEN_TABLE):
        return 0
    return warehouse.query(
        f"select count(*) as n from {GOLDEN_TABLE} "
        "where contact_id not in (select unnest(?::varchar[]))",
        [plan.touched],
    )["n"][0]
