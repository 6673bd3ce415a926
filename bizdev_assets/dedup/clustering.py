"""Score candidate pairs with a trained model and group records into clusters.

Every normalized record gets a cluster: records no pair reaches the threshold with are
singletons whose cluster_id is their own record_id. Splink names a cluster after its
lowest record_id, so an unchanged cluster keeps its id from run to run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker

from bizdev_assets.dedup.model import splink_input

DEFAULT_MATCH_PROBABILITY = 0.95


@dataclass(frozen=True)
class ClusteringResult:
    clusters: pl.DataFrame  # record_id, cluster_id, cluster_size
    pairs_scored: int
    pairs_matched: int


def cluster_contacts(
    normalized: pl.DataFrame,
    model: dict[str, Any],
    threshold: float = DEFAULT_MATCH_PROBABILITY,
    chunks: int = 1,
) -> ClusteringResult:
    """Predict pairwise matches over the blocking rules and take connected components."""
    if normalized.is_empty():
        empty = pl.DataFrame(
            schema={"record_id": pl.String, "cluster_id": pl.String, "cluster_size": pl.Int64}
        )
        return ClusteringResult(empty, 0, 0)
    con = duckdb.connect()
    try:
        db_api = DuckDBAPI(connection=con)
        records = db_api.register(splink_input(normalized), dataset_display_name="contacts")
        linker = Linker(records, model, log_level=logging.WARNING)
        chunking = {"num_chunks_left": chunks, "num_chunks_right": 1} if chunks > 1 else {}
        predictions = linker.inference.predict(threshold_match_probability=0.01, **chunking)
        pairs_scored = _count(con, predictions.physical_name)
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        pairs_matched = con.execute(
            f"select count(*) from {predictions.physical_name} where match_probability >= ?",
            [threshold],
        ).fetchall()[0][0]
        clusters = con.sql(
            f"select unique_id as record_id, cluster_id from {clustered.physical_name}"
        ).pl()
    finally:
        con.close()
    clusters = clusters.with_columns(
        pl.len().over("cluster_id").cast(pl.Int64).alias("cluster_size")
    ).sort("record_id")
    return ClusteringResult(clusters, pairs_scored, pairs_matched)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]
