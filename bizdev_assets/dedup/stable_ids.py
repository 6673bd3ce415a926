"""Contact IDs that survive re-clustering.

Clustering names clusters afresh every run; downstream systems (CRMs, outreach) need a
person's ID to stay put. So each new cluster inherits the ID of the previous contact
whose records it holds most of:

- records added to a cluster: the cluster keeps its ID;
- two contacts merged: the merged cluster keeps the *older* ID, and the younger one is
  recorded in `contact_id_history` (old -> new, reason "merge");
- a contact split: the part holding most of its records keeps the ID, every other part
  gets a new ID, recorded as (old -> new, reason "split").

Following `contact_id_history` from any ID ever issued leads to a current contact.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from bizdev_assets.uuid5 import uuid5_strings

HISTORY_TABLE = "contact_id_history"
HISTORY_SCHEMA = {
    "old_contact_id": pl.String,
    "new_contact_id": pl.String,
    "reason": pl.String,  # merge | split
    "records_moved": pl.Int64,
    "changed_at": pl.Datetime("us"),
}


@dataclass(frozen=True)
class IdAssignment:
    clusters: pl.DataFrame  # record_id, cluster_id, contact_id, contact_created_at
    history: pl.DataFrame  # HISTORY_SCHEMA rows for this run


CONTACT_ID_PREFIX = "bizdev:contact:"


def new_contact_id(seed: str) -> str:
    """A deterministic UUID for a contact first seen with `seed` as its lowest record_id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, CONTACT_ID_PREFIX + seed))


def assign_contact_ids(
    clusters: pl.DataFrame,
    previous: pl.DataFrame | None,
    now: datetime,
    retired_ids: set[str] | frozenset[str] = frozenset(),
) -> IdAssignment:
    """Give every cluster a contact_id, reusing previous IDs as the module docstring says.

    clusters: record_id, cluster_id (this run). previous: record_id, contact_id,
    contact_created_at (last run's assignment) or None on the first run. retired_ids:
    IDs issued before and since merged away, never to be reissued.
    """
    if previous is None or previous.is_empty():
        previous = pl.DataFrame(
            schema={
                "record_id": pl.String,
                "contact_id": pl.String,
                "contact_created_at": pl.Datetime("us"),
            }
        )
    joined = clusters.select("record_id", "cluster_id").join(
        previous.select("record_id", "contact_id", "contact_created_at"),
        on="record_id",
        how="left",
    )
    overlap = (
        joined.filter(pl.col("contact_id").is_not_null())
        .group_by("cluster_id", "contact_id")
        .agg(pl.len().alias("shared"), pl.col("contact_created_at").first())
    )
    # Each previous contact lives on in the cluster holding most of its records.
    homes = overlap.sort(["contact_id", "shared", "cluster_id"], descending=[False, True, False])
    homes = homes.group_by("contact_id", maintain_order=True).first()
    # A cluster that is home to several previous contacts keeps the oldest of them.
    winners = homes.sort(["cluster_id", "contact_created_at", "contact_id"]).group_by(
        "cluster_id", maintain_order=True
    )
    kept = winners.first().select(
        "cluster_id", pl.col("contact_id").alias("kept_id"), "contact_created_at"
    )

    fresh = _fresh_ids(clusters, kept, previous, retired_ids, now)
    assigned_ids = pl.concat([kept, fresh], how="vertical_relaxed")
    assigned = clusters.join(assigned_ids, on="cluster_id", how="left").rename(
        {"kept_id": "contact_id"}
    )

    merges = (
        homes.join(kept, on="cluster_id")
        .filter(pl.col("contact_id") != pl.col("kept_id"))
        .select(
            pl.col("contact_id").alias("old_contact_id"),
            pl.col("kept_id").alias("new_contact_id"),
            pl.lit("merge").alias("reason"),
            pl.col("shared").cast(pl.Int64).alias("records_moved"),
        )
    )
    splits = (
        overlap.join(
            homes.select("contact_id", pl.col("cluster_id").alias("home")), on="contact_id"
        )
        .filter(pl.col("cluster_id") != pl.col("home"))
        .join(assigned_ids, on="cluster_id")
        .filter(pl.col("kept_id") != pl.col("contact_id"))
        .select(
            pl.col("contact_id").alias("old_contact_id"),
            pl.col("kept_id").alias("new_contact_id"),
            pl.lit("split").alias("reason"),
            pl.col("shared").cast(pl.Int64).alias("records_moved"),
        )
    )
    history = (
        pl.concat([merges, splits])
        .with_columns(pl.lit(now).cast(pl.Datetime("us")).alias("changed_at"))
        .cast(HISTORY_SCHEMA)
        .sort("reason", "old_contact_id", "new_contact_id")
    )
    return IdAssignment(assigned.sort("record_id"), history)


def _fresh_ids(
    clusters: pl.DataFrame,
    kept: pl.DataFrame,
    previous: pl.DataFrame,
    retired_ids: set[str] | frozenset[str],
    now: datetime,
) -> pl.DataFrame:
    """New IDs for clusters that inherited none, never reusing an ID issued before."""
    orphans = (
        clusters.join(kept.select("cluster_id"), on="cluster_id", how="anti")
        .group_by("cluster_id")
        .agg(pl.col("record_id").min().alias("seed"))
        .sort("cluster_id")
    )
    taken = set(previous["contact_id"].drop_nulls().unique()) | set(retired_ids)
    taken |= set(kept["kept_id"])
    ids = uuid5_strings(CONTACT_ID_PREFIX, orphans["seed"])
    if len(set(ids)) < len(ids) or not taken.isdisjoint(ids):
        # Some ID was issued before: take the seeds in order, each trying seed#1, #2...
        ids = []
        for seed in orphans["seed"]:
            candidate, attempt = new_contact_id(seed), 0
            while candidate in taken:
                attempt += 1
                candidate = new_contact_id(f"{seed}#{attempt}")
            taken.add(candidate)
            ids.append(candidate)
    return pl.DataFrame(
        {
            "cluster_id": orphans["cluster_id"],
            "kept_id": pl.Series(ids, dtype=pl.String),
            "contact_created_at": pl.Series([now] * len(ids), dtype=pl.Datetime("us")),
        }
    )
