"""The learned lead score: a logistic regression on CRM won/lost outcomes.

Trained only when `lead_outcomes` holds enough of both (weights.yaml `model`); else the
rules score stands and the report says why. Evaluated on a held-out quarter (stratified,
fixed seed) before it is refitted on all outcomes: ROC AUC, Brier score and a five-bin
reliability table (mean predicted vs observed win rate) go into the asset's metadata. A
logistic regression minimises log loss, so its probabilities are calibrated by
construction; the reliability table shows whether that holds on this data.

Features: the rules' inputs (seniority, department, employee band, industry one-hot;
data quality, signal and lead-source parts). Reasons: the three features that pushed the
log-odds up most for that contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from sklearn.calibration import calibration_curve
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from bizdev_assets.leads.weights import LeadWeights

OUTCOMES_TABLE = "lead_outcomes"  # contact_id, outcome (won | lost), closed_at
CATEGORICAL = ["seniority", "department", "employee_band", "industry"]
NUMERIC = ["data_quality", "signal_part", "source_part"]


@dataclass
class ModelReport:
    trained: bool
    reason: str
    outcomes: int = 0
    won: int = 0
    auc: float | None = None
    brier: float | None = None
    calibration: list[dict] = field(default_factory=list)  # bin: predicted, observed, n


def _design(parts: pl.DataFrame):
    return parts.select(
        *(pl.col(c).cast(pl.String).fill_null("unknown") for c in CATEGORICAL),
        *(pl.col(c).cast(pl.Float64).fill_null(0.0) for c in NUMERIC),
    ).to_pandas()


def _pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "features",
                ColumnTransformer(
                    [("categories", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL)],
                    remainder="passthrough",
                ),
            ),
            ("model", LogisticRegression(max_iter=2000, C=1.0)),
        ]
    )


def model_scores(
    parts: pl.DataFrame, outcomes: pl.DataFrame | None, weights: LeadWeights
) -> tuple[pl.DataFrame | None, ModelReport]:
    """(contact_id, model_probability, model_reasons) for every contact of `parts`, or None
    with the reason the rules stay in charge."""
    if outcomes is None:
        return None, ModelReport(False, f"no {OUTCOMES_TABLE} table: rules score")
    labelled = (
        outcomes.filter(pl.col("outcome").is_in(["won", "lost"]))
        .unique("contact_id", keep="last")
        .join(parts, on="contact_id", how="inner")
    )
    won = int((labelled["outcome"] == "won").sum())
    lost = labelled.height - won
    report = ModelReport(False, "", labelled.height, won)
    if labelled.height < weights.min_outcomes or min(won, lost) < weights.min_per_class:
        report.reason = (
            f"{labelled.height} outcomes ({won} won, {lost} lost); the model needs "
            f">= {weights.min_outcomes} with >= {weights.min_per_class} of each: rules score"
        )
        return None, report
    x, y = _design(labelled), (labelled["outcome"] == "won").to_numpy().astype(int)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, stratify=y, random_state=0
    )
    held_out = _pipeline().fit(x_train, y_train).predict_proba(x_test)[:, 1]
    observed, predicted = calibration_curve(y_test, held_out, n_bins=5, strategy="quantile")
    report.trained, report.reason = True, "learned model (logistic regression)"
    report.auc = round(float(roc_auc_score(y_test, held_out)), 3)
    report.brier = round(float(brier_score_loss(y_test, held_out)), 3)
    report.calibration = [
        {"predicted": round(float(p), 3), "observed": round(float(o), 3)}
        for p, o in zip(predicted, observed, strict=True)
    ]
    model = _pipeline().fit(x, y)
    everyone = _design(parts)
    probability = model.predict_proba(everyone)[:, 1]
    return parts.select("contact_id").with_columns(
        model_probability=pl.Series(probability).round(4),
        model_reasons=pl.Series(_reasons(model, everyone)),
    ), report


def _reasons(model: Pipeline, x) -> list[str]:
    features = model.named_steps["features"]
    names = [n.split("__", 1)[1].replace("_", " ", 1) for n in features.get_feature_names_out()]
    matrix = features.transform(x)
    matrix = matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)
    contributions = matrix * model.named_steps["model"].coef_[0]
    top = np.argsort(-contributions, axis=1)[:, :3]
    return [
        "; ".join(f"{names[j]} +{contributions[i, j]:.2f}" for j in row if contributions[i, j] > 0)
        for i, row in enumerate(top)
    ]


def apply_model(scores: pl.DataFrame, learned: pl.DataFrame, weights: LeadWeights) -> pl.DataFrame:
    """The rules scores with lead_score, qualified and top_reasons from the model."""
    return (
        scores.drop("model_probability")
        .join(learned, on="contact_id", how="left")
        .with_columns(
            lead_score=(pl.col("model_probability") * 100).round(0).cast(pl.Int64),
            top_reasons=pl.format("model: {}", pl.col("model_reasons")),
            score_source=pl.lit("model"),
        )
        .with_columns(qualified=pl.col("lead_score") >= weights.qualified_at)
        .select(scores.columns)
    )
