"""`contact_quality_scores`: an explainable 0.00-1.00 score per golden contact."""

import dagster as dg
import polars as pl

from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.metadata import markdown_table, table_metadata
from bizdev_assets.quality.scoring import SCORES_TABLE, score_contacts, score_distribution
from bizdev_assets.quality.weights import COMPONENTS, QualityWeights
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse


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
def contact_quality_scores(warehouse: Warehouse, pipeline_config: PipelineConfig):
    """quality_score (DECIMAL(3,2), ADR-013) with its named components beside it:
    completeness, validity, uniqueness, freshness, consistency (weights in YAML)."""
    weights = QualityWeights.load(pipeline_config.quality_weights_path())
    golden = warehouse.read_table(GOLDEN_TABLE)
    scores = score_contacts(golden, weights)

    as_float = scores["quality_score"].cast(pl.Float64)
    in_range = (
        scores.height == golden.height
        and bool(as_float.is_between(0, 1).all())
        and as_float.null_count() == 0
    )
    yield dg.AssetCheckResult(
        check_name="scores_in_range",
        passed=in_range,
        metadata={"scored": scores.height, "golden_contacts": golden.height},
    )
    if not in_range:
        raise dg.Failure("contact_quality_scores not written: a score is missing or out of [0, 1]")
    warehouse.replace_table(SCORES_TABLE, scores)
    distribution = pl.DataFrame(
        {"score": list(d := score_distribution(scores)), "contacts": list(d.values())}
    )
    means = scores.select(pl.col(c).mean().round(3) for c in COMPONENTS)
    yield dg.MaterializeResult(
        metadata=table_metadata(scores, scores.height, ["contact_id", "quality_score", *COMPONENTS])
        | {
            "mean_score": float(as_float.mean() or 0.0),
            "score_distribution": dg.MetadataValue.md(markdown_table(distribution)),
            "component_means": dg.MetadataValue.md(markdown_table(means)),
        }
    )
