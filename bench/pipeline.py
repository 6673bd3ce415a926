"""Benchmark: the whole pipeline (raw files -> golden contacts -> scores) on generated data.

    .venv/bin/python bench/pipeline.py --rows 100000 [--rows 1000000]

Generates the demo files once per size (cached under bench/out/), then, in a fresh
process per size, materializes every asset on a fresh DuckDB warehouse and prints wall
time per asset, total time, peak RSS, and pairwise precision/recall against the labels.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def generate(rows: int) -> Path:
    folder = OUT / f"rows_{rows}"
    if not (folder / "labels.csv").exists():
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bizdev_assets.cli",
                "demo-data",
                "--landing",
                str(folder / "landing"),
                "--labels",
                str(folder / "labels.csv"),
                "--rows",
                str(rows),
            ],
            check=True,
            cwd=ROOT,
        )
        print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f}s")
    return folder


def measure(folder: Path, train: bool) -> dict:
    """Runs in its own process so peak RSS is the pipeline's alone."""
    import dagster as dg
    import polars as pl

    from bizdev_assets.dedup.evaluation import pairwise_scores, truth_for_records
    from bizdev_assets.definitions import ASSETS
    from resources.settings import Settings, build_resources
    from resources.warehouse import DuckDBWarehouse

    warehouse_path = folder / "bench.duckdb"
    warehouse_path.unlink(missing_ok=True)
    settings = Settings(landing=str(folder / "landing"), warehouse=str(warehouse_path))
    selection = (
        None if train else [a for a in ASSETS if dg.AssetKey("contact_match_model") not in a.keys]
    )
    started = time.perf_counter()
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            selection or ASSETS, instance=instance, resources=build_resources(settings)
        )
    total = time.perf_counter() - started
    steps = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS":
            steps[event.step_key] = round(event.event_specific_data.duration_ms / 1000, 2)
    warehouse = DuckDBWarehouse(path=str(warehouse_path))
    normalized = warehouse.read_table("contacts_normalized")
    labels = pl.read_csv(folder / "labels.csv", schema_overrides={"source_sheet": pl.String})
    scores = pairwise_scores(
        warehouse.read_table("contact_clusters"), truth_for_records(normalized, labels)
    )
    return {
        "rows": warehouse.row_count("raw_contact_files"),
        "golden": warehouse.row_count("golden_contacts"),
        "success": result.success,
        "total_s": round(total, 1),
        "steps_s": steps,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append", required=True)
    parser.add_argument("--train", action="store_true", help="also train the model (else baseline)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.train)))
        return
    for rows in args.rows:
        folder = generate(rows)
        command = [sys.executable, __file__, "--rows", str(rows), "--measure", str(folder)]
        done = subprocess.run(
            command + (["--train"] if args.train else []),
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        if done.returncode:
            sys.exit(f"measuring {rows:,} rows failed:\n{done.stderr[-5000:]}")
        output = done.stdout.strip().splitlines()[-1]
        figures = json.loads(output)
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
