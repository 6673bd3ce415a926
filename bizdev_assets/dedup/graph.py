"""From scored pairs to clusters, honouring people's decisions.

A must-link decision adds an edge; a cannot-link decision removes one, and because
clusters close transitively, a cluster that still holds a cannot-link pair through
other records is split again at rising match probabilities until the pair is apart.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

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
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cluster the pairs at or above `threshold`, with decisions applied.

    scored: record_id_l, record_id_r, match_probability. decisions: record_id_l,
    record_id_r, decision ('must_link' | 'cannot_link'). Returns (clusters, accepted
    edges with a `decided` flag).
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
    clusters, accepted = _split_cannot_links(clusters, accepted, cannot)
    return clusters, accepted


def _violations(clusters: pl.DataFrame, cannot: pl.DataFrame) -> pl.DataFrame:
    """Cannot-link pairs whose two records ended up in one cluster."""
    where = clusters.select("record_id", "cluster_id")
    return (
        cannot.join(
            where.rename({"record_id": "record_id_l", "cluster_id": "c_l"}), on="record_id_l"
        )
        .join(where.rename({"record_id": "record_id_r", "cluster_id": "c_r"}), on="record_id_r")
        .filter(pl.col("c_l") == pl.col("c_r"))
    )


def _split_cannot_links(
    clusters: pl.DataFrame, accepted: pl.DataFrame, cannot: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Drop a violating cluster's weakest model edges until every cannot-link pair is apart.

    Decided (must-link) edges are never dropped; if a must-link chain itself joins a
    cannot-link pair, the decisions contradict each other and the must-link wins.
    """
    violating = set(_violations(clusters, cannot)["c_l"])
    if not violating:
        return clusters, accepted
    members = clusters.filter(pl.col("cluster_id").is_in(list(violating)))
    inside = accepted.join(
        members.select(pl.col("record_id").alias("record_id_l")), on="record_id_l", how="semi"
    )
    outside = accepted.join(inside.select(list(EDGE_SCHEMA)), on=list(EDGE_SCHEMA), how="anti")
    for level in sorted(set(inside.filter(~pl.col("decided"))["match_probability"])):
        inside = inside.filter(pl.col("decided") | (pl.col("match_probability") > level))
        regrouped = connected_clusters(members["record_id"], inside)
        if _violations(regrouped, cannot).is_empty():
            break
    kept = clusters.filter(~pl.col("cluster_id").is_in(list(violating)))
    return pl.concat([kept, regrouped]), pl.concat([outside, inside])
