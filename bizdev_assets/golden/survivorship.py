"""Survivorship: merge each cluster of duplicate records into one golden contact.

Rules are data (`survivorship.yaml`): a trust ranking of sources and a strategy per
field group. Fields of a group always come from the same record, so a golden contact
never pairs one record's email with another's email flags, or mixes two addresses.
Every pick is a sort on the whole frame (not a Python loop per cluster) with
`record_id` as the last tie-breaker, so the result does not depend on row order.

Emails are left as won: two clusters may end up with the same email. That breaks the
ADR-013 `UNIQUE(email)` and is reported by an asset check rather than repaired here.
"""

from __future__ import annotations

import hashlib
import inspect
import sys
from dataclasses import replace
from datetime import UTC, datetime

import polars as pl

import bizdev_assets.company_identity as company_identity_module
import bizdev_assets.golden.columns as columns_module
import bizdev_assets.golden.provenance as provenance_module
import bizdev_assets.golden.rules as rules_module
from bizdev_assets.company_identity import company_ids
from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.golden.provenance import provenance_json
from bizdev_assets.golden.rules import (
    CONSENT_FIELDS,
    FIELD_GROUPS,
    FieldGroup,
    SurvivorshipRules,
)
from bizdev_assets.uuid5 import uuid5_strings

# The contacts_normalized columns survivorship reads.
INPUT_COLUMNS = tuple(
    sorted(
        {f for g in FIELD_GROUPS for f in g.fields}
        | set(CONSENT_FIELDS)
        | {"record_id", "file_hash", "source_file", "source_type", "record_updated_at"}
    )
)


def rules_digest(rules: SurvivorshipRules) -> str:
    """A digest of the rules and of the code that applies them. Stored on every golden
    row, so an incremental run can tell whether rows built earlier would come out the
    same today; any edit to the rules or to this code forces a full rebuild. The verified
    CRM feeds are left out: a feed is known before its records are read, and the set only
    grows, so a new one changes the trust of no record already built."""
    digest = hashlib.sha256(repr(replace(rules, verified_feeds=frozenset())).encode())
    # company_identity too: every golden row carries the company_id it derives.
    modules = (sys.modules[__name__], provenance_module, rules_module, columns_module)
    for module in (*modules, company_identity_module):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


def build_golden_contacts(
    normalized: pl.DataFrame,
    clusters: pl.DataFrame,
    rules: SurvivorshipRules,
    now: datetime | None = None,
) -> pl.DataFrame:
    """One golden contact per cluster_id, with GOLDEN_COLUMNS, sorted by cluster_id;
    `built_at` is `now`.

    `now` caps recency: a record_updated_at or consent date after `now` is bad data and
    counts as undated when ranking (it still shows in first_seen_at/last_updated_at).
    A group with no candidate in the cluster leaves all its fields null.
    """
    now = _naive_utc(now or datetime.now(UTC))
    base = _records_with_clusters(normalized, clusters)
    # Trust depends on the file alone: matched once per file, not once per record.
    files = base.select("file_hash", "source_file", "source_type").unique()
    base = base.join(
        files.with_columns(_trust=rules.trust_expr()),
        on=["file_hash", "source_file", "source_type"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    ).with_columns(
        _updated=pl.when(pl.col("record_updated_at") <= now).then(pl.col("record_updated_at"))
    )
    plans = [_pick(base.lazy(), g, rules.strategies[g.name]) for g in FIELD_GROUPS]
    *picks, golden = pl.collect_all(
        [*plans, _pick_consent(base.lazy(), now), _lineage(base.lazy())]
    )

    sources: dict[str, str] = {}  # field -> column of the record_id its group was taken from
    groups = (*(g.fields for g in FIELD_GROUPS), CONSENT_FIELDS)
    for n, (fields, pick) in enumerate(zip(groups, picks, strict=True)):
        taken = base.select(pl.col(*fields, "record_id").gather(pick["_i"]))
        won = taken.select(
            *(pl.when(pick["_candidate"]).then(pl.col(f)).alias(f) for f in fields),
            pl.when(pick["_candidate"]).then(pl.col("record_id")).alias(f"_from{n}"),
        )
        golden = golden.with_columns(won)
        sources |= dict.fromkeys(fields, f"_from{n}")
    del base, picks

    golden = golden.with_columns(
        contact_id=_contact_ids(golden["cluster_id"], clusters),
        # The company's domain when the contact gives one, else its name key.
        company_id=company_ids(golden),
        gdpr_consent=pl.col("gdpr_consent").fill_null(False),
        # Taken before gdpr_consent is filled: an unstated consent has no provenance.
        field_provenance=provenance_json(golden, sources),
        built_at=pl.lit(now, pl.Datetime("us")),
        rules_digest=pl.lit(rules_digest(rules)),
    )
    return golden.select(pl.col(name).cast(dtype) for name, dtype in GOLDEN_COLUMNS.items())


def _records_with_clusters(normalized: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """Normalized records joined to their cluster_id, sorted by cluster_id and record_id,
    with `_c` (the cluster's rank), `_size` (its records) and `_i` (the row's index)."""
    missing = sorted(set(INPUT_COLUMNS) - set(normalized.columns))
    if missing:
        raise ValueError(f"contacts_normalized lacks columns {missing}; see NORMALIZED_COLUMNS")
    missing = sorted({"record_id", "cluster_id"} - set(clusters.columns))
    if missing:
        raise ValueError(f"contact clusters lack columns {missing}; expected record_id, cluster_id")
    for name, frame in (("contacts_normalized", normalized), ("contact clusters", clusters)):
        if frame["record_id"].n_unique() == frame.height:
            continue
        dupes = frame.filter(pl.col("record_id").is_duplicated())["record_id"].unique().sort()
        if len(dupes):
            raise ValueError(
                f"{name} has {len(dupes)} duplicated record_id(s), e.g. {dupes.head(5).to_list()}"
            )
    joined = normalized.select(INPUT_COLUMNS).join(
        clusters.select("record_id", "cluster_id"), on="record_id", how="left"
    )
    orphans = joined.filter(pl.col("cluster_id").is_null())["record_id"].sort()
    if len(orphans):
        raise ValueError(
            f"{len(orphans)} normalized record(s) have no cluster_id, e.g. "
            f"{orphans.head(5).to_list()}; clusters must list every record, singletons included"
        )
    if clusters.height > joined.height:  # record_ids are unique on both sides by now
        extra = clusters.join(normalized.select("record_id"), on="record_id", how="anti")
        raise ValueError(
            f"{extra.height} clustered record_id(s) are not in contacts_normalized, e.g. "
            f"{extra['record_id'].sort().head(5).to_list()}"
        )
    # A canonical row order, so the picks cannot depend on the order rows arrived in.
    return (
        joined.sort("cluster_id", "record_id")
        .with_columns(_c=pl.col("cluster_id").rle_id())
        .with_columns(_size=pl.len().over("_c"))
        .with_row_index("_i")
    )


def _validity_rank(validity: str | None) -> pl.Expr:
    """Higher is better: a valid value beats an invalid one before any strategy applies."""
    if validity == "email":
        return (
            pl.when(pl.col("email_valid").eq_missing(False) | pl.col("email").is_null())
            .then(0)
            .when(pl.col("is_disposable_email").fill_null(False))
            .then(1)
            .when(pl.col("is_role_email").fill_null(False))
            .then(2)
            .otherwise(3)
        )
    if validity is not None:
        flag = pl.col(validity)
        return pl.when(flag).then(2).when(flag.is_null()).then(1).otherwise(0)
    return pl.lit(0)


def _pick(base: pl.LazyFrame, group: FieldGroup, strategy: str) -> pl.LazyFrame:
    """Per cluster (in `_c` order): `_i` of the winning record and whether it is a candidate."""
    values = [pl.col(f) for f in group.values]
    candidate = pl.any_horizontal(v.is_not_null() for v in values)
    if group.validity == "email":
        candidate = candidate | pl.col("email_valid").eq_missing(False)
    elif group.validity is not None:
        candidate = candidate | pl.col(group.validity).eq_missing(False)
    trust, recent = pl.col("_trust"), pl.col("_updated")
    filled = pl.sum_horizontal(v.is_not_null() for v in values)
    length = pl.sum_horizontal(v.str.len_chars().fill_null(0) for v in values)
    order = {
        "most_trusted": [trust, recent, filled, length],
        "most_recent": [recent, trust, filled, length],
        "most_complete": [filled, length, trust, recent],
    }[strategy]
    ranking = [candidate, _validity_rank(group.validity), *order]
    return _first_per_cluster(base, [(key, True) for key in ranking])


def _pick_consent(base: pl.LazyFrame, now: datetime) -> pl.LazyFrame:
    """The latest explicit consent statement; on a tie, a withdrawal beats a consent."""
    consent = pl.col("gdpr_consent").fill_null(False)
    stated = consent | pl.col("gdpr_consent_date").is_not_null()
    stated = stated | pl.col("consent_source").is_not_null()
    dated = pl.when(pl.col("gdpr_consent_date") <= now).then(pl.col("gdpr_consent_date"))
    stated_at = pl.coalesce(dated, pl.col("_updated"))
    ranking = [(stated, True), (stated_at, True), (consent, False), (pl.col("_trust"), True)]
    return _first_per_cluster(base, ranking)


def _first_per_cluster(base: pl.LazyFrame, ranking: list[tuple[pl.Expr, bool]]) -> pl.LazyFrame:
    """Sort by cluster, then the ranking (first key is candidacy), then record_id; keep firsts.

    Singleton clusters (most of them) skip the sort: their one record is the winner.
    """
    keys = [expr.alias(f"_k{n}") for n, (expr, _) in enumerate(ranking)]
    merged = (
        base.filter(pl.col("_size") > 1)
        .select("_c", "_i", "record_id", *keys)
        .sort(
            ["_c", *(k.meta.output_name() for k in keys), "record_id"],
            descending=[False, *(desc for _, desc in ranking), False],
            nulls_last=True,
        )
        .filter(pl.col("_c").is_first_distinct())
    )
    singles = base.filter(pl.col("_size") == 1).select("_c", "_i", keys[0])
    return (
        pl.concat([singles, merged.select("_c", "_i", "_k0")])
        .sort("_c")
        .select("_i", _candidate=pl.col("_k0"))
    )


def _lineage(base: pl.LazyFrame) -> pl.LazyFrame:
    """Per cluster (in `_c` order): its records, files and time span. base is sorted."""
    return base.group_by("_c", maintain_order=True).agg(
        cluster_id=pl.col("cluster_id").first(),
        record_count=pl.len().cast(pl.Int64),
        record_ids=pl.col("record_id"),
        # list.sort after the fact is pathologically slow on strings in polars 2.1
        source_files=pl.col("source_file").drop_nulls().unique().sort(),
        first_seen_at=pl.col("record_updated_at").min(),
        last_updated_at=pl.col("record_updated_at").max(),
    )


def _contact_ids(cluster_ids: pl.Series, clusters: pl.DataFrame) -> pl.Series:
    """The stable contact_id the clustering step assigned, else one derived from cluster_id."""
    if "contact_id" not in clusters.columns:
        return pl.Series(uuid5_strings("bizdev:", cluster_ids), dtype=pl.String)
    ids = clusters.select("cluster_id", "contact_id").unique("cluster_id")
    return cluster_ids.to_frame().join(ids, on="cluster_id", how="left")["contact_id"]


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
