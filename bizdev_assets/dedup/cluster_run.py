"""One clustering run, decided and computed without touching the warehouse.

`choose_mode` picks the path: a full run scores every candidate pair among all records
(`clustering.cluster_contacts`); when only a few records are new and nothing that shaped
the last clustering has changed, only the new records are linked in
(`incremental.link_new_records`). `plan_clusters` then takes that path, gives every
cluster a stable contact ID (`stable_ids`), and returns the `ClusterRun` the asset
writes. The run's parameters are stored on `contact_clusters` itself (`clustered_at`,
`match_threshold`, `review_from`, `model_version`), so they can never disagree with the
clusters they describe. An incremental run rewrites only the rows of the records it
touched, so a row's `clustered_at` is when its cluster was last computed, and the
table's latest is the last run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import polars as pl

from bizdev_assets.dedup.clustering import cluster_contacts
from bizdev_assets.dedup.incremental import (
    assign_ids_to_touched,
    link_new_records,
    merged_review_queue,
)
from bizdev_assets.dedup.review import QUEUE_TABLE
from bizdev_assets.dedup.stable_ids import HISTORY_TABLE, assign_contact_ids

CLUSTERS_TABLE = "contact_clusters"
LINKS_TABLE = "contact_match_links"
# Above this share of new records, scoring them against everything costs about as much
# as a full run, and a full run also re-checks the existing clusters.
MAX_NEW_SHARE = 0.2
# Splink scores the candidate pairs in one chunk per this many records (caps memory).
RECORDS_PER_CHUNK = 250_000

Mode = Literal["incremental", "full"]


@dataclass(frozen=True)
class PreviousRun:
    """What the last clustering run was, read from contact_clusters and its neighbours."""

    model_version: int
    clustered_at: datetime
    match_threshold: float
    review_from: float
    new_records: int  # normalized records without a cluster
    removed_records: int  # clustered records no longer normalized
    total_records: int  # normalized records
    decisions_since: int  # match decisions made after the last run started


@dataclass(frozen=True)
class ModeChoice:
    mode: Mode
    reason: str
    new_records: int | None  # None: no previous run, every record is new


def choose_mode(
    previous: PreviousRun | None,
    model_version: int,
    match_threshold: float,
    review_from: float,
    full_refresh: bool = False,
) -> ModeChoice:
    """Incremental only when linking the new records alone gives (nearly, see the module
    docstring) what a full run would; the reason either way, for the run log."""
    if previous is None:
        return ModeChoice("full", "no previous clustering with contact IDs and run time", None)
    new = previous.new_records
    if full_refresh:
        return ModeChoice("full", "full refresh requested (config full_refresh)", new)
    if previous.model_version != model_version:
        reason = f"match model changed (version {previous.model_version} -> {model_version})"
    elif previous.match_threshold != match_threshold or previous.review_from != review_from:
        reason = "match_probability or review_from changed since the last run"
    elif previous.decisions_since:
        reason = f"{previous.decisions_since} match decision(s) made since the last run"
    elif previous.removed_records:
        reason = f"{previous.removed_records} clustered record(s) no longer normalized"
    elif new > MAX_NEW_SHARE * previous.total_records:
        reason = (
            f"{new} new of {previous.total_records} records "
            f"(more than {MAX_NEW_SHARE:.0%}): a full run costs about the same"
        )
    else:
        return ModeChoice("incremental", f"{new} new of {previous.total_records} records", new)
    return ModeChoice("full", reason, new)


@dataclass(frozen=True)
class StoredClustering:
    """What the last run left that this one builds on."""

    # record_id, contact_id, contact_created_at (and cluster_id for an incremental run);
    # None on the first run.
    assignment: pl.DataFrame | None
    review_queue: pl.DataFrame | None  # the open pairs, kept by an incremental run
    retired_ids: set[str]  # contact IDs merged away, never to be reissued


@dataclass(frozen=True)
class ClusterRun:
    """A clustering run's result: the tables to write and the figures to report."""

    mode: Mode
    records: int  # normalized records clustered
    clusters: pl.DataFrame  # contact_clusters: record_id, cluster_id, contact_id, run columns
    links: pl.DataFrame  # accepted pairs of this run
    review: pl.DataFrame  # the review queue after this run
    history: pl.DataFrame  # contact_id_history rows of this run
    pairs_scored: int
    # incremental: the records whose contact_clusters row this run rewrites (the others
    # are as the last run left them); None: every row
    rewritten: pl.Series | None = None

    @property
    def unclustered(self) -> int:
        return self.records - self.clusters["record_id"].n_unique()

    @property
    def complete(self) -> bool:
        """Each normalized record has exactly one cluster."""
        return self.unclustered == 0 and self.clusters.height == self.records

    def tables(
        self,
    ) -> tuple[
        dict[str, pl.DataFrame], dict[str, pl.DataFrame], dict[str, tuple[pl.DataFrame, str]]
    ]:
        """(tables to replace, tables to append to, rows to rewrite by key), as
        `Warehouse.write_many` takes them: a full run replaces the clusters and the links,
        an incremental one rewrites the clusters of the records it touched and adds the
        links of its new records to those already there."""
        replace = {QUEUE_TABLE: self.review}
        append, rows = {}, {}
        if self.rewritten is None:
            replace[CLUSTERS_TABLE] = self.clusters
        else:
            rewritten = self.clusters.filter(pl.col("record_id").is_in(self.rewritten.implode()))
            rows[CLUSTERS_TABLE] = (rewritten, "record_id")
        if self.history.height:
            append[HISTORY_TABLE] = self.history
        if self.mode == "full":
            replace[LINKS_TABLE] = self.links
        elif self.links.height:
            append[LINKS_TABLE] = self.links
        return replace, append, rows


def auto_chunks(records: int) -> int:
    return max(1, -(-records // RECORDS_PER_CHUNK))


def plan_clusters(
    normalized: pl.DataFrame,
    model: dict[str, Any],
    model_version: int,
    decisions: pl.DataFrame,
    choice: ModeChoice,
    stored: StoredClustering,
    now: datetime,
    match_probability: float,
    review_from: float,
    prediction_chunks: int = 0,
) -> ClusterRun:
    """Cluster the normalized records the chosen way and keep contact IDs stable.

    normalized: every record (model.SPLINK_SOURCE_COLUMNS suffice). prediction_chunks:
    0 = one per RECORDS_PER_CHUNK records (full runs only).
    """
    rewritten = None
    if choice.mode == "incremental":
        linked = link_new_records(
            normalized, stored.assignment, model, match_probability, decisions, review_from
        )
        result = linked.result
        assignment = assign_ids_to_touched(
            result.clusters, linked.touched, stored.assignment, now, stored.retired_ids
        )
        review = merged_review_queue(stored.review_queue, result.review, result.clusters, decisions)
        rewritten = _rewritten(assignment.clusters, linked.touched, stored.assignment)
    else:
        result = cluster_contacts(
            normalized,
            model,
            match_probability,
            prediction_chunks or auto_chunks(normalized.height),
            decisions=decisions,
            review_from=review_from,
        )
        review = result.review
        assignment = assign_contact_ids(result.clusters, stored.assignment, now, stored.retired_ids)
    clusters = assignment.clusters.with_columns(
        pl.lit(model_version).alias("model_version"),
        pl.lit(now).cast(pl.Datetime("us")).alias("clustered_at"),
        pl.lit(match_probability).alias("match_threshold"),
        pl.lit(review_from).alias("review_from"),
    )
    return ClusterRun(
        mode=choice.mode,
        records=normalized.height,
        clusters=clusters,
        links=result.links,
        review=review,
        history=assignment.history,
        pairs_scored=result.pairs_scored,
        rewritten=rewritten,
    )


def _rewritten(clusters: pl.DataFrame, touched: pl.DataFrame, before: pl.DataFrame) -> pl.Series:
    """The records whose row differs from the last run's: those the run re-clustered (their
    cluster's size may have moved) and any other whose cluster or contact changed."""
    kept = ["record_id", "cluster_id", "contact_id", "contact_created_at"]
    moved = clusters.select(kept).join(before.select(kept), on=kept, how="anti", nulls_equal=True)
    return pl.concat([touched["record_id"], moved["record_id"]]).unique()
