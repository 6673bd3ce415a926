"""What the match model was trained on, and how far today's contacts have moved from it.

A training profile is saved with each model version: for every value the model compares
(names, e-mail domain, company, phone and mobile prefixes, title), the records holding
each of its `TOP_VALUES` most common values, those holding any other value ("rare") and
those holding none ("missing"). Later the current table is counted in the same buckets
plus one for each value that is among the most common now but was not then, and the
two are compared with the population stability index (PSI): the sum over buckets of
(now - then) * ln(now / then), shares of all records. The rule of thumb: under 0.1
stable, 0.1 to 0.2 moderate, over 0.2 a shift worth retraining for. A drop dominated by
one new company makes that company a common value (the term frequencies the model
learnt no longer hold); a source without phones moves records into "missing"; either
raises the PSI. Growth alone (more of the same) barely moves it.

Everything here is a few GROUP BYs in the warehouse and arithmetic on small frames:
seconds at 1M records, on DuckDB and PostgreSQL alike.
"""

from __future__ import annotations

import math

import polars as pl

from resources.warehouse import Warehouse, check_identifier

PROFILE_TABLE = "contact_match_model_profile"
# The values Splink compares, as it sees them (lowercased names and titles; the country
# code and start of the area code stand for phones, which are nearly all distinct).
FEATURES: dict[str, str] = {
    "first_name": "lower(trim(first_name))",
    "last_name": "lower(trim(last_name))",
    "email_domain": "email_domain",
    "company": "company_key",
    "phone_prefix": "substr(phone, 1, 5)",
    "mobile_prefix": "substr(mobile, 1, 5)",
    "title": "lower(trim(title))",
}
# Few enough buckets that sampling noise stays far below the threshold on a few thousand
# records (expected PSI of two samples of one population ~ buckets * (1/n1 + 1/n2)).
TOP_VALUES = 20
# A bucket empty on one side counts as this share (else ln(0) makes the PSI infinite).
EMPTY_SHARE = 1e-4

PROFILE_SCHEMA = {
    "feature": pl.String,
    "bucket": pl.String,  # value | rare | missing
    "value": pl.String,  # the value, for bucket = value
    "records": pl.Int64,
}


def records_and_missing_sql(table: str) -> str:
    """One row: the table's record count and, per feature, how many records have a value."""
    present = ", ".join(f"count({expr}) as {name}" for name, expr in FEATURES.items())
    return f"select count(*) as records, {present} from {check_identifier(table)}"


def top_values_sql(table: str) -> str:
    """Each feature's TOP_VALUES most common values with their counts (ties by value)."""
    parts = [
        f"(select '{name}' as feature, {expr} as value, count(*) as records "
        f"from {check_identifier(table)} where {expr} is not null "
        f"group by {expr} order by records desc, value limit {TOP_VALUES})"
        for name, expr in FEATURES.items()
    ]
    return " union all ".join(parts)


def value_counts_sql(table: str, values: dict[str, list[str]]) -> str:
    """Counts of the given values per feature (`?` placeholders, in `values` order)."""
    parts = [
        f"select '{name}' as feature, {FEATURES[name]} as value, count(*) as records "
        f"from {check_identifier(table)} where {FEATURES[name]} in "
        f"({', '.join('?' for _ in listed)}) group by {FEATURES[name]}"
        for name, listed in values.items()
        if listed
    ]
    return " union all ".join(parts)


def _with_rare_and_missing(counted: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """Value buckets plus, per feature, the records with another value and with none."""
    records = int(totals["records"][0])
    rows = []
    for name in FEATURES:
        present = int(totals[name][0])
        in_values = int(counted.filter(pl.col("feature") == name)["records"].sum())
        rows.append({"feature": name, "bucket": "rare", "records": present - in_values})
        rows.append({"feature": name, "bucket": "missing", "records": records - present})
    buckets = counted.with_columns(pl.lit("value").alias("bucket"))
    return (
        pl.concat([buckets, pl.DataFrame(rows)], how="diagonal_relaxed")
        .select(list(PROFILE_SCHEMA))
        .cast(PROFILE_SCHEMA)
    )


def training_profile(warehouse: Warehouse, table: str) -> pl.DataFrame:
    """The table's profile (PROFILE_SCHEMA rows), to save with a model trained on it."""
    totals = warehouse.query(records_and_missing_sql(table))
    top = warehouse.query(top_values_sql(table)).cast({"records": pl.Int64})
    return _with_rare_and_missing(top, totals)


def current_profile(warehouse: Warehouse, table: str, reference: pl.DataFrame) -> pl.DataFrame:
    """The table's most common values now, and its counts of the reference's values
    (PROFILE_SCHEMA rows; rare = any other value)."""
    top = warehouse.query(top_values_sql(table)).cast({"records": pl.Int64})
    listed = {name: sorted(_values(reference, name) - _values(top, name)) for name in FEATURES}
    params = [value for name in FEATURES for value in listed[name]]
    counted = (
        warehouse.query(value_counts_sql(table, listed), params).cast({"records": pl.Int64})
        if params
        else top.clear()
    )
    totals = warehouse.query(records_and_missing_sql(table))
    return _with_rare_and_missing(pl.concat([top, counted]), totals)


def _values(profile: pl.DataFrame, feature: str) -> set[str]:
    listed = profile.filter(pl.col("feature") == feature)
    if "bucket" in listed.columns:
        listed = listed.filter(pl.col("bucket") == "value")
    return set(listed["value"])


def _psi_term(then: float, now: float) -> float:
    then, now = max(then, EMPTY_SHARE), max(now, EMPTY_SHARE)
    return (now - then) * math.log(now / then)


def _feature_stability(then: pl.DataFrame, now: pl.DataFrame) -> dict[str, float]:
    """PSI over one feature's buckets: the values common then or now, rare, missing."""

    def split(profile: pl.DataFrame) -> tuple[dict[str, int], int, int, int]:
        values = profile.filter(pl.col("bucket") == "value").select("value", "records")
        by_bucket = dict(profile.group_by("bucket").agg(pl.col("records").sum()).iter_rows())
        total = int(profile["records"].sum())
        return (
            dict(values.iter_rows()),
            by_bucket.get("rare", 0),
            by_bucket.get("missing", 0),
            total,
        )

    values_then, rare_then, missing_then, total_then = split(then)
    values_now, rare_now, missing_now, total_now = split(now)
    # A value common now but not listed then had at most the count of the last value
    # listed (none, if the list held every value), and no more than all of "rare":
    # assume the most, so a newcomer's jump is never overstated, and take it from "rare".
    newcomers = [v for v in values_now if v not in values_then]
    ceiling = min(values_then.values()) if values_then and rare_then else 0
    lent = min(rare_then, ceiling * len(newcomers))
    estimate = {v: lent / len(newcomers) for v in newcomers}
    pairs = [
        (values_then.get(v, estimate.get(v, 0)), values_now.get(v, 0))
        for v in {*values_then, *values_now}
    ]
    pairs += [(rare_then - lent, rare_now), (missing_then, missing_now)]
    then_n, now_n = max(total_then, 1), max(total_now, 1)
    unlisted_now = total_now - missing_now - sum(values_now.get(v, 0) for v in values_then)
    return {
        "psi": sum(_psi_term(t / then_n, n / now_n) for t, n in pairs),
        "missing_then": missing_then / then_n,
        "missing_now": missing_now / now_n,
        "rare_then": rare_then / then_n,
        "rare_now": unlisted_now / now_n,
    }


def population_stability(reference: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """Per feature: the PSI between the training profile and the current one, and the
    shares of records then and now with no value (missing) or with a value that was not
    among the most common at training (rare)."""
    rows = [
        {"feature": name}
        | _feature_stability(
            reference.filter(pl.col("feature") == name), current.filter(pl.col("feature") == name)
        )
        for name in FEATURES
    ]
    return pl.DataFrame(rows)


def profile_summary(profile: pl.DataFrame) -> pl.DataFrame:
    """Per feature, the shares a reader needs (no values: they may be personal data)."""
    total = pl.col("records").sum()
    return (
        profile.group_by("feature", maintain_order=True)
        .agg(
            (pl.col("records").filter(pl.col("bucket") == "missing").sum() / total).alias(
                "missing"
            ),
            (pl.col("records").filter(pl.col("bucket") == "value").sum() / total).alias(
                f"top_{TOP_VALUES}_values"
            ),
            (pl.col("records").filter(pl.col("bucket") == "rare").sum() / total).alias("rare"),
        )
        .with_columns(pl.exclude("feature").fill_nan(0).round(3))
    )


def growth(training_records: int, records: int) -> float:
    """Records now per record at training (infinite when the model saw none)."""
    if training_records <= 0:
        return math.inf if records else 1.0
    return records / training_records
