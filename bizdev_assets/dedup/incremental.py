"""Link a new drop of contacts to those already resolved, without re-resolving them all.

A full run scores every candidate pair among all records. When only a few records are
new, and nothing that shaped the last clustering has changed (model, thresholds, match
decisions, the set of existing records), the pairs among existing records would score
as before. So only pairs that touch a new record are scored, with Splink's
`predict_within(new)` and `predict_between(existing, new)`; term frequencies still come
from all records, as in a full run. Every existing cluster is kept whole (its records
enter the graph tied by must-link edges), a new record joins the clusters it links to,
and a new record linking two existing clusters merges them, which the stable contact
IDs then record as a merge.

"As before" is not quite exact: new records shift the term frequencies, so an existing
pair sharing a name or e-mail with a new record scores a little lower than when it was
clustered, and one right at the threshold may no longer reach it. The incremental run
keeps such a pair's cluster as it was; a full run (`full_refresh`, a new model, a new
decision) re-scores it. Measured: 19 of 99,500 records placed differently after linking
1,000 new ones (bench/incremental.py).

`cluster_run.choose_mode` says when this path is taken instead of a full run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from splink import DuckDBAPI, Linker

from bizdev_assets.dedup.clustering import (
    ClusteringResult,
    _across_clusters,
    predictions_frame,
    with_same_address_links,
)
from bizdev_assets.dedup.graph import EDGE_SCHEMA, canonical_pairs, cluster_with_decisions
from bizdev_assets.dedup.model import (
    register_term_frequencies,
    scoring_input,
    splink_connection,
)
from bizdev_assets.dedup.review import latest_decisions, review_queue
from bizdev_assets.dedup.same_address import pairs_for_addresses_of
from bizdev_assets.dedup.stable_ids import IdAssignment, assign_contact_ids


def score_new_pairs(
    normalized: pl.DataFrame, new_ids: pl.Series, model: dict[str, Any], floor: float
) -> pl.DataFrame:
    """Candidate pairs with at least one new record and probability >= floor (new-new and
    existing-new), scored with term frequencies taken over all records."""
    model = {**model, "retain_intermediate_calculation_columns": True}
    records = scoring_input(normalized)
    con = splink_connection()
    try:
        con.register("incoming", records.to_arrow(compat_level=pl.CompatLevel.newest()))
        con.register("incoming_new", pl.DataFrame({"unique_id": new_ids}))
        con.execute("create table contacts_all as select * from incoming")
        con.execute(
            "create table contacts_new as select * from contacts_all "
            "semi join incoming_new using (unique_id)"
        )
        con.execute(
            "create view contacts_existing as select * from contacts_all "
            "anti join contacts_new using (unique_id)"
        )
        con.unregister("incoming")
        con.unregister("incoming_new")
        db_api = DuckDBAPI(connection=con)
        everyone = db_api.register("contacts_all", dataset_display_name="contacts")
        new = db_api.register("contacts_new", dataset_display_name="new")
        existing = db_api.register("contacts_existing", dataset_display_name="existing")
        linker = Linker(everyone, model, log_level=logging.WARNING)
        register_term_frequencies(linker, db_api, records, model)
        within = linker.inference.predict_within(new, threshold_match_probability=floor)
        between = linker.inference.predict_between(existing, new, threshold_match_probability=floor)
        scored = pl.concat([predictions_frame(con, within), predictions_frame(con, between)])
    finally:
        con.close()
    return scored


def _cluster_ties(previous: pl.DataFrame) -> pl.DataFrame:
    """Must-link rows holding each existing cluster together: every record to its
    cluster's lowest record."""
    anchor = pl.col("record_id").min().over("cluster_id")
    return (
        previous.select("record_id", anchor.alias("anchor"))
        .filter(pl.col("record_id") != pl.col("anchor"))
        .select(
            pl.col("anchor").alias("record_id_l"),
            pl.col("record_id").alias("record_id_r"),
            pl.lit("must_link").alias("decision"),
        )
    )


@dataclass(frozen=True)
class IncrementalResult:
    result: ClusteringResult  # clusters of all records; links and review pairs of this run
    touched: pl.DataFrame  # record_id: the new records and the existing clusters they reach


def link_new_records(
    normalized: pl.DataFrame,
    previous: pl.DataFrame,
    model: dict[str, Any],
    threshold: float,
    decisions: pl.DataFrame,
    review_from: float,
) -> IncrementalResult:
    """Clusters of all records: existing clusters kept whole, new records linked in.

    normalized: every record (model.SPLINK_SOURCE_COLUMNS suffice). previous: record_id,
    cluster_id of the last run, covering every normalized record that is not new.
    Only the new records and the existing clusters they link to are re-clustered (so the
    cost follows the drop, not the table); links and review pairs are those involving a
    new record (the existing ones stay where they are).
    """
    decisions = latest_decisions(decisions)
    new_ids = normalized.join(previous.select("record_id"), on="record_id", how="anti").select(
        "record_id"
    )
    if new_ids.is_empty():
        scored = pl.DataFrame(
            schema=EDGE_SCHEMA | {"match_probability": pl.Float64, "match_weight": pl.Float64}
        )
    else:
        scored = score_new_pairs(
            normalized, new_ids["record_id"], model, min(review_from, threshold)
        )
        same_address = pairs_for_addresses_of(normalized, new_ids["record_id"], touching_only=True)
        scored = with_same_address_links(scored, same_address)
    touched = _touched_records(new_ids, previous, scored, threshold, decisions)
    touched_before = previous.join(touched, on="record_id", how="semi")
    ties = pl.concat(
        [decisions.select("record_id_l", "record_id_r", "decision"), _cluster_ties(touched_before)]
    )
    emails = normalized.select("record_id", "email_match_key").join(touched, on="record_id")
    regrouped, links = cluster_with_decisions(
        touched["record_id"], scored, threshold, ties, emails=emails
    )
    unchanged = previous.join(touched, on="record_id", how="anti").select("record_id", "cluster_id")
    clusters = (
        pl.concat([unchanged, regrouped])
        .with_columns(pl.len().over("cluster_id").cast(pl.Int64).alias("cluster_size"))
        .sort("record_id")
    )
    is_new = new_ids["record_id"].implode()
    links = links.filter(pl.col("record_id_l").is_in(is_new) | pl.col("record_id_r").is_in(is_new))
    review = _across_clusters(review_queue(scored, review_from, threshold, decisions), clusters)
    return IncrementalResult(ClusteringResult(clusters, links, review, scored.height), touched)


def _touched_records(
    new_ids: pl.DataFrame,
    previous: pl.DataFrame,
    scored: pl.DataFrame,
    threshold: float,
    decisions: pl.DataFrame,
) -> pl.DataFrame:
    """The new records plus every record of an existing cluster one of them may join."""
    is_new = new_ids["record_id"].implode()
    touches_new = pl.col("record_id_l").is_in(is_new) | pl.col("record_id_r").is_in(is_new)
    # A must-link between existing records already holds inside one cluster.
    must = decisions.filter(pl.col("decision") == "must_link", touches_new)
    edges = pl.concat(
        [
            scored.filter(pl.col("match_probability") >= threshold).select(list(EDGE_SCHEMA)),
            must.select(list(EDGE_SCHEMA)),
        ]
    )
    ends = pl.concat([edges.select(pl.col(side).alias("record_id")) for side in EDGE_SCHEMA])
    reached = previous.join(ends, on="record_id", how="semi").select("cluster_id").unique()
    members = previous.join(reached, on="cluster_id", how="semi").select("record_id")
    return pl.concat([new_ids, members]).unique()


def assign_ids_to_touched(
    clusters: pl.DataFrame,
    touched: pl.DataFrame,
    previous: pl.DataFrame,
    now: datetime,
    retired_ids: set[str],
) -> IdAssignment:
    """`assign_contact_ids` over the touched records only; every other record keeps its
    contact exactly as before (its cluster did not change)."""
    mine = clusters.join(touched, on="record_id", how="semi")
    before = previous.join(touched, on="record_id", how="semi")
    assignment = assign_contact_ids(mine, before, now, retired_ids)
    kept = clusters.join(touched, on="record_id", how="anti").join(
        previous.select("record_id", "contact_id", "contact_created_at"), on="record_id"
    )
    fresh = assignment.clusters.join(
        before.select("contact_id").unique(), on="contact_id", how="anti"
    )
    if not kept.join(fresh.select("contact_id").unique(), on="contact_id", how="semi").is_empty():
        # A fresh ID equal to an untouched contact's: only the full assignment, which
        # sees every ID issued, can avoid it.
        return assign_contact_ids(clusters, previous, now, retired_ids)
    merged = pl.concat([kept.select(assignment.clusters.columns), assignment.clusters])
    return IdAssignment(merged.sort("record_id"), assignment.history)


def merged_review_queue(
    previous_queue: pl.DataFrame | None,
    new_pairs: pl.DataFrame,
    clusters: pl.DataFrame,
    decisions: pl.DataFrame,
) -> pl.DataFrame:
    """The last run's open pairs plus the new ones, once each, still across clusters
    (a new record may have joined a queued pair's two clusters) and still undecided."""
    frames = [f for f in (previous_queue, new_pairs) if f is not None and f.height]
    if not frames:
        return new_pairs
    pairs = canonical_pairs(pl.concat(frames, how="diagonal_relaxed")).unique(
        ["record_id_l", "record_id_r"], keep="last", maintain_order=True
    )
    queue = review_queue(pairs, 0.0, 1.1, decisions)
    return _across_clusters(queue, clusters)
