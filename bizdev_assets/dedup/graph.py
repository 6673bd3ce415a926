"""From scored pairs to clusters, honouring people's decisions and namesake evidence.

A must-link decision adds an edge; a cannot-link decision removes one, and because
clusters close transitively, a cluster that still holds a cannot-link pair through
other records is split again at rising match probabilities until the pair is apart.
The same split separates namesakes: two records of one cluster whose addresses differ
only in digits (john.smith@, john.smith2@) are an automatic cannot-link, since such a
cluster was closed through a third record (typically one without an address) that
looks like both.
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
    """In each cluster holding a cannot-link pair, drop its model edges at rising
    probability until every such pair is apart; other clusters are left alone.

    Decided (must-link) edges are never dropped; if a must-link chain itself joins a
    cannot-link pair, the decisions contradict each other and the must-link wins.
    """
    violations = _violations(clusters, cannot)
    if violations.is_empty():
        return clusters, accepted
    violating = violations["cluster_id"].unique().implode()
    members = clusters.filter(pl.col("cluster_id").is_in(violating))
    inside = accepted.join(
        members.select(pl.col("record_id").alias("record_id_l"), "cluster_id"), on="record_id_l"
    )
    outside = accepted.join(inside.select(list(EDGE_SCHEMA)), on=list(EDGE_SCHEMA), how="anti")
    cuts = pl.DataFrame(
        list(_cut_levels(inside, violations).items()),
        schema={"cluster_id": pl.String, "cut": pl.Float64},
        orient="row",
    )
    inside = (
        inside.join(cuts, on="cluster_id", how="left")
        .filter(
            pl.col("decided")
            | pl.col("cut").is_null()
            | (pl.col("match_probability") > pl.col("cut"))
        )
        .drop("cluster_id", "cut")
    )
    regrouped = connected_clusters(members["record_id"], inside)
    kept = clusters.filter(~pl.col("cluster_id").is_in(violating))
    return pl.concat([kept, regrouped]), pl.concat([outside, inside])


def _cut_levels(inside: pl.DataFrame, violations: pl.DataFrame) -> dict[str, float]:
    """cluster_id -> the probability at and below which its model edges must go.

    Adds the edges strongest first (decided ones before any), as a union-find; the first
    model edge that joins a cannot-link pair is the cluster's cut: dropping it and every
    weaker one is the least that keeps every pair apart. A pair joined by decided edges
    alone stays joined.
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

    cuts: dict[str, float] = {}
    strongest_first = inside.sort(["decided", "match_probability"], descending=True)
    for left, right, probability, decided, cluster in strongest_first.select(
        *EDGE_SCHEMA, "match_probability", "decided", "cluster_id"
    ).iter_rows():
        if cluster in cuts:
            continue
        big, small = find(left), find(right)
        if big == small:
            continue
        if len(members[big]) < len(members[small]):
            big, small = small, big
        joins_a_pair = not decided and any(
            find(partner) == big for record in members[small] for partner in partners[record]
        )
        parent[small] = big
        members[big].extend(members.pop(small))
        if joins_a_pair:
            cuts[cluster] = probability
    return cuts
