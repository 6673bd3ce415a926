"""The yardstick: a plain Splink 5 model a capable data engineer would write in an afternoon.

It reads the same normalized contacts as bizdev and uses Splink's stock comparisons,
with one deliberate exception: the email comparison is exact (with term frequencies)
then Levenshtein, not the stock EmailComparison, whose username levels repeat the name
evidence (see NOTES). `bench/dedup.py` runs it side by side with bizdev's model.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

logging.getLogger("splink").setLevel(logging.WARNING)

MATCH_PROBABILITY = 0.95

BLOCKING_RULES = [
    block_on("email"),
    block_on("phone"),
    block_on("first_name", "last_name"),
    block_on("last_name", "company"),
]


def splink_input(normalized: pl.DataFrame) -> pl.DataFrame:
    """Normalized columns, lowercased; email and company are the normalizer's match keys."""
    first = pl.col("first_name").str.to_lowercase()
    last = pl.col("last_name").str.to_lowercase()
    return normalized.select(
        pl.col("record_id").alias("unique_id"),
        first.alias("first_name"),
        last.alias("last_name"),
        pl.concat_str([first, last], separator=" ").alias("full_name"),
        pl.col("email_match_key").alias("email"),
        pl.col("phone"),
        pl.col("company_key").alias("company"),
        pl.col("city").str.to_lowercase().alias("city"),
    )


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name", "last_name", forename_surname_concat_col_name="full_name"
            ).configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("email", [1, 2]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.ExactMatch("company").configure(term_frequency_adjustments=True),
            cl.ExactMatch("city"),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
    )


def _linker(con: duckdb.DuckDBPyConnection, normalized: pl.DataFrame, model: Any) -> Linker:
    records = DuckDBAPI(connection=con).register(
        splink_input(normalized), dataset_display_name="contacts"
    )
    return Linker(records, model, log_level=logging.WARNING)


def train(normalized: pl.DataFrame, seed: int = 42) -> dict[str, Any]:
    """The textbook recipe: prior from deterministic rules, u by sampling, two EM sessions."""
    con = duckdb.connect()
    try:
        linker = _linker(con, normalized, settings())
        linker.training.estimate_probability_two_random_records_match(
            [block_on("email"), block_on("first_name", "last_name", "company")], recall=0.8
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "last_name")
        )
        return linker.misc.save_model_to_json()
    finally:
        con.close()


def cluster(
    normalized: pl.DataFrame, model: dict[str, Any], threshold: float = MATCH_PROBABILITY
) -> pl.DataFrame:
    """record_id, cluster_id for every record: predict, then connected components."""
    con = duckdb.connect()
    try:
        linker = _linker(con, normalized, model)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        return con.sql(
            f"select unique_id as record_id, cluster_id from {clustered.physical_name}"
        ).pl()
    finally:
        con.close()
