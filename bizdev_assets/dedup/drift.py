"""Has the data drifted from what the saved match model was trained on?

`measure_drift` compares the newest model's training profile (saved with it, see
`profile.py`) with `contacts_normalized` as it is now, and says whether it is time to
retrain and why: a feature's PSI above `DriftThresholds.psi`, the table grown by
`DriftThresholds.growth` or more, the shipped baseline in use although there are now
enough records to train on, or no model saved at all. The asset check
`match_model_fresh` shows the figures; `sensors/model_drift.py` acts on them.
"""

from dataclasses import dataclass, field

import dagster as dg
import polars as pl

from bizdev_assets.dedup.profile import (
    PROFILE_TABLE,
    current_profile,
    growth,
    population_stability,
)
from bizdev_assets.dedup.training import MIN_TRAINING_RECORDS, MODEL_TABLE
from bizdev_assets.metadata import markdown_table
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from resources.warehouse import Warehouse


@dataclass(frozen=True)
class DriftThresholds:
    """When the data has drifted enough to retrain (defaults: the usual rules of thumb)."""

    psi: float = 0.2  # any compared value's PSI above this
    growth: float = 2.0  # records now / records at training, at or above this


DRIFT_THRESHOLDS = DriftThresholds()


class NothingToCompare(Exception):
    """There are no normalized contacts to measure."""


@dataclass(frozen=True)
class DriftReport:
    model_version: int  # 0: none saved (clustering uses the shipped baseline)
    model_origin: str | None  # trained | baseline
    training_records: int | None
    records: int  # in contacts_normalized now
    # Per feature (psi, missing and rare shares then and now); None without a profile.
    features: pl.DataFrame | None
    thresholds: DriftThresholds = field(default=DRIFT_THRESHOLDS)

    @property
    def growth(self) -> float | None:
        if self.training_records is None:
            return None
        return growth(self.training_records, self.records)

    @property
    def max_psi(self) -> float | None:
        if self.features is None or self.features.is_empty():
            return None
        return float(self.features["psi"].max())

    @property
    def reasons(self) -> list[str]:
        """Why to retrain now; empty when the model still fits the data."""
        if self.model_version == 0:
            return [f"no model saved yet ({self.records:,} records to train on)"]
        reasons = []
        if self.features is not None:
            drifted = self.features.filter(pl.col("psi") > self.thresholds.psi)
            reasons += [
                f"{feature} PSI {psi:.2f} > {self.thresholds.psi}"
                for feature, psi in drifted.select("feature", "psi").iter_rows()
            ]
        if self.growth is not None and self.growth >= self.thresholds.growth:
            reasons.append(
                f"records grew {self.growth:.1f}x since training "
                f"({self.training_records:,} -> {self.records:,}; threshold "
                f"{self.thresholds.growth}x)"
            )
        if self.model_origin == "baseline" and self.records >= MIN_TRAINING_RECORDS:
            reasons.append(
                f"model {self.model_version} is the shipped baseline and there are now "
                f"{self.records:,} records (>= {MIN_TRAINING_RECORDS:,}) to train on"
            )
        return reasons

    def summary(self) -> str:
        if self.model_version == 0:
            return "no saved model"
        psi = "no training profile" if self.max_psi is None else f"max PSI {self.max_psi:.3f}"
        return (
            f"model {self.model_version} ({self.model_origin}): {psi}, "
            f"{self.records:,} records vs {self.training_records:,} at training"
        )

    def metadata(self) -> dict[str, object]:
        meta: dict[str, object] = {
            "model_version": self.model_version,
            "records": self.records,
            "psi_threshold": self.thresholds.psi,
            "growth_threshold": self.thresholds.growth,
        }
        if self.model_version:
            meta |= {
                "model_origin": self.model_origin or "",
                "training_records": self.training_records or 0,
                "growth": round(self.growth, 3) if self.growth is not None else None,
            }
        if self.max_psi is not None:
            meta["max_psi"] = round(self.max_psi, 4)
            meta["drift_by_feature"] = dg.MetadataValue.md(
                markdown_table(self.features.with_columns(pl.exclude("feature").round(3)))
            )
        elif self.model_version:
            meta["note"] = (
                "no training profile: the model was saved before profiles were recorded; "
                "PSI is measured once it is retrained"
            )
        if self.reasons:
            meta["retrain_because"] = dg.MetadataValue.md("\n".join(f"- {r}" for r in self.reasons))
        return {k: v for k, v in meta.items() if v is not None}


def measure_drift(
    warehouse: Warehouse, thresholds: DriftThresholds = DRIFT_THRESHOLDS
) -> DriftReport:
    """The newest saved model against contacts_normalized now."""
    records = warehouse.row_count(NORMALIZED_TABLE)
    if not records:
        raise NothingToCompare(f"{NORMALIZED_TABLE} is empty or missing: no contacts yet")
    newest = (
        warehouse.query(
            f"select version, origin, training_records from {MODEL_TABLE} "
            "order by version desc limit 1"
        )
        if warehouse.table_exists(MODEL_TABLE)
        else pl.DataFrame()
    )
    if newest.is_empty():
        return DriftReport(0, None, None, records, None, thresholds)
    version, origin, training_records = newest.row(0)
    reference = (
        warehouse.query(
            f"select feature, bucket, value, records from {PROFILE_TABLE} where version = ?",
            [version],
        )
        if warehouse.table_exists(PROFILE_TABLE)
        else pl.DataFrame()
    )
    features = None
    if not reference.is_empty():
        reference = reference.cast({"records": pl.Int64})
        features = population_stability(
            reference, current_profile(warehouse, NORMALIZED_TABLE, reference)
        )
    return DriftReport(int(version), origin, int(training_records), records, features, thresholds)


@dg.asset_check(
    asset=MODEL_TABLE,
    blocking=False,
    description=(
        "The saved model still fits the data: no compared value's PSI above "
        f"{DRIFT_THRESHOLDS.psi} and fewer than {DRIFT_THRESHOLDS.growth}x the records it "
        "was trained on. Warns otherwise (the model_drift_sensor then retrains it)."
    ),
)
def match_model_fresh(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Drift of contacts_normalized since the newest model was trained."""
    try:
        report = measure_drift(warehouse)
    except NothingToCompare as nothing:
        return dg.AssetCheckResult(passed=True, description=str(nothing))
    return dg.AssetCheckResult(
        passed=not report.reasons,
        severity=dg.AssetCheckSeverity.WARN,
        description=report.summary(),
        metadata=report.metadata(),
    )
