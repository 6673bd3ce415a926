"""What `bench/er_eval.py` reports about one clustering against the labels: pairwise
precision / recall / F1, link rates per variation, identical e-mails left apart.

Link rate of a variation: of the records carrying it (a labelled tag of a non-original
record), the share placed in the same cluster as their person's original record. A
record carrying two tags counts for both. Records whose original was quarantined (no
name, e-mail or phone) have nothing to be linked to and are left out.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from bizdev_assets.dedup.evaluation import pairwise_scores, truth_for_records
from bizdev_assets.dedup.review import DECISION_SCHEMA
from bizdev_assets.dedup.same_address import addresses_apart


def labelled(normalized: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """record_id, entity_id, variant for every normalized record the labels name."""
    key = ["source_file", "source_sheet", "source_row"]
    right = labels.select(
        pl.col("source_file"),
        pl.col("source_sheet").fill_null(""),
        pl.col("source_row").cast(pl.Int64),
        pl.col("entity_id").cast(pl.String),
        pl.col("variant"),
    )
    left = normalized.select(
        "record_id", "source_file", pl.col("source_sheet").fill_null(""), "source_row"
    )
    return left.join(right, on=key).select("record_id", "entity_id", "variant")


def quality(clusters: pl.DataFrame, normalized: pl.DataFrame, labels: pl.DataFrame) -> dict:
    scores = pairwise_scores(clusters, truth_for_records(normalized, labels))
    return {
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "true_pairs": scores.true_pairs,
        "predicted_pairs": scores.predicted_pairs,
        "clusters": clusters["cluster_id"].n_unique(),
    }


def link_rates(
    clusters: pl.DataFrame, normalized: pl.DataFrame, labels: pl.DataFrame
) -> dict[str, Any]:
    """tag -> [records carrying it, share linked to their original]."""
    records = labelled(normalized, labels).join(
        clusters.select("record_id", "cluster_id"), on="record_id"
    )
    originals = records.filter(pl.col("variant") == "original").select(
        "entity_id", pl.col("cluster_id").alias("original_cluster")
    )
    variants = (
        records.filter(pl.col("variant") != "original")
        .join(originals.unique("entity_id"), on="entity_id")
        .with_columns(
            (pl.col("cluster_id") == pl.col("original_cluster")).alias("linked"),
            pl.col("variant").str.split("+").alias("tag"),
        )
        .explode("tag")
    )
    rates = (
        variants.group_by("tag")
        .agg(pl.len().alias("records"), pl.col("linked").mean().round(3).alias("rate"))
        .sort("rate")
    )
    return {tag: [n, rate] for tag, n, rate in rates.iter_rows()}


def identical_emails_unlinked(normalized: pl.DataFrame, clusters: pl.DataFrame) -> dict:
    """Personal (not role) e-mail match keys held by records of more than one cluster:
    all of them, and those the product counts (`same_address.addresses_apart`: not
    shared by records whose names clash, nor by many surnames)."""
    held = (
        normalized.filter(pl.col("email_match_key").is_not_null(), ~pl.col("is_role_email"))
        .select("record_id", "email_match_key")
        .join(clusters.select("record_id", "cluster_id"), on="record_id")
    )
    spread = held.group_by("email_match_key").agg(pl.col("cluster_id").n_unique().alias("n"))
    no_decisions = pl.DataFrame(schema=DECISION_SCHEMA)
    return {
        "any": spread.filter(pl.col("n") > 1).height,
        "personal": addresses_apart(normalized, clusters, no_decisions),
    }
