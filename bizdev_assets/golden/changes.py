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
from resources.warehouse import Warehouse

# Records whose contact or cluster differs between the clusters and the golden rows: the
# contact each is in now and the one it was in (null where it is new, or gone).
_DIFFERENCES = f"""
    select c.contact_id as now_id, g.contact_id as was_id
    from {CLUSTERS_TABLE} c full join (
        select contact_id, cluster_id, unnest(record_ids) as record_id from {GOLDEN_TABLE}
    ) as g using (record_id)
    where c.contact_id is distinct from g.contact_id or c.cluster_id is distinct from g.cluster_id
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
    differences = warehouse.query(_DIFFERENCES)
    gone = differences.filter(pl.col("now_id").is_null()).height
    if gone:
        return full(f"{gone} record(s) of golden contacts are no longer clustered")
    touched = pl.concat([differences["now_id"], differences["was_id"]]).drop_nulls().unique()
    return GoldenPlan(
        "incremental", f"{touched.len()} contact(s) changed", touched.sort().to_list()
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
