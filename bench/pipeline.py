"""Benchmark: the pipeline from raw files to `contacts` on generated data or a corpus.

    .venv/bin/python bench/pipeline.py --rows 100000 [--rows 1000000] [--train]
    .venv/bin/python bench/pipeline.py --corpus bench/out/world_1m [--train]

Generates the demo files once per size (cached under bench/out/), or takes a corpus
folder (`landing/` and `labels.csv`, as `python -m bench.corpora` writes it), then, in a
fresh process per data set, materializes raw files to `contacts` (the
`contacts_refresh` job, see `contacts_chain`) on a fresh DuckDB warehouse and
prints the total wall and CPU time, the run's peak RSS and pairwise precision/recall
against the labels, with wall time, CPU time and peak RSS per asset (sampled, see
`step_usage`; CPU time is the figure to compare when other work shares the cores): a
markdown table, then one JSON line per data set. The warehouse stays in the data set's
folder (`bench.duckdb`) for `bench/incremental.py` and `bench/fingerprint.py`.

Dagster and the assets are imported inside `measure`, which only the measuring process
runs: the launching process stays light and starts fast.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.harness import OUT, Stopwatch, emit, measure_in_fresh_process, peak_rss_mb, print_table
from bench.step_usage import UsageSampler, cpu_seconds, step_usage

# The README's table: one column per asset that does work when no CRM is configured.
COLUMNS = {
    "data": "{data}",
    "rows": "{rows:,}",
    "total": "{total_s:.1f} s",
    "CPU": "{cpu_s:.0f} s",
    "raw files": "{steps_s[raw_contact_files]:.1f} s",
    "normalize": "{steps_s[contacts_normalized]:.1f} s",
    "model": "{steps_s[contact_match_model]:.1f} s",
    "clusters": "{steps_s[contact_clusters]:.1f} s",
    "golden": "{steps_s[golden_contacts]:.1f} s",
    "scores": "{steps_s[contact_quality_scores]:.1f} s",
    "contacts": "{steps_s[contacts]:.1f} s",
    "peak RSS": "{peak_rss_mb:,} MB",
    "peak step": "{peak_step}",
    "candidate pairs": "{candidate_pairs:,}",
    "precision": "{precision:.4f}",
    "recall": "{recall:.4f}",
    "F1": "{f1:.4f}",
}


def generate(rows: int) -> Path:
    """The demo files and labels for `rows` rows, generated on first use."""
    folder = OUT / f"rows_{rows}"
    if not (folder / "labels.csv").exists():
        watch = Stopwatch()
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
        )
        print(f"generated {rows:,} rows in {watch.seconds:.1f}s")
    return folder


def contacts_chain(train: bool) -> Any:
    """What the benchmarks time: the landing sensor's `contacts_refresh` job (raw files to
    `contacts`), plus the model with `train`, as `bizdev run` trains it. The assets
    downstream of `contacts` (CRM pushes, leads, outreach) read the finished tables and
    are measured by their own benchmarks."""
    import dagster as dg

    from jobs.contacts import CONTACT_CHAIN

    return (
        CONTACT_CHAIN | dg.AssetSelection.assets("contact_match_model") if train else CONTACT_CHAIN
    )


def measure(folder: Path, train: bool) -> dict[str, Any]:
    """Materialize every asset (the model too with `train`) and score the clusters."""
    import dagster as dg
    import polars as pl

    from bizdev_assets.dedup.evaluation import pairwise_scores, truth_for_records
    from bizdev_assets.definitions import ASSETS
    from resources.settings import Settings, build_resources
    from resources.warehouse import DuckDBWarehouse

    warehouse_path = folder / "bench.duckdb"
    warehouse_path.unlink(missing_ok=True)
    settings = Settings(landing=str(folder / "landing"), warehouse=str(warehouse_path))
    # The clock starts once the (throwaway) Dagster instance exists: making its SQLite
    # storage takes seconds that a deployment with its DAGSTER_HOME never spends per run.
    with dg.instance_for_test() as instance, UsageSampler() as sampler:
        watch = Stopwatch()
        cpu_before = cpu_seconds()
        result = dg.materialize(
            ASSETS,
            selection=contacts_chain(train),
            instance=instance,
            resources=build_resources(settings),
        )
        total = watch.seconds
        cpu_total = cpu_seconds() - cpu_before
        usage = step_usage(instance, result.run_id, sampler)
    steps = {
        event.step_key: round(event.event_specific_data.duration_ms / 1000, 2)
        for event in result.all_events
        if event.event_type_value == "STEP_SUCCESS"
    }
    # The model step counts the candidate pairs its blocking rules propose (with --train).
    pairs = [
        event.materialization.metadata["candidate_pairs"].value
        for event in result.get_asset_materialization_events()
        if "candidate_pairs" in event.materialization.metadata
    ]
    warehouse = DuckDBWarehouse(path=str(warehouse_path))
    normalized = warehouse.read_table("contacts_normalized")
    labels = pl.read_csv(folder / "labels.csv", schema_overrides={"source_sheet": pl.String})
    scores = pairwise_scores(
        warehouse.read_table("contact_clusters"), truth_for_records(normalized, labels)
    )
    return {
        "data": folder.name,
        "rows": warehouse.row_count("raw_contact_files"),
        "golden": warehouse.row_count("golden_contacts"),
        "candidate_pairs": pairs[0] if pairs else None,
        "success": result.success,
        "total_s": round(total, 1),
        "steps_s": steps,
        "peak_rss_mb": peak_rss_mb(),
        "cpu_s": round(cpu_total, 1),
        "steps_cpu_s": usage.cpu_s,
        "steps_peak_mb": usage.peak_mb,
        "peak_step": max(usage.peak_mb, key=usage.peak_mb.__getitem__) if usage.peak_mb else "",
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", default=[], help="demo rows")
    parser.add_argument(
        "--corpus", type=Path, action="append", default=[], help="folder with landing/, labels.csv"
    )
    parser.add_argument("--train", action="store_true", help="also train the model (else baseline)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        emit(measure(Path(args.measure), args.train))
        return
    if not args.rows and not args.corpus:
        parser.error("give --rows N (demo data) or --corpus FOLDER, or several")
    results = []
    for folder in [*map(generate, args.rows), *(c.resolve() for c in args.corpus)]:
        command = ["--measure", str(folder)]
        figures = measure_in_fresh_process(Path(__file__), command + ["--train"] * args.train)
        print(f"measured {folder.name}: {figures['total_s']:.1f} s, success {figures['success']}")
        results.append(figures)
    training_only = ("model", "candidate pairs")
    columns = (
        COLUMNS if args.train else {h: t for h, t in COLUMNS.items() if h not in training_only}
    )
    print_table(results, columns)


if __name__ == "__main__":
    main()
