"""`contact_match_model` (the trained Splink model) and `contact_clusters` (who is whom).

Training is its own asset so scoring always uses a saved, versioned model: a routine
refresh re-clusters with the latest model without re-estimating it. With too few records
to learn from, the model shipped with bizdev (trained on generated data) is used.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from bizdev_assets.dedup.clustering import (
    DEFAULT_MATCH_PROBABILITY,
    DEFAULT_REVIEW_FROM,
    cluster_contacts,
)
from bizdev_assets.dedup.incremental import (
    SPLINK_SOURCE_COLUMNS,
    assign_ids_to_touched,
    choose_mode,
    link_new_records,
    merged_review_queue,
    read_previous_run,
)
from bizdev_assets.dedup.model import blocking_rule_counts, match_weights_table, train_model
from bizdev_assets.dedup.profile import PROFILE_TABLE, profile_summary, training_profile
from bizdev_assets.dedup.review import DECISION_SCHEMA, DECISIONS_TABLE, QUEUE_TABLE
from bizdev_assets.dedup.stable_ids import assign_contact_ids
from bizdev_assets.metadata import markdown_table, table_metadata
from bizdev_assets.normalize.assets import NORMALIZED_TABLE
from resources.warehouse import Warehouse

MODEL_TABLE = "contact_match_model"
CLUSTERS_TABLE = "contact_clusters"
HISTORY_TABLE = "contact_id_history"
LINKS_TABLE = "contact_match_links"
# Trained on 100k generated rows (99,500 usable records); regenerate with
# `bench/pipeline.py --rows 100000 --train` then `bizdev export-model` (see README).
BASELINE_MODEL = Path(__file__).with_name("baseline_model.json")
BASELINE_TRAINING_RECORDS = 99_500
# Below this, EM has too few duplicate pairs to learn from; the baseline does better.
MIN_TRAINING_RECORDS = 20_000


def baseline_model(records: int = BASELINE_TRAINING_RECORDS) -> dict[str, Any]:
    """The shipped model, its prior rescaled to a table of `records` records.

    Each person has about the same number of duplicates whatever the table size, so the
    chance that two random records match falls as 1/records.
    """
    model = json.loads(BASELINE_MODEL.read_text())
    prior = model["probability_two_random_records_match"]
    scaled = prior * BASELINE_TRAINING_RECORDS / max(records, 2)
    model["probability_two_random_records_match"] = min(scaled, 0.5)
    return model


def latest_model(warehouse: Warehouse, records: int) -> tuple[dict[str, Any], int]:
    """The newest saved model and its version; the shipped baseline (version 0) if none."""
    if warehouse.table_exists(MODEL_TABLE):
        newest = warehouse.query(
            f"select version, model_json from {MODEL_TABLE} order by version desc limit 1"
        )
        if newest.height:
            return json.loads(newest["model_json"][0]), int(newest["version"][0])
    return baseline_model(records), 0


@dg.asset(
    deps=[NORMALIZED_TABLE],
    group_name="dedup",
    kinds={"splink", "duckdb"},
)
def contact_match_model(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The Splink model (JSON, versioned) trained without labels on contacts_normalized,
    saved with a profile of the data it was trained on (contact_match_model_profile) that
    the match_model_fresh check and the model_drift_sensor compare the data with later."""
    normalized = warehouse.read_table(NORMALIZED_TABLE)
    # Saved with the model (one transaction) so drift is measured later without the old
    # data; taken now, next to the read the model learns from.
    profile = training_profile(warehouse, NORMALIZED_TABLE)
    if normalized.height < MIN_TRAINING_RECORDS:
        context.log.warning(
            f"only {normalized.height} records (< {MIN_TRAINING_RECORDS}); "
            "saving the shipped baseline model instead of training"
        )
        model, origin = baseline_model(normalized.height), "baseline"
    else:
        model, origin = train_model(normalized), "trained"
    _, previous = latest_model(warehouse, normalized.height)
    version = previous + 1
    saved = {
        "version": version,
        "trained_at": datetime.now(UTC).replace(tzinfo=None),
        "origin": origin,
        "training_records": normalized.height,
        "model_json": json.dumps(model),
    }
    warehouse.append_many(
        {
            MODEL_TABLE: pl.DataFrame([saved]),
            PROFILE_TABLE: profile.select(pl.lit(version, pl.Int64).alias("version"), pl.all()),
        }
    )
    weights = match_weights_table(model).with_columns(pl.col("match_weight").round(2))
    blocking = (
        blocking_rule_counts(normalized, model)
        if normalized.height
        else pl.DataFrame({"blocking_rule": [], "new_candidate_pairs": [], "cumulative_pairs": []})
    )
    return dg.MaterializeResult(
        metadata={
            "version": version,
            "origin": origin,
            "training_records": normalized.height,
            "match_weights": dg.MetadataValue.md(
                markdown_table(weights.select("comparison", "level", "match_weight"))
            ),
            "blocking_rules": dg.MetadataValue.md(markdown_table(blocking)),
            "candidate_pairs": int(blocking["cumulative_pairs"].max() or 0),
            "training_profile": dg.MetadataValue.md(markdown_table(profile_summary(profile))),
        }
    )


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
    if not warehouse.table_exists(HISTORY_TABLE):
        return set()
    return set(warehouse.query(f"select old_contact_id from {HISTORY_TABLE}")["old_contact_id"])


def current_decisions(warehouse: Warehouse) -> pl.DataFrame:
    if not warehouse.table_exists(DECISIONS_TABLE):
        return pl.DataFrame(schema=DECISION_SCHEMA)
    return warehouse.read_table(DECISIONS_TABLE)


def auto_chunks(records: int) -> int:
    return max(1, -(-records // 250_000))


class ClusteringConfig(dg.Config):
    match_probability: float = DEFAULT_MATCH_PROBABILITY
    review_from: float = (
        DEFAULT_REVIEW_FROM  # pairs in [review_from, match_probability) go to review
    )
    # Splink scores the candidate pairs in this many chunks (caps memory: at 1M records,
    # 4 chunks peak at 1.9 GB instead of 2.9 GB, in the same time); 0 = one per 250k records.
    prediction_chunks: int = 0
    # Re-resolve every record even when only linking the new ones would do.
    full_refresh: bool = False


@dg.asset(
    deps=[NORMALIZED_TABLE, MODEL_TABLE],
    group_name="dedup",
    kinds={"splink", "duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            "every_record_clustered",
            asset=CLUSTERS_TABLE,
            blocking=True,
            description="Each normalized record has exactly one cluster.",
        )
    ],
)
def contact_clusters(
    context: dg.AssetExecutionContext, config: ClusteringConfig, warehouse: Warehouse
):
    """record_id -> cluster_id and a stable contact_id for every normalized record
    (singletons included). Contact IDs survive re-clustering; merges and splits are
    recorded in contact_id_history (old -> new, when, why). Also writes the accepted
    links with their per-comparison match weights (contact_match_links) and the pairs the
    model is unsure of (match_review_queue); decisions in match_decisions are honoured.

    A small drop of new records is linked incrementally (only pairs touching a new record
    are scored; existing clusters are kept); a new model, new decisions, changed
    thresholds, removed records or `full_refresh: true` re-resolve everything."""
    # Taken before reading decisions: one made during this run is newer than the run.
    now = datetime.now(UTC).replace(tzinfo=None)
    columns = ", ".join(SPLINK_SOURCE_COLUMNS)
    normalized = warehouse.query(f"select {columns} from {NORMALIZED_TABLE}")
    model, version = latest_model(warehouse, normalized.height)
    decisions = current_decisions(warehouse)
    choice = choose_mode(
        read_previous_run(warehouse, CLUSTERS_TABLE, NORMALIZED_TABLE, DECISIONS_TABLE),
        version,
        config.match_probability,
        config.review_from,
        config.full_refresh,
    )
    context.log.info(
        f"{choice.mode} clustering of {normalized.height} records with model version "
        f"{version}: {choice.reason}"
    )
    if choice.mode == "incremental":
        previous = warehouse.query(
            f"select record_id, cluster_id, contact_id, contact_created_at from {CLUSTERS_TABLE}"
        )
        linked = link_new_records(
            normalized, previous, model, config.match_probability, decisions, config.review_from
        )
        result = linked.result
        assignment = assign_ids_to_touched(
            result.clusters, linked.touched, previous, now, retired_contact_ids(warehouse)
        )
        previous_queue = (
            warehouse.read_table(QUEUE_TABLE) if warehouse.table_exists(QUEUE_TABLE) else None
        )
        review = merged_review_queue(previous_queue, result.review, result.clusters, decisions)
    else:
        previous = previous_assignment(warehouse)
        result = cluster_contacts(
            normalized,
            model,
            config.match_probability,
            config.prediction_chunks or auto_chunks(normalized.height),
            decisions=decisions,
            review_from=config.review_from,
        )
        review = result.review
        assignment = assign_contact_ids(
            result.clusters, previous, now, retired_contact_ids(warehouse)
        )
    clusters = assignment.clusters.with_columns(
        pl.lit(version).alias("model_version"),
        pl.lit(now).cast(pl.Datetime("us")).alias("clustered_at"),
        pl.lit(config.match_probability).alias("match_threshold"),
        pl.lit(config.review_from).alias("review_from"),
    )
    # The blocking check guards the table: a failing assignment is never written.
    unclustered = normalized.height - clusters["record_id"].n_unique()
    complete = unclustered == 0 and clusters.height == normalized.height
    yield dg.AssetCheckResult(
        check_name="every_record_clustered",
        passed=complete,
        metadata={"records": normalized.height, "cluster_rows": clusters.height},
    )
    if not complete:
        raise dg.Failure(
            f"contact_clusters not written: {clusters.height} cluster rows for "
            f"{normalized.height} normalized records ({unclustered} without a cluster)"
        )
    # One transaction: a failure part-way must not leave history rows for clusters that
    # were never written, nor clusters without this run's links.
    replace = {CLUSTERS_TABLE: clusters, QUEUE_TABLE: review}
    append = {}
    if assignment.history.height:
        append[HISTORY_TABLE] = assignment.history
    if choice.mode == "full":
        replace[LINKS_TABLE] = result.links
    elif result.links.height:
        append[LINKS_TABLE] = result.links
    warehouse.write_many(replace=replace, append=append)
    merged = assignment.history.filter(pl.col("reason") == "merge").height
    split = assignment.history.filter(pl.col("reason") == "split").height
    sizes = clusters.group_by("cluster_id").len("size")
    yield dg.MaterializeResult(
        metadata=table_metadata(clusters, clusters.height)
        | {
            "mode": choice.mode,
            "mode_reason": choice.reason,
            "new_records": normalized.height if choice.new_records is None else choice.new_records,
            "clusters": sizes.height,
            "duplicates_merged": clusters.height - sizes.height,
            "largest_cluster": int(sizes["size"].max() or 0),
            "pairs_at_or_above_review_floor": result.pairs_scored,
            "pairs_linked": result.links.height,
            "pairs_for_review": review.height,
            "decisions_applied": decisions.height,
            "model_version": version,
            "contact_ids_merged_away": merged,
            "contact_ids_split_off": split,
            "cluster_sizes": dg.MetadataValue.md(markdown_table(_size_histogram(sizes))),
        }
    )


def _size_histogram(sizes: pl.DataFrame) -> pl.DataFrame:
    bucket = (
        pl.when(pl.col("size") >= 10).then(pl.lit("10+")).otherwise(pl.col("size").cast(pl.String))
    )
    return (
        sizes.with_columns(bucket.alias("cluster_size"))
        .group_by("cluster_size")
        .len("clusters")
        .sort(pl.col("cluster_size").str.replace("10\\+", "99").cast(pl.Int64))
    )
