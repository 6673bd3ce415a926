"""From scored pairs to clusters, honouring people's decisions and namesake evidence.

A must-link decision adds an edge; a cannot-link decision removes one, and because
clusters close transitively, a cluster that still holds a cannot-link pair through
other records is rebuilt from its links, strongest first, leaving out each link that
would bring the pair together again. The same split separates namesakes: two records
of one cluster whose addresses differ only in digits (john.smith@, john.smith2@) are
an automatic cannot-link, since such a cluster was closed through a third record
(typically one without an address) that looks like both.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bizdev_assets.dedup.email_evidence import namesake_pairs

EDGE_SCHEMA = {"record_id_l": pl.String, "record_id_r": pl.String}


def canonical_pairs(pairs: pl.DataFrame) -> pl.DataFrame:
    """Order each pair so record_id_l < record_id_r (decisions may name them either way)."""
    left, right = pl.col("record_id_l"), pl.col("record_id_r")
    return pairs.with_columns(
        pl.min_horizontal(left, right).alias("record_id_l"),
        pl.max_horizontal(left, right).alias("record_id_r"),
    )


def connected_clusters(record_ids: pl.Series, edges: pl.DataFrame) -> pl.DataFrame:
    """record_id -> cluster_id (the lowest record_id of its component), singletons included."""
    ids = record_ids.unique().sort()
    index = pl.DataFrame({"record_id": ids, "i": pl.arange(0, ids.len(), eager=True)})
    located = (
        edges.select("record_id_l", "record_id_r")
        .join(index.rename({"record_id": "record_id_l", "i": "a"}), on="record_id_l")
        .join(index.rename({"record_id": "record_id_r", "i": "b"}), on="record_id_r")
    )
    n = ids.len()
    graph = coo_matrix(
        (
            np.ones(located.height, dtype=np.int8),
            (located["a"].to_numpy(), located["b"].to_numpy()),
        ),
        shape=(n, n),
    )
    _, labels = connected_components(graph, directed=False)
    components = index.with_columns(pl.Series("component", labels))
    return components.select(
        "record_id", pl.col("record_id").min().over("component").alias("cluster_id")
    )


def cluster_with_decisions(
    record_ids: pl.Series,
    scored: pl.DataFrame,
    threshold: float,
    decisions: pl.DataFrame,
    emails: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cluster the pairs at or above `threshold`, with decisions applied.

    scored: record_id_l, record_id_r, match_probability. decisions: record_id_l,
    record_id_r, decision ('must_link' | 'cannot_link'). emails: record_id,
    email_match_key; given, namesakes inside one cluster are split apart too (unless a
    must-link joins them). Returns (clusters, accepted edges with a `decided` flag).
    """
    decisions = canonical_pairs(decisions)
    cannot = decisions.filter(pl.col("decision") == "cannot_link").select(list(EDGE_SCHEMA))
    must = decisions.filter(pl.col("decision") == "must_link").select(list(EDGE_SCHEMA))
    known = pl.DataFrame({"record_id": record_ids})
    must = must.join(known, left_on="record_id_l", right_on="record_id", how="semi").join(
        known, left_on="record_id_r", right_on="record_id", how="semi"
    )
    accepted = (
        canonical_pairs(scored)
        .filter(pl.col("match_probability") >= threshold)
        .join(cannot, on=["record_id_l", "record_id_r"], how="anti")
        .with_columns(pl.lit(False).alias("decided"))
    )
    forced = must.with_columns(
        pl.lit(1.0).alias("match_probability"), pl.lit(True).alias("decided")
    ).join(accepted.select(list(EDGE_SCHEMA)), on=["record_id_l", "record_id_r"], how="anti")
    accepted = pl.concat([accepted, forced], how="diagonal_relaxed")
    clusters = connected_clusters(record_ids, accepted)
    if emails is not None:
        namesakes = namesake_pairs(clusters, emails).join(must, on=list(EDGE_SCHEMA), how="anti")
        cannot = pl.concat([cannot, namesakes]).unique()
    return _split_cannot_links(clusters, accepted, cannot)


def _violations(clusters: pl.DataFrame, cannot: pl.DataFrame) -> pl.DataFrame:
    """Cannot-link pairs whose two records ended up in one cluster (cluster_id)."""
    where = clusters.select("record_id", "cluster_id")
    return (
        cannot.join(
            where.rename({"record_id": "record_id_l", "cluster_id": "c_l"}), on="record_id_l"
        )
        .join(where.rename({"record_id": "record_id_r", "cluster_id": "c_r"}), on="record_id_r")
        .filter(pl.col("c_l") == pl.col("c_r"))
        .select(*EDGE_SCHEMA, pl.col("c_l").alias("cluster_id"))
    )


def _split_cannot_links(
    clusters: pl.DataFrame, accepted: pl.DataFrame, cannot: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rebuild each cluster holding a cannot-link pair from its links, strongest first,
    leaving out every link that would join such a pair; other clusters stay as they are.

    Decided (must-link) edges are never left out; if a must-link chain itself joins a
    cannot-link pair, the decisions contradict each other and the must-link wins.
    """
    violations = _violations(clusters, cannot)
    if violations.is_empty():
        return clusters, accepted
    violating = violations["cluster_id"].unique().implode()
    members = clusters.filter(pl.col("cluster_id").is_in(violating))
    inside = accepted.join(
        members.select(pl.col("record_id").alias("record_id_l")), on="record_id_l", how="semi"
    )
    outside = accepted.join(inside.select(list(EDGE_SCHEMA)), on=list(EDGE_SCHEMA), how="anti")
    inside = _strongest_first_without_conflicts(inside, violations)
    regrouped = connected_clusters(members["record_id"], inside)
    kept = clusters.filter(~pl.col("cluster_id").is_in(violating))
    return pl.concat([kept, regrouped]), pl.concat([outside, inside])


def _strongest_first_without_conflicts(
    edges: pl.DataFrame, violations: pl.DataFrame
) -> pl.DataFrame:
    """The edges that survive adding them strongest first (decided ones before any) to a
    union-find, skipping each model edge that would put a cannot-link pair together.

    A link between a record without an address and two namesakes goes to the namesake
    it resembles more; the weaker one is left out, and nothing else in the cluster is.
    """
    partners: dict[str, list[str]] = defaultdict(list)
    for left, right in violations.select(list(EDGE_SCHEMA)).iter_rows():
        partners[left].append(right)
        partners[right].append(left)
    parent: dict[str, str] = {}
    members: dict[str, list[str]] = {}

    def find(record: str) -> str:
        parent.setdefault(record, record)
        members.setdefault(record, [record])
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    ordered = edges.sort(
        ["decided", "match_probability", *EDGE_SCHEMA], descending=[True, True, False, False]
    )
    kept = []
    for left, right, decided in ordered.select(*EDGE_SCHEMA, "decided").iter_rows():
        big, small = find(left), find(right)
        if big != small:
            if len(members[big]) < len(members[small]):
                big, small = small, big
            conflict = any(
                find(partner) == big for record in members[small] for partner in partners[record]
            )
            if conflict and not decided:
                kept.append(False)
                continue
            parent[small] = big
            members[big].extend(members.pop(small))
        kept.append(True)
    return ordered.filter(pl.Series(kept, dtype=pl.Boolean))
