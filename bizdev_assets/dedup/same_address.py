"""Records with the same personal e-mail address are one person.

A personal address (not a role mailbox such as info@, not one held under several
surnames: see `inputs.shared_values`) belongs to one person, so its records are linked
whatever else they say (a job change, a typo in the name), unless their names clash:
two given names for one surname, or nothing in common, is a couple or a team sharing
a mailbox, and the address is shared. A work address (at a company's own domain) is
exempt: mail admins give each person a mailbox of their own and number namesakes
(john.smith2@), so records sharing one are one person even when one gives a nickname
or a name the model cannot pair (Pino / Giuseppe, Toño / Antonio). The clash is the model's own name comparison
(`comparisons.name_comparison`), evaluated on these pairs only. A reviewer's
cannot-link still separates such records (graph), and `apart` counts the addresses
left in more than one cluster for any other reason (the contact_clusters metadata).
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.dedup.comparisons import name_comparison
from bizdev_assets.dedup.graph import canonical_pairs
from bizdev_assets.dedup.model import scoring_input, splink_connection
from bizdev_assets.dedup.review import latest_decisions

# Name comparison levels that say "two people": their given names or surnames differ.
CLASHING_NAMES = frozenset(
    {
        "same surname, first names differ",
        "same first name, surnames differ",
        "All other comparisons",
    }
)
PAIR_SCHEMA = {"record_id_l": pl.String, "record_id_r": pl.String, "email_match_key": pl.String}
NAME_COLUMNS = ("forename", "surname", "name_concat", "name_tokens", "name_letters",
                "surname_padded", "surname_core", "first_variants")  # fmt: skip


def _name_level_sql() -> str:
    """CASE over the name comparison's levels, giving each pair its level's label."""
    levels = name_comparison().get_comparison("duckdb").as_dict()["comparison_levels"]
    whens = [
        f"when {level['sql_condition']} then {_quoted(level['label_for_charts'])}"
        for level in levels
        if level["sql_condition"] != "ELSE"
    ]
    return f"case {' '.join(whens)} else 'All other comparisons' end"


def _quoted(label: str) -> str:
    return "'" + label.replace("'", "''") + "'"


def same_address_pairs(records: pl.DataFrame) -> pl.DataFrame:
    """record_id_l < record_id_r pairs holding one personal address (email_match_key),
    names not clashing.

    records: `model.scoring_input` rows (unique_id = record_id). Addresses held by more
    records than the blocking cap are left out, as in blocking (`b_email`)."""
    held = records.filter(
        pl.col("b_email").is_not_null() & ~pl.col("email_shared").fill_null(False)
    ).select("unique_id", "email_match_key", "work_domain", *NAME_COLUMNS)
    if held.height < 2:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    sides = ", ".join(f"l.{c} as {c}_l, r.{c} as {c}_r" for c in NAME_COLUMNS)
    con = splink_connection()
    try:
        con.register("held", held.to_arrow())
        pairs = con.sql(
            f"select record_id_l, record_id_r, email_match_key from ("
            f"select l.unique_id as record_id_l, r.unique_id as record_id_r, "
            f"l.email_match_key, l.work_domain, {sides} "
            "from held l join held r on l.email_match_key = r.email_match_key "
            f"and l.unique_id < r.unique_id) where work_domain is not null "
            f"or ({_name_level_sql()}) not in "
            f"({', '.join(_quoted(label) for label in sorted(CLASHING_NAMES))})"
        ).pl()
    finally:
        con.close()
    return pairs.cast(PAIR_SCHEMA)


def apart(pairs: pl.DataFrame, clusters: pl.DataFrame, cannot_links: pl.DataFrame) -> int:
    """Personal addresses whose records were left in different clusters, other than by a
    reviewer's cannot-link between two of them (pairs: `same_address_pairs`; clusters:
    record_id, cluster_id; cannot_links: record_id_l/_r, canonical order)."""
    where = clusters.select("record_id", "cluster_id")
    split = (
        pairs.join(
            where.rename({"record_id": "record_id_l", "cluster_id": "c_l"}), on="record_id_l"
        )
        .join(where.rename({"record_id": "record_id_r", "cluster_id": "c_r"}), on="record_id_r")
        .filter(pl.col("c_l") != pl.col("c_r"))
    )
    decided = split.join(cannot_links, on=["record_id_l", "record_id_r"], how="semi")
    left = split.join(decided.select("email_match_key"), on="email_match_key", how="anti")
    return left["email_match_key"].n_unique()


def pairs_for_addresses_of(
    normalized: pl.DataFrame, record_ids: pl.Series, touching_only: bool = False
) -> pl.DataFrame:
    """`same_address_pairs` among the records holding an address that one of `record_ids`
    holds (a new drop and everyone sharing an address with it); with `touching_only`,
    only the pairs with one of `record_ids` in them."""
    ids = record_ids.implode()
    emails = normalized.filter(pl.col("record_id").is_in(ids)).select("email_match_key")
    holders = normalized.join(emails.drop_nulls().unique(), on="email_match_key", how="semi")
    pairs = same_address_pairs(scoring_input(holders))
    if touching_only:
        pairs = pairs.filter(pl.col("record_id_l").is_in(ids) | pl.col("record_id_r").is_in(ids))
    return pairs


def addresses_apart(
    normalized: pl.DataFrame, clusters: pl.DataFrame, decisions: pl.DataFrame
) -> int:
    """Personal addresses left in more than one cluster other than by a reviewer's
    cannot-link (see the module docstring). normalized: SPLINK_SOURCE_COLUMNS;
    clusters: record_id, cluster_id; decisions: match_decisions rows."""
    held = normalized.filter(
        pl.col("email_match_key").is_not_null() & ~pl.col("is_role_email").fill_null(False)
    ).join(clusters.select("record_id", "cluster_id"), on="record_id")
    spread = held.group_by("email_match_key").agg(pl.col("cluster_id").n_unique().alias("n"))
    suspects = held.join(spread.filter(pl.col("n") > 1), on="email_match_key", how="semi")
    if suspects.is_empty():
        return 0
    pairs = pairs_for_addresses_of(normalized, suspects["record_id"])
    cannot = canonical_pairs(
        latest_decisions(decisions).filter(pl.col("decision") == "cannot_link")
    ).select("record_id_l", "record_id_r")
    return apart(pairs, clusters, cannot)
