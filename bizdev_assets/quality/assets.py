"""`contact_quality_scores`: an explainable 0.00-1.00 score per golden contact.

Only the contacts whose golden row changed since they were scored, and those whose
uniqueness those changes may move, are scored again (see quality/changes.py); new
weights, new code or `full_refresh: true` re-score every contact.
"""

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.metadata import markdown_table, table_metadata
from bizdev_assets.quality.changes import contacts_to_score, plan_scoring
from bizdev_assets.quality.scoring import (
    SCORES_TABLE,
    score_contacts,
    score_distribution,
    weights_digest,
)
from bizdev_assets.quality.weights import COMPONENTS, QualityWeights
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse


class ScoringConfig(dg.Config):
    # Score every golden contact again, not only those a change may have moved.
    full_refresh: bool = False


@dg.asset(
    deps=[GOLDEN_TABLE],
    group_name="quality",
    kinds={"polars", "duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            "scores_in_range",
            asset=SCORES_TABLE,
            blocking=True,
            description="Every golden contact has a score in [0, 1].",
        )
    ],
)
def contact_quality_scores(
    context: dg.AssetExecutionContext,
    config: ScoringConfig,
    warehouse: Warehouse,
    pipeline_config: PipelineConfig,
):
    """quality_score (DECIMAL(3,2), ADR-013) with its named components beside it:
    completeness, validity, uniqueness, freshness, consistency (weights in YAML)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    weights = QualityWeights.load(pipeline_config.quality_weights_path())
    with warehouse.session():
        plan = plan_scoring(warehouse, weights_digest(weights), config.full_refresh)
        context.log.info(f"{plan.mode} scoring: {plan.reason}")
        golden, to_write = contacts_to_score(warehouse, plan)
    scored = score_contacts(golden, weights, now)
    scores = scored.filter(pl.col("contact_id").is_in(pl.Series(to_write).implode()))

    as_float = scores["quality_score"].cast(pl.Float64)
    in_range = (
        scores.height == len(to_write)
        and bool(as_float.is_between(0, 1).all())
        and as_float.null_count() == 0
    )
    yield dg.AssetCheckResult(
        check_name="scores_in_range",
        passed=in_range,
        metadata={"scored": scores.height, "to_score": len(to_write)},
    )
    if not in_range:
        raise dg.Failure("contact_quality_scores not written: a score is missing or out of [0, 1]")
    with warehouse.session():
        if plan.mode == "full":
            warehouse.replace_table(SCORES_TABLE, scores)
        elif scores.height or plan.removed:
            warehouse.replace_rows(SCORES_TABLE, scores, "contact_id", remove=plan.removed)
        table = warehouse.query(
            f"select quality_score, {', '.join(COMPONENTS)} from {SCORES_TABLE}"
        )
    distribution = pl.DataFrame(
        {"score": list(d := score_distribution(table)), "contacts": list(d.values())}
    )
    means = table.select(pl.col(c).mean().round(3) for c in COMPONENTS)
    yield dg.MaterializeResult(
        metadata=table_metadata(scores, table.height, ["contact_id", "quality_score", *COMPONENTS])
        | {
            "mode": plan.mode,
            "mode_reason": plan.reason,
            "mean_score": float(table["quality_score"].cast(pl.Float64).mean() or 0.0),
            "score_distribution": dg.MetadataValue.md(markdown_table(distribution)),
            "component_means": dg.MetadataValue.md(markdown_table(means)),
        }
    )
