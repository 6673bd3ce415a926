"""The Splink model that decides which contact records are the same person.

Settings are data (a Splink JSON dict), built here from named comparisons so they can
be read, saved and diffed. Emails are compared on their match key only (exact with
term frequencies, then near-exact; see email_evidence): Splink's stock EmailComparison
also compares the username, which repeats the name evidence when emails are built from
names.
Phones carry term-frequency adjustments so a switchboard shared by a whole company
counts for little, while a personal mobile counts for a lot.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache
from typing import Any

import duckdb
import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from nicknames import NickNamer
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from bizdev_assets.dedup.email_evidence import email_comparison, with_email_pattern

# Splink logs every training step at INFO; keep the run log readable.
logging.getLogger("splink").setLevel(logging.WARNING)

# The contacts_normalized columns `splink_input` reads: a clustering run loads only these.
SPLINK_SOURCE_COLUMNS = [
    "record_id",
    "first_name",
    "last_name",
    "email_match_key",
    "is_free_email",
    "email_domain",
    "phone",
    "mobile",
    "company_key",
    "city",
    "title",
]
SPLINK_INPUT_COLUMNS = [
    "unique_id",
    "forename",
    "surname",
    "name_concat",
    "first_variants",
    "email_match_key",
    "email_pattern",
    "work_domain",
    "phone",
    "mobile",
    "company_key",
    "city_key",
    "title_key",
]


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def first_name_variants(first_names: pl.Series) -> pl.Series:
    """Each first name with the formal names it may be short for (Bill -> william, ...)."""
    namer = _nicknamer()
    unique = first_names.drop_nulls().unique()
    lookup = {name: sorted({name, *namer.canonicals_of(name)}) for name in unique}
    return first_names.replace_strict(lookup, default=None, return_dtype=pl.List(pl.String))


def splink_input(normalized: pl.DataFrame) -> pl.DataFrame:
    """The normalized columns Splink compares, lowercased and keyed by record_id."""
    first = pl.col("first_name").str.to_lowercase().str.strip_chars()
    last = pl.col("last_name").str.to_lowercase().str.strip_chars()
    frame = normalized.select(
        pl.col("record_id").alias("unique_id"),
        first.alias("forename"),
        last.alias("surname"),
        pl.when(first.is_not_null() & last.is_not_null())
        .then(pl.concat_str([first, last], separator=" "))
        .alias("name_concat"),
        pl.col("email_match_key"),
        pl.when(pl.col("is_free_email").not_()).then(pl.col("email_domain")).alias("work_domain"),
        pl.col("phone"),
        pl.col("mobile"),
        pl.col("company_key"),
        pl.col("city").str.to_lowercase().alias("city_key"),
        pl.col("title").str.to_lowercase().str.strip_chars().alias("title_key"),
    )
    return with_email_pattern(
        frame.with_columns(first_name_variants(frame["forename"]).alias("first_variants"))
    ).select(SPLINK_INPUT_COLUMNS)


def _name_comparison() -> cl.CustomComparison:
    """Full name first; a surname match alone is told apart from one whose first names clash,
    because colleagues and relatives share surnames while duplicates share both."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.And(cll.NullLevel("forename"), cll.NullLevel("surname")),
            cll.ExactMatchLevel("name_concat", term_frequency_adjustments=True),
            cll.ColumnsReversedLevel("forename", "surname", symmetrical=True),
            cll.And(
                cll.ExactMatchLevel("surname"), cll.ArrayIntersectLevel("first_variants", 1)
            ).configure(label_for_charts="same surname, first name is a nickname of the other"),
            cll.And(cll.JaroWinklerLevel("forename", 0.92), cll.JaroWinklerLevel("surname", 0.92)),
            cll.And(cll.JaroWinklerLevel("forename", 0.88), cll.JaroWinklerLevel("surname", 0.88)),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.ExactMatchLevel("forename", term_frequency_adjustments=True),
            cll.ElseLevel(),
        ],
        comparison_description="first and last name",
    )


def _mobile_comparison() -> cl.CustomComparison:
    """A shared mobile is near-proof of one person; two different mobiles count against."""
    return cl.CustomComparison(
        output_column_name="mobile",
        comparison_levels=[
            cll.CustomLevel(
                "(mobile_l is null and mobile_r is null) "
                "or (mobile_l is null and phone_l is null) or (mobile_r is null and phone_r is null)",
                "no mobile to compare",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("mobile", term_frequency_adjustments=True),
            cll.CustomLevel(
                "mobile_l = phone_r or phone_l = mobile_r", "mobile on one side is phone on other"
            ),
            cll.CustomLevel(
                "mobile_l is not null and mobile_r is not null", "both have mobiles and they differ"
            ),
            cll.ElseLevel(),
        ],
        comparison_description="mobile phone",
    )


def _workplace_comparison() -> cl.CustomComparison:
    """Company, main phone line, company email domain and job title in one comparison.

    Colleagues share the first three, so counting them as separate comparisons would add
    the same evidence several times and merge whole departments; here the strongest
    workplace signal counts once. The title only tells colleagues apart within one
    company: someone who changed jobs changed company and title together, and counting
    both against them would be the same double count the other way.
    """
    same_company = "company_key_l = company_key_r"
    same_line = "phone_l = phone_r"
    same_domain = "work_domain_l = work_domain_r"
    same_title = "title_key_l = title_key_r"
    return cl.CustomComparison(
        output_column_name="workplace",
        comparison_levels=[
            cll.CustomLevel(
                "(company_key_l is null and phone_l is null and work_domain_l is null) or "
                "(company_key_r is null and phone_r is null and work_domain_r is null)",
                "no workplace details on one side",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"{same_company} and ({same_line} or {same_domain}) and {same_title}",
                "same company, main line or email domain, and title",
            ),
            cll.CustomLevel(f"{same_company} and {same_title}", "same company and title"),
            cll.CustomLevel(
                f"{same_company} and ({same_line} or {same_domain})",
                "same company, and same main line or email domain",
            ),
            cll.CustomLevel(same_company, "same company"),
            cll.CustomLevel(f"{same_line} or {same_domain}", "same main line or email domain"),
            cll.JaroWinklerLevel("company_key", 0.92),
            cll.ElseLevel(),
        ],
        comparison_description="company, main phone line, email domain and title",
    )


def blocking_rules_for_prediction() -> list[Any]:
    """Candidate pairs: any one of these equalities makes two records worth comparing."""
    return [
        block_on("email_match_key"),
        block_on("mobile"),
        block_on("forename", "surname"),
        block_on("surname", "company_key"),
        block_on("forename", "company_key"),
        block_on("phone", "surname"),
        "l.forename = r.surname and l.surname = r.forename",
        # Someone who changed jobs often files their mobile as the phone: catch both ways.
        "l.mobile = r.phone",
        "l.phone = r.mobile",
    ]


def model_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name_comparison(),
            email_comparison(),
            _mobile_comparison(),
            _workplace_comparison(),
        ],
        blocking_rules_to_generate_predictions=blocking_rules_for_prediction(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def train_model(normalized: pl.DataFrame, seed: int = 42) -> dict[str, Any]:
    """Estimate the model from unlabeled data; returns Splink's JSON settings dict."""
    con = duckdb.connect()
    try:
        db_api = DuckDBAPI(connection=con)
        records = db_api.register(splink_input(normalized), dataset_display_name="contacts")
        linker = Linker(records, model_settings(), log_level=logging.WARNING)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("email_match_key"), block_on("forename", "surname", "company_key")],
            recall=0.8,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
        # Each session fixes one strong field and learns the others' m values.
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("email_match_key"), estimate_without_term_frequencies=True
        )
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("forename", "surname"), estimate_without_term_frequencies=True
        )
        return linker.misc.save_model_to_json()
    finally:
        con.close()


def match_weights_table(model: dict[str, Any]) -> pl.DataFrame:
    """One row per comparison level with its match weight, for the UI."""
    rows = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            rows.append(
                {
                    "comparison": comparison["output_column_name"],
                    "level": level.get("label_for_charts", level["sql_condition"]),
                    "m_probability": m,
                    "u_probability": u,
                    "match_weight": weight,
                }
            )
    return pl.DataFrame(rows)


def blocking_rule_counts(normalized: pl.DataFrame, model: dict[str, Any]) -> pl.DataFrame:
    """Candidate pairs each of the model's blocking rules adds (new, and cumulative), so
    the UI shows what each rule costs before anything is scored."""
    rules = [rule["blocking_rule"] for rule in model["blocking_rules_to_generate_predictions"]]
    con = duckdb.connect()
    try:
        records = DuckDBAPI(connection=con).register(
            splink_input(normalized), dataset_display_name="contacts"
        )
        counts = count_comparisons_from_blocking_rules(
            records, blocking_rules=rules, link_type="dedupe_only", record_sample_proportion=1.0
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
