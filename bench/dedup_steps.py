"""The measured steps of `bench/dedup.py`: snapshot the inputs, then cluster them with
bizdev's model or the hand-written one.

Each step runs in its own process (`bench/dedup.py --step NAME --folder F`) and returns
one JSON-able dict. Times exclude imports and loading the snapshot; peak RSS includes
them (the same for both systems). Heavy imports sit inside the steps, so the launching
process, which imports this module to know the step names, stays light.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.dedup_blocking import blocking
from bench.harness import Stopwatch, peak_rss_mb

THRESHOLD = 0.95


def prepare(folder: Path) -> dict[str, Any]:
    """Snapshot normalized contacts, truth and bizdev's model for the measuring steps."""
    import duckdb
    import polars as pl

    from bizdev_assets.dedup.evaluation import truth_for_records
    from bizdev_assets.dedup.stored_model import settings_from_parameters
    from bizdev_assets.dedup.training import MODEL_TABLE, baseline_model
    from bizdev_assets.normalize.columns import NORMALIZED_TABLE

    warehouse = folder / "bench.duckdb"
    if not _has_table(warehouse, NORMALIZED_TABLE):
        _materialize_normalized(folder, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        normalized = con.sql(f"select * from {NORMALIZED_TABLE}").pl()
        tables = {name for (name,) in con.execute("show tables").fetchall()}
        saved = (
            con.sql(
                f"select version, origin, training_records, model_json from {MODEL_TABLE} "
                "order by version desc limit 1"
            ).pl()
            if MODEL_TABLE in tables
            else pl.DataFrame()
        )
    finally:
        con.close()
    if saved.height:
        model = settings_from_parameters(json.loads(saved["model_json"][0]))
        origin = (
            f"{MODEL_TABLE} v{saved['version'][0]} ({saved['origin'][0]} on "
            f"{saved['training_records'][0]:,} records)"
        )
    else:
        model, origin = baseline_model(normalized.height), "shipped baseline"
    labels = pl.read_csv(folder / "labels.csv", schema_overrides={"source_sheet": pl.String})
    snapshot = folder / "dedup"
    snapshot.mkdir(exist_ok=True)
    normalized.write_parquet(snapshot / "normalized.parquet")
    truth_for_records(normalized, labels).write_parquet(snapshot / "truth.parquet")
    (snapshot / "bizdev_model.json").write_text(json.dumps(model))
    return {"records": normalized.height, "bizdev_model": origin}


def _has_table(warehouse: Path, table: str) -> bool:
    import duckdb

    if not warehouse.exists():
        return False
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return bool(
            con.execute(
                "select 1 from information_schema.tables where table_name = ?", [table]
            ).fetchall()
        )
    finally:
        con.close()


def _materialize_normalized(folder: Path, warehouse: Path) -> None:
    import dagster as dg

    from bizdev_assets.ingest.assets import raw_contact_files
    from bizdev_assets.normalize.assets import contacts_normalized
    from resources.settings import Settings, build_resources

    warehouse.unlink(missing_ok=True)
    settings = Settings(landing=str(folder / "landing"), warehouse=str(warehouse))
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [raw_contact_files, contacts_normalized],
            instance=instance,
            resources=build_resources(settings),
        )
    if not result.success:
        raise RuntimeError(f"ingest + normalize failed on {folder / 'landing'}")


def load_snapshot(folder: Path):
    """The normalized contacts and their truth, as `prepare` left them."""
    import polars as pl

    snapshot = folder / "dedup"
    return pl.read_parquet(snapshot / "normalized.parquet"), pl.read_parquet(
        snapshot / "truth.parquet"
    )


def _quality(clusters, truth) -> dict[str, Any]:
    from bizdev_assets.dedup.evaluation import pairwise_scores

    scores = pairwise_scores(clusters, truth)
    return {
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "clusters": clusters["cluster_id"].n_unique(),
    }


def bizdev_clusters(folder: Path, chunks: int) -> dict[str, Any]:
    from bizdev_assets.dedup.clustering import cluster_contacts

    normalized, truth = load_snapshot(folder)
    model = json.loads((folder / "dedup" / "bizdev_model.json").read_text())
    watch = Stopwatch()
    result = cluster_contacts(normalized, model, threshold=THRESHOLD, chunks=chunks)
    figures = {"time_s": round(watch.seconds, 1), "peak_rss_mb": peak_rss_mb()}
    figures["pairs_scored"] = result.pairs_scored
    links = getattr(result, "links", None)  # accepted pairs, when clustering returns them
    if links is not None:
        figures["pairs_linked"] = links.height
    return figures | _quality(result.clusters, truth)


def handwritten_training(folder: Path) -> dict[str, Any]:
    from bench import handwritten_splink

    normalized, _ = load_snapshot(folder)
    watch = Stopwatch()
    model = handwritten_splink.train(normalized)
    figures = {"time_s": round(watch.seconds, 1), "peak_rss_mb": peak_rss_mb()}
    (folder / "dedup" / "handwritten_model.json").write_text(json.dumps(model))
    return figures


def handwritten_clusters(folder: Path) -> dict[str, Any]:
    from bench import handwritten_splink

    normalized, truth = load_snapshot(folder)
    model = json.loads((folder / "dedup" / "handwritten_model.json").read_text())
    watch = Stopwatch()
    clusters = handwritten_splink.cluster(normalized, model, THRESHOLD)
    figures = {"time_s": round(watch.seconds, 1), "peak_rss_mb": peak_rss_mb()}
    return figures | _quality(clusters, truth)


# By name, as `--step` takes them; each gets the snapshot folder and a chunk count.
STEPS: dict[str, Callable[[Path, int], dict[str, Any]]] = {
    "prepare": lambda folder, chunks: prepare(folder),
    "blocking": lambda folder, chunks: blocking(*load_snapshot(folder)),
    "bizdev": bizdev_clusters,
    "handwritten_training": lambda folder, chunks: handwritten_training(folder),
    "handwritten_clusters": lambda folder, chunks: handwritten_clusters(folder),
}
