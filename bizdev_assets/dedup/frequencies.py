"""How common a shared value is among *other people*: the term frequencies that weigh
an exact match on a name or an address.

Splink counts a value's records: a name held by one person's four records reads as
four times as common as a name held once, and every exact duplicate of a person with
many records is weighed as if their name were common (about 8 bits lost at 20,000
records, enough to leave clear duplicates apart). What the weight needs is the chance
that two *different* people share the value:

- any value (`leave_one_out`): its frequency among the other records, (count - 1) / N;
- a full name (`name_frequencies`): the records of the other people who have it, the
  people told apart by workplace (records of the name at G different companies are G
  people, (G - 1) of them others), and within one workplace by the number a mail admin
  added to a name-built address (john.smith@ and john.smith2@ at one firm are two
  people); when nobody else has it, how common its first and
  last names are (the product of their frequencies), as two separate name comparisons
  would weigh it. The larger of the two is used, so a name shared across companies
  (namesakes) always counts as common; and never less than how often, in this table,
  a person's name is also another person's (the namesake rate: the mean number of other
  people per person with the same name, over the records), so that a rare name never
  reads as proof where namesakes are common.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.dedup.inputs import namesake_number


def leave_one_out(records: pl.DataFrame, column: str) -> pl.DataFrame:
    """column, tf_column: (count - 1) / records, at least 1 / records."""
    total = max(records.height, 1)
    counts = records.group_by(column).len("n").filter(pl.col(column).is_not_null())
    return counts.select(
        column, (pl.max_horizontal(pl.col("n") - 1, 1) / total).alias(f"tf_{column}")
    )


def _part_frequency(records: pl.DataFrame, column: str) -> pl.DataFrame:
    total = max(records.height, 1)
    return (
        records.group_by(column)
        .len("n")
        .filter(pl.col(column).is_not_null())
        .select(column, (pl.max_horizontal(pl.col("n") - 1, 1) / total).alias(f"p_{column}"))
    )


def name_frequencies(records: pl.DataFrame) -> pl.DataFrame:
    """name_concat, tf_name_concat (see the module docstring). records: forename,
    surname, name_concat, company_key, work_domain, email_pattern, email_local_key
    (`inputs.splink_input`)."""
    total = max(records.height, 1)
    named = records.filter(pl.col("name_concat").is_not_null()).with_columns(
        pl.concat_str(
            [pl.coalesce("company_key", "work_domain"), namesake_number()], separator="#"
        ).alias("_person")
    )
    groups = named.group_by("name_concat").agg(
        pl.len().alias("n"),
        pl.col("forename").first(),
        pl.col("surname").first(),
        pl.col("_person").drop_nulls().n_unique().clip(1).alias("g"),
    )
    others = (pl.col("g") - 1) * pl.col("n") / pl.col("g") / total
    product = pl.col("p_forename") * pl.col("p_surname")
    people = max(int(groups["g"].sum() or 0), 1)
    namesake_rate = float(groups.select((pl.col("g") * (pl.col("g") - 1)).sum()).item() or 0)
    floor = max(namesake_rate / people, 1 / total) / total
    return (
        groups.join(_part_frequency(records, "forename"), on="forename", how="left")
        .join(_part_frequency(records, "surname"), on="surname", how="left")
        .select(
            "name_concat", pl.max_horizontal(others, product, pl.lit(floor)).alias("tf_name_concat")
        )
    )


def term_frequencies(records: pl.DataFrame, column: str) -> pl.DataFrame:
    """The lookup Splink is given for `column` (column, tf_column)."""
    if column == "name_concat":
        return name_frequencies(records)
    return leave_one_out(records, column)
