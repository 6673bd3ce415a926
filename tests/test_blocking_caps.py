"""Blocking that cannot explode: a value shared by more records than its cap (one
switchboard number or info@ on 50,000 rows) is left out of the exact blocking rules and
reported, so candidate pairs stay near linear in the records (issue 18)."""

from __future__ import annotations

import polars as pl

from bizdev_assets.dedup.blocking import BLOCK_CAPS, capped_values, mask
from bizdev_assets.dedup.model import blocking_rule_counts, scoring_input

SHARED = 50_000


def one_shared_value_table(shared: dict[str, str], others: int = 2_000) -> pl.DataFrame:
    """`SHARED` records holding the same values, and unrelated ones."""
    n = SHARED + others
    i = pl.int_range(n, eager=True).cast(pl.String)
    frame = pl.DataFrame(
        {
            "record_id": "r" + i,
            "first_name": "First" + i,
            "last_name": "Last" + i,
            "email_match_key": "p" + i + "@mail" + i + ".example",
            "company_key": "company " + i,
        }
    )
    held = pl.int_range(n, eager=True) < SHARED
    return frame.with_columns(
        pl.when(held)
        .then(pl.lit(value))
        .otherwise(pl.col(column) if column in frame.columns else None)
        .alias(column)
        for column, value in shared.items()
    )


def test_a_number_and_an_address_on_50k_rows_propose_no_pair_among_them():
    table = one_shared_value_table(
        {"email_match_key": "events@fairground.example", "mobile": "+4915112345678"}
    )
    records = scoring_input(table)

    pairs = blocking_rule_counts(records)["cumulative_pairs"].max()

    assert pairs < 10_000, pairs  # uncapped: 2 * 50,000 * 49,999 / 2 = 2.5e9
    reported = {(c.key, c.records, c.example) for c in capped_values(records)}
    assert ("email_match_key/other_email_match_key", SHARED, "e***@fairground.example") in reported
    assert ("mobile/phone/other_phone", SHARED, "+49***78") in reported


def test_a_name_on_50k_rows_proposes_no_quadratic_block():
    table = one_shared_value_table({"first_name": "John", "last_name": "Smith"}).with_columns(
        (pl.lit("1000") + (pl.int_range(pl.len()) % 40).cast(pl.String)).alias("postal_key"),
    )
    records = scoring_input(table)
    counts = blocking_rule_counts(records)

    by_rule = dict(zip(counts["blocking_rule"], counts["new_candidate_pairs"], strict=True))
    assert by_rule["l.b_name = r.b_name"] == 0
    # 40 postal codes of 1,250 John Smiths each are over the cap too: nothing is proposed
    # from a block larger than a cap.
    assert counts["cumulative_pairs"].max() <= len(counts) * BLOCK_CAPS["name"] ** 2


def test_values_are_masked_in_what_is_reported():
    assert mask("john.smith@acme.example") == "j***@acme.example"
    assert mask("+4930123456") == "+49***56"
    assert mask("john|smith") == "j*** s***"
