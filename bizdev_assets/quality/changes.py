"""Which quality scores a run must compute again, read from the warehouse.

A score is a function of its golden row, the weights, the code, the moment freshness is
measured at, and, through `uniqueness`, of how many *other* golden contacts share its
email or its name and company. Every score stores the `built_at` of the golden row it
scored, so the golden rows rebuilt since are found by one join. A contact whose own
row did not change must still be re-scored when a changed contact joins or leaves one
of its groups. The keys a changed contact had before (its old row is gone) and has now
all come from its records: its email, name and company are always some record's. So
every contact sharing an email with those records, or a name and a company with them,
is re-scored; that is a superset, and re-scoring an unchanged contact gives its score
again (at this run's moment). To count a group right, the contacts scored are those
plus every contact sharing one of their keys.

A full re-score happens when there is nothing to compare with, when the weights or the
code changed, when most golden rows changed anyway, or when `full_refresh` is asked for.
Untouched contacts keep the freshness of the moment they were scored (`scored_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from bizdev_assets.quality.scoring import INPUT_COLUMNS, SCORE_COLUMNS, SCORES_TABLE
from resources.warehouse import Warehouse

# Above this share of changed golden rows, scoring them all costs about the same.
MAX_CHANGED_SHARE = 0.5
KEY_COLUMNS = ("email", "name_key", "full_name", "company_key")


@dataclass(frozen=True)
class ScoringPlan:
    mode: Literal["incremental", "full"]
    reason: str
    changed: list[str]  # incremental: contact_ids whose golden row is new or rebuilt
    removed: list[str]  # incremental: scored contact_ids that are no longer golden


def plan_scoring(warehouse: Warehouse, digest: str, full_refresh: bool = False) -> ScoringPlan:
    """Full or incremental, why, and (incremental) the golden rows changed since scoring."""

    def full(reason: str) -> ScoringPlan:
        return ScoringPlan("full", reason, [], [])

    if full_refresh:
        return full("full refresh requested (config full_refresh)")
    if not warehouse.table_exists(SCORES_TABLE):
        return full("no scores yet")
    stored = warehouse.query(f"select * from {SCORES_TABLE} limit 0").columns
    if set(stored) != set(SCORE_COLUMNS):
        return full("contact_quality_scores has other columns than this version writes")
    digests = warehouse.query(f"select distinct weights_digest from {SCORES_TABLE} limit 2")
    if digests["weights_digest"].to_list() not in ([digest], []):
        return full("quality weights or scoring code changed since the last scores")
    # Golden rows scored in another version than today's (or not at all), and scores
    # whose golden row is gone.
    differences = warehouse.query(
        f"select g.contact_id as golden_id, s.contact_id as scored_id from {GOLDEN_TABLE} g "
        f"full join {SCORES_TABLE} s using (contact_id) "
        "where s.golden_built_at is distinct from g.built_at"
    )
    changed = differences["golden_id"].drop_nulls()
    removed = differences.filter(pl.col("golden_id").is_null())["scored_id"]
    total = warehouse.row_count(GOLDEN_TABLE)
    if changed.len() > MAX_CHANGED_SHARE * total:
        return full(f"{changed.len()} of {total} golden contacts changed")
    return ScoringPlan(
        "incremental",
        f"{changed.len()} golden contact(s) changed, {removed.len()} gone",
        changed.sort().to_list(),
        removed.sort().to_list(),
    )


def contacts_to_score(warehouse: Warehouse, plan: ScoringPlan) -> tuple[pl.DataFrame, list[str]]:
    """(golden rows to score, contact_ids whose scores to write): every contact on a full
    run; on an incremental run the affected contacts and those sharing a key with them."""
    columns = ", ".join(INPUT_COLUMNS)
    if plan.mode == "full":
        golden = warehouse.query(f"select {columns} from {GOLDEN_TABLE}")
        return golden, golden["contact_id"].to_list()
    keys = warehouse.query(f"select contact_id, {', '.join(KEY_COLUMNS)} from {GOLDEN_TABLE}")
    record_keys = warehouse.query(
        f"select {', '.join(KEY_COLUMNS)} from {NORMALIZED_TABLE} where record_id in "
        f"(select unnest(record_ids) from {GOLDEN_TABLE} "
        "where contact_id in (select unnest(?::varchar[])))",
        [plan.changed],
    )
    affected, scored = affected_contacts(
        keys, pl.Series(plan.changed, dtype=pl.String), record_keys
    )
    golden = warehouse.query(
        f"select {columns} from {GOLDEN_TABLE} where contact_id in (select unnest(?::varchar[]))",
        [scored.to_list()],
    )
    return golden, affected.to_list()


def _keyed(frame: pl.DataFrame) -> pl.DataFrame:
    """email, and the name and company uniqueness compares (as scoring._uniqueness does)."""
    name = pl.coalesce(pl.col("name_key"), pl.col("full_name").str.to_lowercase())
    return frame.with_columns(_name=name)


def affected_contacts(
    keys: pl.DataFrame, changed: pl.Series, record_keys: pl.DataFrame
) -> tuple[pl.Series, pl.Series]:
    """(contacts whose score may have changed, contacts to score to get theirs right).

    keys: contact_id and KEY_COLUMNS of every golden contact. changed: contact_ids whose
    golden row changed. record_keys: KEY_COLUMNS of the records of the changed contacts.
    """
    keys, records = _keyed(keys), _keyed(record_keys)
    emails = records["email"].drop_nulls().unique().implode()
    names = records["_name"].drop_nulls().unique().implode()
    companies = records["company_key"].drop_nulls().unique().implode()
    affected = keys.filter(
        pl.col("contact_id").is_in(changed.implode())
        | pl.col("email").is_in(emails)
        | (pl.col("_name").is_in(names) & pl.col("company_key").is_in(companies))
    )
    pairs = affected.select("_name", "company_key").drop_nulls().unique()
    sharing = keys.join(pairs, on=["_name", "company_key"], how="semi")
    scored = pl.concat(
        [
            affected["contact_id"],
            keys.filter(pl.col("email").is_in(affected["email"].drop_nulls().implode()))[
                "contact_id"
            ],
            sharing["contact_id"],
        ]
    ).unique()
    return affected["contact_id"], scored
