"""The `dedup` group: `contact_match_model` (the trained Splink model) and
`contact_clusters` (who is whom).

Training is its own asset so scoring always uses a saved, versioned model: a routine
refresh re-clusters with the latest model without re-estimating it. The saved model is
data (its numbers only; the SQL comes from this code). With no usable saved model, a
clustering run trains one on the records at hand rather than use a model trained on
other data; the shipped model is only the fallback when the table cannot train one.
"""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
import polars as pl

from bizdev_assets.dedup.blocking import capped_values
from bizdev_assets.dedup.cluster_run import (
    CLUSTERS_TABLE,
    ClusterRun,
    ModeChoice,
    choose_mode,
    plan_clusters,
)
from bizdev_assets.dedup.clustering import DEFAULT_REVIEW_FROM
from bizdev_assets.dedup.model import (
    SPLINK_SOURCE_COLUMNS,
    blocking_rule_counts,
    match_weights_table,
    scoring_input,
)
from bizdev_assets.dedup.previous_runs import (
    current_decisions,
    latest_model,
    latest_model_version,
    read_previous_run,
    stored_clustering,
)
from bizdev_assets.dedup.profile import PROFILE_TABLE, profile_summary, training_profile
from bizdev_assets.dedup.same_address import addresses_apart
from bizdev_assets.dedup.scoring_model import ScoringModel, scoring_model
from bizdev_assets.dedup.stored_model import match_threshold
from bizdev_assets.dedup.training import MODEL_TABLE, fit_match_model
from bizdev_assets.metadata import markdown_table, table_metadata
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from resources.warehouse import Warehouse


@dg.asset(
    deps=[NORMALIZED_TABLE],
    group_name="dedup",
    kinds={"splink", "duckdb"},
)
def contact_match_model(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The Splink model (its parameters, versioned) trained without labels on
    contacts_normalized, saved with a profile of the data it was trained on
    (contact_match_model_profile) that the match_model_fresh check and the
    model_drift_sensor compare the data with later. Training adapts to the columns the
    table has and never fails the run: what it could not learn is in `training_notes`."""
    normalized = warehouse.read_table(NORMALIZED_TABLE)
    # Saved with the model (one transaction) so drift is measured later without the old
    # data; taken now, next to the read the model learns from.
    profile = training_profile(warehouse, NORMALIZED_TABLE)
    fit = fit_match_model(normalized)
    if fit.origin == "baseline":
        context.log.warning("; ".join(fit.notes))
    version = latest_model_version(warehouse) + 1
    warehouse.append_many(
        {
            MODEL_TABLE: fit.saved_row(version, datetime.now(UTC).replace(tzinfo=None)),
            PROFILE_TABLE: profile.select(pl.lit(version, pl.Int64).alias("version"), pl.all()),
        }
    )
    weights = match_weights_table(fit.settings).with_columns(pl.col("match_weight").round(2))
    records = scoring_input(normalized)
    blocking = (
        blocking_rule_counts(records)
        if normalized.height
        else pl.DataFrame({"blocking_rule": [], "new_candidate_pairs": [], "cumulative_pairs": []})
    )
    return dg.MaterializeResult(
        metadata={
            "version": version,
            "origin": fit.origin,
            "training_records": fit.training_records,
            "match_threshold": match_threshold(fit.model),
            "training_notes": dg.MetadataValue.md(_bullets(fit.notes)),
            "match_weights": dg.MetadataValue.md(
                markdown_table(weights.select("comparison", "level", "match_weight"))
            ),
            "blocking_rules": dg.MetadataValue.md(markdown_table(blocking)),
            "candidate_pairs": int(blocking["cumulative_pairs"].max() or 0),
            "values_left_out_of_blocking": dg.MetadataValue.md(_capped_table(records)),
            "training_profile": dg.MetadataValue.md(markdown_table(profile_summary(profile))),
        }
    )


def _bullets(notes: tuple[str, ...]) -> str:
    return "\n".join(f"- {note}" for note in notes) or "(none)"


def _capped_table(records: pl.DataFrame) -> str:
    """Shared values left out of blocking (see dedup/blocking.py), masked."""
    capped = capped_values(records)
    if not capped:
        return "(none)"
    rows = [{"key": c.key, "records": c.records, "value": c.example} for c in capped]
    return markdown_table(pl.DataFrame(rows))


class ClusteringConfig(dg.Config):
    # Pairs at or above this are linked; None: the threshold the model was saved with
    # (0.95, or 0.99 for the shipped model used because the table could not train one).
    match_probability: float | None = None
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
    with warehouse.session():  # one connection for the reads
        normalized = warehouse.query(f"select {columns} from {NORMALIZED_TABLE}")
        saved = latest_model(warehouse)
        decisions = current_decisions(warehouse)
        previous = read_previous_run(warehouse)
    # Outside the session: training (when no model is saved) must not hold the file.
    model = scoring_model(saved, normalized)
    if model.trained_now:
        context.log.warning(f"scoring with a model {model.origin}")
    threshold = model.threshold if config.match_probability is None else config.match_probability
    choice = choose_mode(
        previous,
        model.version,
        threshold,
        config.review_from,
        # A model trained for this run is not the one the last run used.
        config.full_refresh or model.trained_now,
    )
    stored = stored_clustering(warehouse, choice.mode)
    context.log.info(
        f"{choice.mode} clustering of {normalized.height} records with model "
        f"{model.origin}: {choice.reason}"
    )
    run = plan_clusters(
        normalized,
        model.settings,
        model.version,
        decisions,
        choice,
        stored,
        now,
        threshold,
        config.review_from,
        config.prediction_chunks,
    )
    # The blocking check guards the table: a failing assignment is never written.
    yield dg.AssetCheckResult(
        check_name="every_record_clustered",
        passed=run.complete,
        metadata={"records": run.records, "cluster_rows": run.clusters.height},
    )
    if not run.complete:
        raise dg.Failure(
            f"contact_clusters not written: {run.clusters.height} cluster rows for "
            f"{run.records} normalized records ({run.unclustered} without a cluster)"
        )
    # One transaction: a failure part-way must not leave history rows for clusters that
    # were never written, nor clusters without this run's links.
    replace, append, rows = run.tables()
    warehouse.write_many(replace=replace, append=append, replace_rows=rows)
    apart = addresses_apart(normalized, run.clusters, decisions)
    metadata = _cluster_metadata(run, choice, decisions.height, model)
    yield dg.MaterializeResult(metadata=metadata | {"personal_emails_in_several_contacts": apart})


def _cluster_metadata(
    run: ClusterRun, choice: ModeChoice, decisions: int, model: ScoringModel
) -> dict[str, Any]:
    merged = run.history.filter(pl.col("reason") == "merge").height
    split = run.history.filter(pl.col("reason") == "split").height
    sizes = run.clusters.group_by("cluster_id").len("size")
    return table_metadata(run.clusters, run.clusters.height) | {
        "mode": choice.mode,
        "mode_reason": choice.reason,
        "new_records": run.records if choice.new_records is None else choice.new_records,
        "clusters": sizes.height,
        "duplicates_merged": run.clusters.height - sizes.height,
        "largest_cluster": int(sizes["size"].max() or 0),
        "pairs_at_or_above_review_floor": run.pairs_scored,
        "pairs_linked": run.links.height,
        "pairs_for_review": run.review.height,
        "decisions_applied": decisions,
        "model_version": model.version,
        "model": model.origin,
        "model_notes": dg.MetadataValue.md(_bullets(model.notes)),
        "contact_ids_merged_away": merged,
        "contact_ids_split_off": split,
        "cluster_sizes": dg.MetadataValue.md(markdown_table(_size_histogram(sizes))),
    }


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
