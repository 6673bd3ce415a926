"""Benchmark: linking a drop of new contacts to a million resolved ones, incremental vs full.

    .venv/bin/python bench/incremental.py [--source bench/out/rows_1000000] [--new 10000]

Takes the normalized records and the saved model from a `bench/pipeline.py` warehouse,
holds back `--new` random records as the new drop, and resolves the others with the full
path once (cached under bench/out/incremental_<source>_<n>/). Then, each in a fresh process so
peak RSS is its own, it times the dedup stage of `contact_clusters` (read the records,
score, cluster, assign contact IDs; no writes) on the incremental path and on the full
path over all records, and reports how many records the two place differently.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def prepare(source: Path, new: int, folder: Path) -> None:
    """A warehouse holding all normalized records, the model, and the existing records'
    clusters from a full run (the state an incremental run starts from)."""
    import duckdb
    import polars as pl

    from bizdev_assets.dedup.clustering import cluster_contacts
    from bizdev_assets.dedup.model import SPLINK_SOURCE_COLUMNS
    from bizdev_assets.dedup.stable_ids import assign_contact_ids
    from bizdev_assets.dedup.training import baseline_model

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
            else json.dumps(baseline_model(records.height))
        )
    new_ids = records["record_id"].sample(new, seed=1)
    existing = records.filter(~pl.col("record_id").is_in(new_ids.implode()))
    started = time.perf_counter()
    result = cluster_contacts(existing, json.loads(model))
    print(f"resolved {existing.height:,} existing records in {time.perf_counter() - started:.0f}s")
    clusters = assign_contact_ids(result.clusters, None, datetime(2026, 1, 1)).clusters
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(folder / "warehouse.duckdb")) as con:
        con.register("records", records)
        con.register("clusters", clusters)
        con.execute("create or replace table contacts_normalized as select * from records")
        con.execute("create or replace table contact_clusters as select * from clusters")
        con.execute("create or replace table model as select ? as model_json", [model])


def measure(folder: Path, mode: str) -> dict:
    """One path's dedup stage, timed step by step (runs in its own process)."""
    import duckdb
    import polars as pl

    from bizdev_assets.dedup.clustering import cluster_contacts
    from bizdev_assets.dedup.incremental import assign_ids_to_touched, link_new_records
    from bizdev_assets.dedup.model import SPLINK_SOURCE_COLUMNS
    from bizdev_assets.dedup.review import DECISION_SCHEMA
    from bizdev_assets.dedup.stable_ids import assign_contact_ids

    steps = {}
    started = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps[name] = round(now - last, 2)
        last = now

    with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as con:
        columns = ", ".join(SPLINK_SOURCE_COLUMNS)
        records = con.sql(f"select {columns} from contacts_normalized").pl()
        previous = con.sql(
            "select record_id, cluster_id, contact_id, contact_created_at from contact_clusters"
        ).pl()
        model = json.loads(con.sql("select model_json from model").fetchall()[0][0])
    lap("read_records_and_clusters")
    decisions = pl.DataFrame(schema=DECISION_SCHEMA)
    now = datetime(2026, 2, 1)
    if mode == "incremental":
        linked = link_new_records(records, previous, model, 0.95, decisions, 0.5)
        result = linked.result
        lap("score_and_cluster")
        assignment = assign_ids_to_touched(result.clusters, linked.touched, previous, now, set())
    else:
        result = cluster_contacts(records, model, decisions=decisions)
        lap("score_and_cluster")
        assignment = assign_contact_ids(result.clusters, previous, now)
    lap("assign_contact_ids")
    assignment.clusters.select("record_id", "cluster_id").write_parquet(folder / f"{mode}.parquet")
    return {
        "mode": mode,
        "records": records.height,
        "new_records": records.height - previous.height,
        "pairs_scored": result.pairs_scored,
        "dedup_stage_s": round(time.perf_counter() - started, 2),
        "steps_s": steps,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=OUT / "rows_1000000")
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = OUT / f"incremental_{args.source.name}_{args.new}"
    if args.step == "prepare":
        prepare(args.source, args.new, folder)
        return
    if args.step:
        print(json.dumps(measure(folder, args.step)))
        return

    def step(name: str) -> str:
        # A child inherits its parent's peak RSS: this process stays small.
        done = subprocess.run(
            [sys.executable, __file__, "--source", str(args.source), "--new", str(args.new)]
            + ["--step", name],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"step {name} failed:\n{done.stderr[-5000:]}")
        return done.stdout.strip().splitlines()[-1]

    if not (folder / "warehouse.duckdb").exists():
        print(step("prepare"))
    figures = {mode: json.loads(step(mode)) for mode in ("incremental", "full")}
    figures["records_placed_differently"] = records_placed_differently(folder)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
