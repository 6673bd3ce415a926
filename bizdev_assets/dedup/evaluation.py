"""Pairwise precision / recall of clusters against ground-truth labels.

Counts pairs without enumerating them: within a group of n records there are n(n-1)/2
pairs, so true positives are the pairs inside each (cluster, entity) intersection.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class PairwiseScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def _pairs(frame: pl.DataFrame, keys: list[str]) -> int:
    sizes = frame.group_by(keys).len("n")
    return int(sizes.select((pl.col("n") * (pl.col("n") - 1) // 2).sum()).item() or 0)


def pairwise_scores(clusters: pl.DataFrame, truth: pl.DataFrame) -> PairwiseScores:
    """clusters: record_id, cluster_id; truth: record_id, entity_id (same records)."""
    joined = clusters.join(truth, on="record_id", how="inner")
    predicted = _pairs(joined, ["cluster_id"])
    true = _pairs(joined, ["entity_id"])
    correct = _pairs(joined, ["cluster_id", "entity_id"])
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(precision, recall, f1, true, predicted, correct)


def truth_for_records(normalized: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """Attach generator labels (source_file, source_sheet, source_row) to record_ids."""
    key = [
        pl.col("source_file"),
        pl.col("source_sheet").fill_null(""),
        pl.col("source_row").cast(pl.Int64),
    ]
    left = normalized.select(pl.col("record_id"), *key)
    right = labels.select(*key, pl.col("entity_id").cast(pl.String))
    return left.join(right, on=["source_file", "source_sheet", "source_row"], how="inner").select(
        "record_id", "entity_id"
    )
