"""The blocking step of `bench/dedup.py`: for each system's blocking rules, the candidate
pairs each rule adds and the true duplicate pairs it catches.

Blocking recall (the share of true pairs some rule makes a candidate) bounds recall:
a pair that is never compared can never be linked. Splink's heavy modules are imported
inside the functions, which only the measuring process runs.
"""

from __future__ import annotations

from typing import Any


def blocking(normalized, truth) -> dict[str, Any]:
    """Both systems' blocking reports on the same snapshot."""
    from bench import handwritten_splink
    from bizdev_assets.dedup.blocking import blocking_rules
    from bizdev_assets.dedup.model import scoring_input

    return {
        "bizdev": blocking_report(scoring_input(normalized), truth, blocking_rules()),
        "handwritten": blocking_report(
            handwritten_splink.splink_input(normalized), truth, handwritten_splink.BLOCKING_RULES
        ),
    }


def blocking_report(records, truth, rules: list[Any]) -> dict[str, Any]:
    """Per rule: candidate pairs it adds to the rules before it, and true pairs it catches.

    True pairs are found by joining each entity's records to each other (entities have a
    handful of records), then every rule's SQL condition is evaluated on them, so the
    union over rules needs no candidate pairs at all.
    """
    import duckdb
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    conditions = [
        to_blocking_rule_creator(rule).get_blocking_rule("duckdb").blocking_rule_sql
        for rule in rules
    ]
    con = duckdb.connect()
    try:
        labelled = records.join(truth.rename({"record_id": "unique_id"}), on="unique_id")
        con.register("labelled", labelled)
        caught = ", ".join(f"count(*) filter (where {c})" for c in conditions)
        any_rule = " or ".join(f"({c})" for c in conditions)
        true_pairs, *per_rule, union = con.execute(
            f"select count(*), {caught}, count(*) filter (where {any_rule}) "
            "from labelled l join labelled r "
            "on l.entity_id = r.entity_id and l.unique_id < r.unique_id"
        ).fetchall()[0]
        counts = count_comparisons_from_blocking_rules(
            DuckDBAPI(connection=con).register(records, dataset_display_name="contacts"),
            blocking_rules=rules,
            link_type="dedupe_only",
            record_sample_proportion=1.0,
        )
    finally:
        con.close()
    return {
        "blocking_recall": round(union / true_pairs, 4) if true_pairs else 1.0,
        "true_pairs": true_pairs,
        "candidate_pairs": counts[-1]["cumulative_comparison_count"],
        "rules": [
            {
                "rule": condition,
                "new_candidate_pairs": count["marginal_comparison_count"],
                "true_pairs_caught": caught_by_rule,
            }
            for condition, count, caught_by_rule in zip(conditions, counts, per_rule, strict=True)
        ],
    }
