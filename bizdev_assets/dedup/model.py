"""The Splink model that decides which contact records are the same person.

Its structure (comparisons and their levels, blocking rules) is code: `comparisons`,
`blocking` and `inputs` build it, and `model_settings()` returns it as Splink's JSON
settings. What training learns (m and u per level, the prior) is data, stored and read
back by `stored_model`, which rebuilds the settings from this code and fills in only
those numbers: no SQL ever comes from the warehouse.

Every Splink query runs on a DuckDB connection from `splink_connection()`: in memory,
without access to files or the network and unable to install or load extensions, with
that configuration locked, so SQL that reached it could read and send nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, SettingsCreator
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from bizdev_assets.dedup.blocking import blocking_rules, with_blocking_keys
from bizdev_assets.dedup.comparisons import comparisons
from bizdev_assets.dedup.frequencies import term_frequencies
from bizdev_assets.dedup.inputs import SPLINK_SOURCE_COLUMNS, splink_input

__all__ = ["SPLINK_SOURCE_COLUMNS", "model_settings", "scoring_input", "splink_connection"]

# Splink logs every training step at INFO; keep the run log readable.
logging.getLogger("splink").setLevel(logging.WARNING)

LOCKED_DOWN = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def splink_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that can reach no file, network or extension (see above)."""
    return duckdb.connect(config=LOCKED_DOWN)


def scoring_input(normalized: pl.DataFrame) -> pl.DataFrame:
    """What Splink is given: the comparison keys plus the capped blocking keys."""
    return with_blocking_keys(splink_input(normalized))


def term_frequency_columns(settings: dict[str, Any]) -> list[str]:
    """The columns whose levels are weighed by how common the shared value is."""
    return sorted(
        {
            level["tf_adjustment_column"]
            for comparison in settings["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )


def register_term_frequencies(
    linker: Any, db_api: DuckDBAPI, records: pl.DataFrame, settings: dict[str, Any]
) -> None:
    """Give Splink our `frequencies.term_frequencies` (how common a value is among other
    people) for every tf column of the model, over `records`, instead of its own counts."""
    for column in term_frequency_columns(settings):
        table = db_api.register(
            term_frequencies(records, column), dataset_display_name=f"tf_{column}"
        )
        linker.table_management.register_term_frequency_lookup(table, column)


def model_settings() -> dict[str, Any]:
    """The model's structure as Splink settings (m and u not yet known)."""
    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    return creator.create_settings_dict("duckdb")


def structure_fingerprint(settings: dict[str, Any]) -> str:
    """A hash of everything but the parameters: comparisons' levels (SQL, labels, fixed
    values, term-frequency columns) and blocking rules. Two models with the same
    fingerprint differ only in what training learnt."""
    levels = [
        [
            {k: v for k, v in level.items() if k not in ("m_probability", "u_probability")}
            | (
                {"m": level.get("m_probability"), "u": level.get("u_probability")}
                if level.get("fix_m_probability") or level.get("fix_u_probability")
                else {}
            )
            for level in comparison["comparison_levels"]
        ]
        for comparison in settings["comparisons"]
    ]
    rules = [rule["blocking_rule"] for rule in settings["blocking_rules_to_generate_predictions"]]
    text = json.dumps({"levels": levels, "rules": rules}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def match_weights_table(settings: dict[str, Any]) -> pl.DataFrame:
    """One row per comparison level with its match weight, for the UI."""
    rows = []
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            rows.append(
                {
                    "comparison": comparison["output_column_name"],
                    "level": level.get("label_for_charts", ""),
                    "m_probability": m,
                    "u_probability": u,
                    "match_weight": math.log2(m / u) if m and u else None,
                }
            )
    return pl.DataFrame(rows)


def blocking_rule_counts(records: pl.DataFrame) -> pl.DataFrame:
    """Candidate pairs each blocking rule adds (new, and cumulative) among `records`
    (`scoring_input`), so the UI shows what each rule costs before anything is scored."""
    rules = blocking_rules()
    con = splink_connection()
    try:
        registered = DuckDBAPI(connection=con).register(records, dataset_display_name="contacts")
        counts = count_comparisons_from_blocking_rules(
            registered, blocking_rules=rules, link_type="dedupe_only", record_sample_proportion=1.0
        )
    finally:
        con.close()
    return pl.DataFrame(
        {
            "blocking_rule": rules,
            "new_candidate_pairs": [c["marginal_comparison_count"] for c in counts],
            "cumulative_pairs": [c["cumulative_comparison_count"] for c in counts],
        }
    )
