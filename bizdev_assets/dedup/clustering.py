"""Score candidate pairs with a trained model and group records into clusters.

Every normalized record gets a cluster: records no pair reaches the threshold with are
singletons. Pairs in the review band (unsure) are returned for `match_review_queue`;
accepted pairs are returned with each comparison's match weight, so any golden contact
can be explained link by link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from bizdev_assets.dedup.graph import canonical_pairs, cluster_with_decisions
from bizdev_assets.dedup.model import register_term_frequencies, scoring_input, splink_connection
from bizdev_assets.dedup.review import DECISION_SCHEMA, latest_decisions, review_queue
from bizdev_assets.dedup.same_address import same_address_pairs

DEFAULT_MATCH_PROBABILITY = 0.95
EMPTY_PAIRS = {
    "record_id_l": pl.String,
    "record_id_r": pl.String,
    "match_probability": pl.Float64,
    "match_weight": pl.Float64,
}
DEFAULT_REVIEW_FROM = 0.5


@dataclass(frozen=True)
class ClusteringResult:
    clusters: pl.DataFrame  # record_id, cluster_id, cluster_size
    links: pl.DataFrame  # accepted pairs: record_id_l/_r, match_probability, match_weight, mw_*
    review: pl.DataFrame  # undecided pairs in the review band, same columns
    pairs_scored: int


def score_pairs(normalized: pl.DataFrame, model: dict[str, Any], floor: float, chunks: int = 1):
    """All candidate pairs (blocking rules) with probability >= floor."""
    return score_records(scoring_input(normalized), model, floor, chunks)


def score_records(records: pl.DataFrame, model: dict[str, Any], floor: float, chunks: int = 1):
    """`score_pairs` on records already turned into Splink's input (`scoring_input`)."""
    model = {**model, "retain_intermediate_calculation_columns": True}
    # Splink joins and compares on row numbers rather than the 16-character record_ids:
    # at 1M records that saves memory and time; the ids come back after scoring.
    record_ids = records["unique_id"]
    records = records.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("unique_id"))
    con = splink_connection()
    try:
        db_api = DuckDBAPI(connection=con)
        # Arrow with string views, as polars holds them: registering the frame itself
        # would convert (copy) every string column first.
        arrow = records.to_arrow(compat_level=pl.CompatLevel.newest())
        registered = db_api.register(arrow, dataset_display_name="contacts")
        linker = Linker(registered, model, log_level=logging.WARNING)
        register_term_frequencies(linker, db_api, records, model)
        chunking = {"num_chunks_left": chunks, "num_chunks_right": 1} if chunks > 1 else {}
        predictions = linker.inference.predict(threshold_match_probability=floor, **chunking)
        scored = predictions_frame(con, predictions)
    finally:
        con.close()
    return scored.with_columns(
        record_ids.gather(scored["record_id_l"]).alias("record_id_l"),
        record_ids.gather(scored["record_id_r"]).alias("record_id_r"),
    )


def predictions_frame(con: duckdb.DuckDBPyConnection, predictions: SplinkDataFrame) -> pl.DataFrame:
    """Scored pairs as record_id_l/_r, match_probability, match_weight and each mw_* weight."""
    weights = [
        c
        for c in con.sql(f"select * from {predictions.physical_name} limit 0").columns
        if c.startswith("mw_")
    ]
    return con.sql(
        "select unique_id_l as record_id_l, unique_id_r as record_id_r, "
        f"match_probability, match_weight, {', '.join(weights)} "
        f"from {predictions.physical_name}"
    ).pl()


def with_same_address_links(scored: pl.DataFrame, same_address: pl.DataFrame) -> pl.DataFrame:
    """Scored pairs with every pair holding one personal address (`same_address`) at
    probability 1: scored ones keep their evidence, others come without it."""
    if same_address.is_empty():
        return scored
    pairs = canonical_pairs(same_address.select("record_id_l", "record_id_r"))
    scored = canonical_pairs(scored)
    known = scored.join(pairs, on=["record_id_l", "record_id_r"], how="semi")
    lifted = known.with_columns(pl.lit(1.0).alias("match_probability"))
    unscored = pairs.join(scored, on=["record_id_l", "record_id_r"], how="anti").with_columns(
        pl.lit(1.0).alias("match_probability")
    )
    rest = scored.join(pairs, on=["record_id_l", "record_id_r"], how="anti")
    return pl.concat([rest, lifted, unscored], how="diagonal_relaxed")


def _across_clusters(pairs: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """Only pairs whose records sit in different clusters: a weak direct link inside a
    cluster that stronger links already hold together is not an open question."""
    where = clusters.select("record_id", "cluster_id")
    return (
        pairs.join(
            where.rename({"record_id": "record_id_l", "cluster_id": "_c_l"}), on="record_id_l"
        )
        .join(where.rename({"record_id": "record_id_r", "cluster_id": "_c_r"}), on="record_id_r")
        .filter(pl.col("_c_l") != pl.col("_c_r"))
        .drop("_c_l", "_c_r")
    )


def cluster_contacts(
    normalized: pl.DataFrame,
    model: dict[str, Any],
    threshold: float = DEFAULT_MATCH_PROBABILITY,
    chunks: int = 1,
    decisions: pl.DataFrame | None = None,
    review_from: float = DEFAULT_REVIEW_FROM,
) -> ClusteringResult:
    """Predict pairwise matches, apply decisions, take connected components; a component
    holding namesakes (joined through some third record) is split (graph module)."""
    decisions = latest_decisions(
        decisions if decisions is not None else pl.DataFrame(schema=DECISION_SCHEMA)
    )
    if normalized.is_empty():
        empty = pl.DataFrame(
            schema={"record_id": pl.String, "cluster_id": pl.String, "cluster_size": pl.Int64}
        )
        pairs = pl.DataFrame(schema=EMPTY_PAIRS)
        return ClusteringResult(empty, pairs.with_columns(pl.lit(False).alias("decided")), pairs, 0)
    records = scoring_input(normalized)
    scored = score_records(records, model, min(review_from, threshold), chunks)
    scored = with_same_address_links(scored, same_address_pairs(records))
    clusters, links = cluster_with_decisions(
        normalized["record_id"],
        scored,
        threshold,
        decisions,
        emails=normalized.select("record_id", "email_match_key"),
    )
    clusters = clusters.with_columns(
        pl.len().over("cluster_id").cast(pl.Int64).alias("cluster_size")
    ).sort("record_id")
    review = _across_clusters(review_queue(scored, review_from, threshold, decisions), clusters)
    return ClusteringResult(clusters, links, review, scored.height)
