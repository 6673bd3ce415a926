"""What earlier runs left in the warehouse that the dedup assets build on: saved models,
the last clustering and its parameters, retired contact IDs, match decisions.

Reads only; the pure steps (`training`, `cluster_run`) get what these return.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.dedup.cluster_run import (
    CLUSTERS_TABLE,
    Mode,
    PreviousRun,
    StoredClustering,
)
from bizdev_assets.dedup.review import DECISION_SCHEMA, DECISIONS_TABLE, QUEUE_TABLE
from bizdev_assets.dedup.stable_ids import HISTORY_TABLE
from bizdev_assets.dedup.training import MODEL_TABLE
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from resources.warehouse import Warehouse

# Columns that say how contact_clusters was produced; incremental runs need all of them.
RUN_COLUMNS = ("contact_id", "model_version", "clustered_at", "match_threshold", "review_from")


def latest_model(warehouse: Warehouse) -> tuple[str, int] | None:
    """The newest saved model's JSON text and version, None if none is saved. The text is
    untrusted data: `scoring_model` checks it and reads only its numbers."""
    if warehouse.table_exists(MODEL_TABLE):
        newest = warehouse.query(
            f"select version, model_json from {MODEL_TABLE} order by version desc limit 1"
        )
        if newest.height:
            return str(newest["model_json"][0]), int(newest["version"][0])
    return None


def latest_model_version(warehouse: Warehouse) -> int:
    """The newest saved model's version; 0 if none is saved."""
    if warehouse.table_exists(MODEL_TABLE):
        newest = warehouse.query(f"select version from {MODEL_TABLE} order by version desc limit 1")
        if newest.height:
            return int(newest["version"][0])
    return 0


def current_decisions(warehouse: Warehouse) -> pl.DataFrame:
    """Every match decision made so far (clustering keeps the latest per pair)."""
    if not warehouse.table_exists(DECISIONS_TABLE):
        return pl.DataFrame(schema=DECISION_SCHEMA)
    return warehouse.read_table(DECISIONS_TABLE)


def stored_clustering(warehouse: Warehouse, mode: Mode) -> StoredClustering:
    """The last run's assignment (with its clusters, and its open review pairs, when this
    run is incremental) and the contact IDs retired so far."""
    if mode == "incremental":
        assignment = warehouse.query(
            f"select record_id, cluster_id, contact_id, contact_created_at from {CLUSTERS_TABLE}"
        )
        queue = warehouse.read_table(QUEUE_TABLE) if warehouse.table_exists(QUEUE_TABLE) else None
    else:
        assignment, queue = previous_assignment(warehouse), None
    return StoredClustering(assignment, queue, retired_contact_ids(warehouse))


def previous_assignment(warehouse: Warehouse) -> pl.DataFrame | None:
    """Last run's record_id -> contact_id, the memory that keeps contact IDs stable."""
    if not warehouse.table_exists(CLUSTERS_TABLE):
        return None
    columns = warehouse.query(f"select * from {CLUSTERS_TABLE} limit 0").columns
    if "contact_id" not in columns:
        return None
    return warehouse.query(
        f"select record_id, contact_id, contact_created_at from {CLUSTERS_TABLE}"
    )


def retired_contact_ids(warehouse: Warehouse) -> set[str]:
    """Contact IDs merged away or split off: never issued again."""
    if not warehouse.table_exists(HISTORY_TABLE):
        return set()
    return set(warehouse.query(f"select old_contact_id from {HISTORY_TABLE}")["old_contact_id"])


def read_previous_run(warehouse: Warehouse) -> PreviousRun | None:
    """The last run's parameters and how the data moved since; None if there is no usable
    previous run (no table, an empty one, or one written before these columns existed)."""
    if not warehouse.table_exists(CLUSTERS_TABLE):
        return None
    columns = warehouse.query(f"select * from {CLUSTERS_TABLE} limit 0").columns
    if not set(RUN_COLUMNS) <= set(columns):
        return None
    last = warehouse.query(
        "select max(model_version) as model_version, min(model_version) as oldest_version, "
        "max(clustered_at) as clustered_at, max(match_threshold) as match_threshold, "
        f"max(review_from) as review_from from {CLUSTERS_TABLE}"
    ).row(0, named=True)
    if last["clustered_at"] is None or last["model_version"] != last["oldest_version"]:
        return None
    # One join counts both ways: records not yet clustered, clustered ones now gone.
    counts = warehouse.query(
        "select count(n.record_id) as total, "
        "count(*) filter (where c.record_id is null) as new, "
        "count(*) filter (where n.record_id is null) as removed "
        f"from {NORMALIZED_TABLE} n full join {CLUSTERS_TABLE} c on n.record_id = c.record_id"
    ).row(0, named=True)
    decisions_since = 0
    if warehouse.table_exists(DECISIONS_TABLE):
        decisions_since = warehouse.query(
            f"select count(*) as n from {DECISIONS_TABLE} where decided_at >= ?",
            [last["clustered_at"]],
        )["n"][0]
    return PreviousRun(
        model_version=int(last["model_version"]),
        clustered_at=last["clustered_at"],
        match_threshold=float(last["match_threshold"]),
        review_from=float(last["review_from"]),
        new_records=int(counts["new"]),
        removed_records=int(counts["removed"]),
        total_records=int(counts["total"]),
        decisions_since=int(decisions_since),
    )
