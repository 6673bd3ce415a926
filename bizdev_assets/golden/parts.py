"""Golden rows built and written part by part, so a build never holds every contact.

Survivorship works cluster by cluster, so contacts can be built in any grouping. A part
is the contacts whose ID starts with some two-hex-digit prefixes (contact IDs are UUIDs,
spread evenly over them); parts are sized to about CONTACTS_PER_PART contacts, and each
is read, built, checked and handed to `Warehouse.write_parts` before the next is read:
memory follows the part, not the table, and the write is still one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from bizdev_assets.dedup.cluster_run import CLUSTERS_TABLE
from bizdev_assets.golden.changes import GoldenPlan
from bizdev_assets.golden.rules import SurvivorshipRules
from bizdev_assets.golden.survivorship import INPUT_COLUMNS, build_golden_contacts
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from resources.warehouse import Warehouse

CONTACTS_PER_PART = 200_000
PREFIXES = tuple(f"{n:02x}" for n in range(256))


class GoldenCheckFailed(Exception):
    """A part, or the whole, would not hold exactly one golden contact per cluster."""


@dataclass
class Built:
    """What the parts built so far hold, for the checks and the metadata."""

    contacts: int = 0
    preview: pl.DataFrame | None = None
    parts: list[int] = field(default_factory=list)


def prefix_parts(contacts: int) -> list[tuple[str, ...] | None]:
    """The ID prefixes of each part for `contacts` contacts; None: every other ID (the
    last part, so no ID is left out, UUID or not). One part: [None]."""
    parts = 1
    while parts < len(PREFIXES) and contacts > parts * CONTACTS_PER_PART:
        parts *= 2
    size = len(PREFIXES) // parts
    return [PREFIXES[i * size : (i + 1) * size] for i in range(parts - 1)] + [None]


def golden_parts(
    warehouse: Warehouse,
    plan: GoldenPlan,
    rules: SurvivorshipRules,
    now: datetime,
    expected: int,
    built: Built,
) -> Iterator[pl.DataFrame]:
    """The golden rows the plan builds, part by part, each checked to hold one contact per
    cluster; after the last, `expected` (clusters in all) is checked against what the
    table will hold. `built` is filled on the way. Raises GoldenCheckFailed."""
    contacts = expected if plan.mode == "full" else len(plan.touched)
    parts = prefix_parts(contacts)
    taken = {p for prefixes in parts if prefixes for p in prefixes}
    for prefixes in parts:
        normalized, clusters = _records(warehouse, plan, prefixes, taken)
        golden = build_golden_contacts(normalized, clusters, rules, now)
        clustered = clusters["cluster_id"].n_unique()
        if not golden["contact_id"].n_unique() == golden.height == clustered:
            raise GoldenCheckFailed(f"{golden.height} golden contacts for {clustered} clusters")
        built.contacts += golden.height
        built.parts.append(golden.height)
        if built.preview is None or built.preview.is_empty():
            built.preview = pl.DataFrame(golden.head(5).rows(), schema=golden.schema, orient="row")
        yield golden
    if built.contacts != expected:
        raise GoldenCheckFailed(f"{built.contacts} golden contacts for {expected} clusters")


def records_outside_clusters(warehouse: Warehouse) -> str | None:
    """What is wrong when normalized and clustered records are not the same set, else None
    (a full build reads records through their clusters and would miss them)."""
    counts = warehouse.query(
        "select count(*) filter (where c.record_id is null) as unclustered, "
        "count(*) filter (where n.record_id is null) as unknown "
        f"from {NORMALIZED_TABLE} n full join {CLUSTERS_TABLE} c on n.record_id = c.record_id"
    ).row(0, named=True)
    if counts["unclustered"]:
        return (
            f"{counts['unclustered']} normalized record(s) have no cluster_id; clusters must "
            "list every record, singletons included"
        )
    if counts["unknown"]:
        return f"{counts['unknown']} clustered record_id(s) are not in contacts_normalized"
    return None


def _records(
    warehouse: Warehouse, plan: GoldenPlan, prefixes: tuple[str, ...] | None, taken: set[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(normalized records, their clusters) of the plan's contacts in one part."""
    prefix = "substr(c.contact_id, 1, 2)"
    where, params = [], []
    if prefixes is not None:
        where.append(f"{prefix} in (select unnest(?::varchar[]))")
        params.append(list(prefixes))
    elif taken:
        where.append(f"{prefix} not in (select unnest(?::varchar[]))")
        params.append(sorted(taken))
    if plan.mode == "incremental":
        chosen = set(prefixes or ())
        ids = [
            i
            for i in plan.touched
            if (i[:2] in chosen if prefixes is not None else i[:2] not in taken)
        ]
        where.append("c.contact_id in (select unnest(?::varchar[]))")
        params.append(ids)
    columns = ", ".join(f"n.{c}" for c in INPUT_COLUMNS)
    joined = warehouse.query(
        f"select {columns}, c.cluster_id, c.contact_id from {CLUSTERS_TABLE} c "
        f"join {NORMALIZED_TABLE} n using (record_id)"
        + (f" where {' and '.join(where)}" if where else ""),
        params or None,
    )
    return joined.drop("cluster_id", "contact_id"), joined.select(
        "record_id", "cluster_id", "contact_id"
    )
