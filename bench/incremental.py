"""Benchmark: linking a drop of new contacts to a million resolved ones, incremental vs full.

    .venv/bin/python bench/incremental.py [--source bench/out/rows_1000000] [--new 10000]

Takes the normalized records and the saved model from a `bench/pipeline.py` warehouse,
holds back `--new` random records as the new drop, and resolves the others with the full
path once (cached under bench/out/incremental_<source>_<n>/). Then, each in a fresh process so
peak RSS is its own, it times the dedup stage of `contact_clusters` (read the records,
score, cluster, assign contact IDs; no writes) on the incremental path and on the full
path over all records, and reports how many records the two place differently: a
markdown table, then one JSON line per path.

Polars, DuckDB and the dedup modules are imported inside the functions the measuring
processes run: the launching process stays light and starts fast.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.harness import OUT, Stopwatch, emit, measure_in_fresh_process, peak_rss_mb, print_table

MODES = ("incremental", "full")
COLUMNS = {
    "path": "{mode}",
    "records": "{records:,}",
    "new records": "{new_records:,}",
    "pairs scored": "{pairs_scored:,}",
    "dedup stage": "{dedup_stage_s:.2f} s",
    "read": "{steps_s[read_records_and_clusters]:.2f} s",
    "score + cluster": "{steps_s[score_and_cluster]:.2f} s",
    "assign IDs": "{steps_s[assign_contact_ids]:.2f} s",
    "peak RSS": "{peak_rss_mb:,} MB",
    "placed differently from full": "{records_placed_differently:,}",
}


def prepare(source: Path, new: int, folder: Path) -> dict[str, Any]:
    """A warehouse holding all normalized records, the model, and the existing records'
    clusters from a full run (the state an incremental run starts from)."""
    import duckdb
    import polars as pl

    from bizdev_assets.dedup.clustering import cluster_contacts
    from bizdev_assets.dedup.model import SPLINK_SOURCE_COLUMNS
    from bizdev_assets.dedup.stable_ids import assign_contact_ids
    from bizdev_assets.dedup.stored_model import settings_from_parameters
    from bizdev_assets.dedup.training import baseline_parameters

    with duckdb.connect(str(source / "bench.duckdb"), read_only=True) as con:
        records = con.sql(
            f"select {', '.join(SPLINK_SOURCE_COLUMNS)} from contacts_normalized"
        ).pl()
        tables = {name for (name,) in con.sql("show tables").fetchall()}
        model = (
            con.sql(
                "select model_json from contact_match_model order by version desc limit 1"
            ).fetchall()[0][0]
            if "contact_match_model" in tables
            else json.dumps(baseline_parameters(records.height))
        )
    new_ids = records["record_id"].sample(new, seed=1)
    existing = records.filter(~pl.col("record_id").is_in(new_ids.implode()))
    watch = Stopwatch()
    result = cluster_contacts(existing, settings_from_parameters(json.loads(model)))
    resolve_s = watch.seconds
    clusters = assign_contact_ids(result.clusters, None, datetime(2026, 1, 1)).clusters
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(folder / "warehouse.duckdb")) as con:
        con.register("records", records)
        con.register("clusters", clusters)
        con.execute("create or replace table contacts_normalized as select * from records")
        con.execute("create or replace table contact_clusters as select * from clusters")
        con.execute("create or replace table model as select ? as model_json", [model])
    return {"existing_records": existing.height, "resolve_s": round(resolve_s, 1)}


def measure(folder: Path, mode: str) -> dict[str, Any]:
    """One path's dedup stage, timed step by step (runs in its own process)."""
    import duckdb
    import polars as pl

    from bizdev_assets.dedup.clustering import cluster_contacts
    from bizdev_assets.dedup.incremental import assign_ids_to_touched, link_new_records
    from bizdev_assets.dedup.model import SPLINK_SOURCE_COLUMNS
    from bizdev_assets.dedup.review import DECISION_SCHEMA
    from bizdev_assets.dedup.stable_ids import assign_contact_ids
    from bizdev_assets.dedup.stored_model import settings_from_parameters

    watch = Stopwatch()
    with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as con:
        columns = ", ".join(SPLINK_SOURCE_COLUMNS)
        records = con.sql(f"select {columns} from contacts_normalized").pl()
        previous = con.sql(
            "select record_id, cluster_id, contact_id, contact_created_at from contact_clusters"
        ).pl()
        stored = con.sql("select model_json from model").fetchall()[0][0]
        model = settings_from_parameters(json.loads(stored))
    watch.lap("read_records_and_clusters")
    decisions = pl.DataFrame(schema=DECISION_SCHEMA)
    now = datetime(2026, 2, 1)
    if mode == "incremental":
        linked = link_new_records(records, previous, model, 0.95, decisions, 0.5)
        result = linked.result
        watch.lap("score_and_cluster")
        assignment = assign_ids_to_touched(result.clusters, linked.touched, previous, now, set())
    else:
        result = cluster_contacts(records, model, decisions=decisions)
        watch.lap("score_and_cluster")
        assignment = assign_contact_ids(result.clusters, previous, now)
    watch.lap("assign_contact_ids")
    assignment.clusters.select("record_id", "cluster_id").write_parquet(folder / f"{mode}.parquet")
    return {
        "mode": mode,
        "records": records.height,
        "new_records": records.height - previous.height,
        "pairs_scored": result.pairs_scored,
        "dedup_stage_s": round(watch.seconds, 2),
        "steps_s": {name: round(seconds, 2) for name, seconds in watch.laps.items()},
        "peak_rss_mb": peak_rss_mb(),
    }


def records_placed_differently(folder: Path) -> int:
    """Records whose set of fellow records differs between the two paths."""
    import polars as pl

    def members(mode: str) -> pl.DataFrame:
        clusters = pl.read_parquet(folder / f"{mode}.parquet")
        groups = clusters.group_by("cluster_id").agg(pl.col("record_id").sort().alias("members"))
        return clusters.join(groups, on="cluster_id").select(
            "record_id", pl.col("members").list.join(",").alias(mode)
        )

    both = members("incremental").join(members("full"), on="record_id")
    return both.filter(pl.col("incremental") != pl.col("full")).height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=OUT / "rows_1000000")
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--step", choices=["prepare", *MODES], help=argparse.SUPPRESS)
    args = parser.parse_args()
    source = args.source.resolve()
    folder = OUT / f"incremental_{source.name}_{args.new}"
    if args.step == "prepare":
        emit(prepare(source, args.new, folder))
        return
    if args.step:
        emit(measure(folder, args.step))
        return

    def step(name: str) -> dict[str, Any]:
        command = ["--source", str(source), "--new", str(args.new), "--step", name]
        return measure_in_fresh_process(Path(__file__), command)

    if not (folder / "warehouse.duckdb").exists():
        prepared = step("prepare")
        print(
            f"resolved {prepared['existing_records']:,} existing records "
            f"in {prepared['resolve_s']:.0f}s"
        )
    incremental, full = (step(mode) for mode in MODES)
    incremental["records_placed_differently"] = records_placed_differently(folder)
    print_table([incremental, full], COLUMNS)


if __name__ == "__main__":
    main()
