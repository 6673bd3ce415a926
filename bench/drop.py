"""Benchmark: a drop of new contacts into a resolved warehouse, end to end.

    .venv/bin/python bench/drop.py [--source bench/out/world_1m] [--rows 10000] [--train]

Takes the warehouse `bench/pipeline.py --corpus SOURCE` left in SOURCE (every record
resolved) and a drop file of `--rows` rows in the layout of the source's CRM export:
half of them lines of that export again (people the warehouse knows, as a re-export
brings them), half people it has never seen (the same export of an independent corpus,
seed 4). Then, in a fresh process, on a copy of the warehouse with the source's files
and the drop in the landing folder, it materializes what the landing sensor's
`contacts_refresh` job materializes (raw files to `contacts`; with `--train`, the model
too, as `bizdev run` does; see `pipeline.contacts_chain`) and prints wall time, CPU time and peak RSS, in total
and per step, with each step's mode (incremental or full).

Everything heavy is imported inside the functions the measuring process runs.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.harness import OUT, Stopwatch, emit, measure_in_fresh_process, peak_rss_mb, print_table
from bench.pipeline import contacts_chain
from bench.step_usage import UsageSampler, cpu_seconds, step_usage

EXPORT = "crm_contacts_export.csv"
STEPS = {
    "raw files": "raw_contact_files",
    "normalize": "contacts_normalized",
    "model": "contact_match_model",
    "clusters": "contact_clusters",
    "golden": "golden_contacts",
    "scores": "contact_quality_scores",
    "contacts": "contacts",
}
COLUMNS = {
    "source": "{source}",
    "drop": "{drop_rows:,}",
    "total": "{total_s:.1f} s",
    "CPU": "{cpu_s:.0f} s",
    **{label: f"{{steps_s[{key}]:.1f}} s" for label, key in STEPS.items()},
    "peak RSS": "{peak_rss_mb:,} MB",
    "modes": "{modes}",
}


def make_drop(source: Path, rows: int, out: Path) -> Path:
    """The drop file: known people's export lines and never-seen people's, shuffled."""
    drop = out / f"drop_{rows}.csv"
    if drop.exists():
        return drop
    unseen = OUT / "world_unseen_s4"
    if not (unseen / "landing" / EXPORT).exists():
        subprocess.run(
            [sys.executable, "-m", "bench.corpora", "--kind", "world", "--rows", str(4 * rows)]
            + ["--seed", "4", "--out", str(unseen)],
            check=True,
            cwd=OUT.parent.parent,
        )

    def lines(path: Path) -> tuple[list[str], list[list[str]]]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header, *body = csv.reader(fh)
        return header, body

    header, known = lines(source / "landing" / EXPORT)
    other_header, new = lines(unseen / "landing" / EXPORT)
    assert other_header == header, "the two exports should share one layout"
    pick = random.Random(4)
    chosen = pick.sample(known, rows // 2) + pick.sample(new, rows - rows // 2)
    pick.shuffle(chosen)
    out.mkdir(parents=True, exist_ok=True)
    with drop.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(chosen)
    return drop


def measure(source: Path, drop: Path, work: Path, train: bool) -> dict[str, Any]:
    """Copy the resolved warehouse, add the drop to the landing folder, run the chain."""
    import dagster as dg

    from bizdev_assets.definitions import ASSETS
    from resources.settings import Settings, build_resources
    from resources.warehouse import DuckDBWarehouse

    shutil.rmtree(work, ignore_errors=True)
    landing = work / "landing"
    landing.mkdir(parents=True)
    # Hard links, not symlinks: the landing folder is a jail that reads no symlink.
    for path in [*(source / "landing").iterdir(), drop]:
        _link_or_copy(path, landing / path.name)
    shutil.copy(source / "bench.duckdb", work / "warehouse.duckdb")
    settings = Settings(landing=str(landing), warehouse=str(work / "warehouse.duckdb"))
    # Timed from when the throwaway Dagster instance exists (see pipeline.measure).
    with dg.instance_for_test() as instance, UsageSampler() as sampler:
        watch, cpu_before = Stopwatch(), cpu_seconds()
        result = dg.materialize(
            ASSETS,
            selection=contacts_chain(train),
            instance=instance,
            resources=build_resources(settings),
        )
        total, cpu = watch.seconds, cpu_seconds() - cpu_before
        usage = step_usage(instance, result.run_id, sampler)
    ingested = DuckDBWarehouse(path=str(work / "warehouse.duckdb")).query(
        "select count(*) as n from raw_contact_files where source_file = ?", [drop.name]
    )["n"][0]
    if not ingested:
        sys.exit(f"{drop.name} was not ingested: the measurement would time a run with no drop")
    modes = {
        event.asset_key.path[-1]: event.materialization.metadata["mode"].value
        for event in result.get_asset_materialization_events()
        if "mode" in event.materialization.metadata
    }
    return {
        "source": source.name,
        "drop_rows": sum(1 for _ in drop.open(encoding="utf-8")) - 1,
        "drop_rows_ingested": int(ingested),
        "success": result.success,
        "total_s": round(total, 1),
        "cpu_s": round(cpu, 1),
        "steps_s": {
            e.step_key: round(e.event_specific_data.duration_ms / 1000, 2)
            for e in result.all_events
            if e.event_type_value == "STEP_SUCCESS"
        },
        "steps_cpu_s": usage.cpu_s,
        "steps_peak_mb": usage.peak_mb,
        "peak_rss_mb": peak_rss_mb(),
        "modes": ", ".join(f"{k} {v}" for k, v in sorted(modes.items())),
    }


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy(source, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=OUT / "world_1m")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--train", action="store_true", help="retrain the model too")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    source = args.source.resolve()
    work = OUT / f"drop_{source.name}_{args.rows}"
    if args.measure:
        emit(measure(source, args.measure, work / "run", args.train))
        return
    if not (source / "bench.duckdb").exists():
        sys.exit(f"{source}/bench.duckdb missing: run bench/pipeline.py --corpus {source} first")
    drop = make_drop(source, args.rows, work)
    command = ["--source", str(source), "--rows", str(args.rows), "--measure", str(drop)]
    figures = measure_in_fresh_process(Path(__file__), command + ["--train"] * args.train)
    print_table([figures], COLUMNS)


if __name__ == "__main__":
    main()
