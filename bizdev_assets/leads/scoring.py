"""The rules lead score: an explainable 0-100 per golden contact (pure; no Dagster).

    lead_score = 100 x (w_fit x fit + w_engagement x engagement + w_quality x data_quality)

fit is the mean of what is known of the person (seniority, department) and, when
`company_enrichment` exists, of the company (employee band, industry); engagement mixes
fresh `company_signals` (news, funding, hiring; halved every `signal_half_life_days`) with
the lead source; data_quality is the contact's quality score. `top_reasons` names the
three items that added most points, e.g. "seniority vp +24".
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from bizdev_assets.leads.weights import LeadWeights

SCORES_TABLE = "lead_scores"
SCORE_COLUMNS = [
    "contact_id", "lead_score", "qualified", "fit", "engagement", "data_quality",
    "top_reasons", "score_source", "model_probability",
]  # fmt: skip


def _lookup(column: str, table: dict[str, float]) -> pl.Expr:
    default = table.get("*", table.get("unknown", 0.0))
    mapping = {k: v for k, v in table.items() if k != "*"}
    return (
        pl.col(column)
        .cast(pl.String)
        .replace_strict(mapping, default=default, return_dtype=pl.Float64)
    )


def company_features(
    golden: pl.DataFrame,
    enrichment: pl.DataFrame | None,
    signals: pl.DataFrame | None,
    now: datetime,
    weights: LeadWeights,
) -> pl.DataFrame:
    """contact_id with employee_band, industry (null without enrichment) and
    signal_strength (decayed count of the company's signals, 0 without signals)."""
    people = golden.select("contact_id", "company_id", pl.col("website_domain").alias("domain"))
    if enrichment is not None and enrichment.height:
        firm = enrichment.select("company_id", "domain", "employee_band", "industry")
        by_id = people.join(firm.drop("domain").unique("company_id"), on="company_id", how="left")
        by_domain = people.join(
            firm.drop("company_id").unique("domain"), on="domain", how="left", suffix="_d"
        )
        people = by_id.with_columns(
            pl.coalesce("employee_band", by_domain["employee_band"]).alias("employee_band"),
            pl.coalesce("industry", by_domain["industry"]).alias("industry"),
        )
    else:
        people = people.with_columns(
            pl.lit(None, pl.String).alias("employee_band"),
            pl.lit(None, pl.String).alias("industry"),
        )
    strength = pl.lit(0.0)
    if signals is not None and signals.height:
        age = (pl.lit(now) - pl.col("published_at")).dt.total_seconds() / 86_400
        decayed = signals.with_columns(
            w=pl.when(pl.col("published_at").is_null())
            .then(0.25)
            .otherwise(0.5 ** (age.clip(0) / weights.signal_half_life_days))
        )
        per_id = decayed.group_by("company_id").agg(pl.col("w").sum().alias("s_id"))
        per_domain = decayed.group_by("domain").agg(pl.col("w").sum().alias("s_domain"))
        people = people.join(per_id, on="company_id", how="left").join(
            per_domain, on="domain", how="left"
        )
        strength = pl.max_horizontal(pl.col("s_id").fill_null(0), pl.col("s_domain").fill_null(0))
    return people.with_columns(signal_strength=strength).select(
        "contact_id", "employee_band", "industry", "signal_strength"
    )


def lead_parts(
    golden: pl.DataFrame,
    quality: pl.DataFrame,
    weights: LeadWeights,
    *,
    now: datetime,
    enrichment: pl.DataFrame | None = None,
    signals: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per contact: its fit items (`fit_<item>`, null when unknown), signal and source
    parts, data quality, and the three parts `fit`, `engagement`, `data_quality`."""
    company = company_features(golden, enrichment, signals, now, weights)
    frame = (
        golden.select("contact_id", "seniority", "department", "lead_source")
        .join(company, on="contact_id", how="left")
        .join(quality.select("contact_id", "quality_score"), on="contact_id", how="left")
    )
    fit_items = {
        "seniority": _lookup("seniority", weights.fit.get("seniority", {"*": 0.25})),
        "department": _lookup("department", weights.fit.get("department", {"*": 0.3})),
        "employee_band": _lookup("employee_band", weights.fit.get("employee_band", {"*": 0.5})),
        "industry": _lookup("industry", weights.fit.get("industry", {"*": 0.6})),
    }
    present = {
        "seniority": pl.lit(True),
        "department": pl.lit(True),
        "employee_band": pl.col("employee_band").is_not_null(),
        "industry": pl.col("industry").is_not_null(),
    }
    n_items = pl.sum_horizontal(present[i].cast(pl.Int32) for i in fit_items)
    signal_part = (pl.col("signal_strength").fill_null(0) / weights.signals_for_full_score).clip(
        0, 1
    )
    return frame.with_columns(
        **{f"fit_{i}": pl.when(present[i]).then(e).otherwise(None) for i, e in fit_items.items()},
        signal_part=signal_part,
        source_part=_lookup("lead_source", weights.lead_source),
        data_quality=pl.col("quality_score").cast(pl.Float64).fill_null(0.0),
    ).with_columns(
        fit=pl.sum_horizontal(pl.col(f"fit_{i}").fill_null(0) for i in fit_items) / n_items,
        engagement=weights.signal_share * pl.col("signal_part")
        + (1 - weights.signal_share) * pl.col("source_part"),
        n_fit_items=n_items,
    )


def score_leads(parts: pl.DataFrame, weights: LeadWeights) -> pl.DataFrame:
    """One row per contact of `lead_parts`: lead_score 0-100, qualified, parts, reasons."""
    frame = parts
    w = weights.weights
    n_items = pl.col("n_fit_items")
    fit_items = ("seniority", "department", "employee_band", "industry")
    raw = 100 * (
        w["fit"] * pl.col("fit")
        + w["engagement"] * pl.col("engagement")
        + w["data_quality"] * pl.col("data_quality")
    )
    points = {
        **{
            i: (
                100 * w["fit"] * pl.col(f"fit_{i}") / n_items,
                pl.col(i).cast(pl.String).fill_null("unknown"),
            )
            for i in fit_items
        },
        "company signals": (
            100 * w["engagement"] * weights.signal_share * pl.col("signal_part"),
            pl.col("signal_strength").round(1).cast(pl.String),
        ),
        "lead source": (
            100 * w["engagement"] * (1 - weights.signal_share) * pl.col("source_part"),
            pl.col("lead_source").cast(pl.String),
        ),
        "data quality": (
            100 * w["data_quality"] * pl.col("data_quality"),
            pl.col("data_quality").round(2).cast(pl.String),
        ),
    }
    reasons = [
        pl.when(p.is_not_null() & (p >= 0.5)).then(
            pl.format(
                "{}|{} {} +{}",
                p.round(0).cast(pl.Int64).cast(pl.String).str.zfill(3),
                pl.lit(name),
                v.fill_null("?"),
                p.round(0).cast(pl.Int64),
            )
        )
        for name, (p, v) in points.items()
    ]
    return (
        frame.with_columns(
            lead_score=raw.round(0).cast(pl.Int64),
            top_reasons=pl.concat_list(reasons)
            .list.drop_nulls()
            .list.sort(descending=True)
            .list.head(3)
            .list.eval(pl.element().str.split("|").list.last())
            .list.join("; "),
            score_source=pl.lit("rules"),
            model_probability=pl.lit(None, pl.Float64),
        )
        .with_columns(
            qualified=pl.col("lead_score") >= weights.qualified_at,
            fit=pl.col("fit").round(3),
            engagement=pl.col("engagement").round(3),
            data_quality=pl.col("data_quality").round(3),
        )
        .select(SCORE_COLUMNS)
    )


def score_distribution(scores: pl.DataFrame) -> pl.DataFrame:
    """Contacts per band of ten points, for the asset's metadata."""
    return (
        scores.with_columns(band=(pl.col("lead_score") // 10 * 10).clip(0, 90))
        .group_by("band")
        .agg(pl.len().alias("contacts"), pl.col("qualified").sum().alias("qualified"))
        .sort("band")
        .with_columns(pl.format("{}-{}", "band", pl.col("band") + 9).alias("score"))
        .select("score", "contacts", "qualified")
    )
