"""Benchmark: the dedup stage (normalized contacts -> clusters) against a hand-written model.

    .venv/bin/python bench/dedup.py --rows 100000 [--rows 1000000] [--chunks 4] [--no-handwritten]

For each size: reuses the generated files and the warehouse of `bench/pipeline.py`
(`bench/out/rows_N/bench.duckdb`; ingest + normalize are materialized there if it has no
`contacts_normalized`), snapshots the normalized contacts, labels and bizdev's model
(the newest `contact_match_model`, else the shipped baseline) under `rows_N/dedup/`,
then measures, each step in a fresh process so its peak RSS is its own:

- bizdev: `cluster_contacts` at 0.95 (chunks=1, plus each `--chunks`; 4 at 1M+ rows);
- the hand-written Splink model of `bench/handwritten_splink.py`: training, then
  prediction + clustering at 0.95 (skipped with `--no-handwritten`);
- blocking: for each rule set, the candidate pairs each rule adds (Splink's exact count)
  and blocking recall, the share of true duplicate pairs some rule makes a candidate.

Prints a comparison table per size, precision per size on one line, and JSON lines.
Times exclude imports and loading the snapshot; peak RSS includes them (same for both).
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from pipeline import generate  # noqa: E402

THRESHOLD = 0.95
CHUNKED_FROM_ROWS = 1_000_000


def peak_rss_mb() -> int:
    """This process's peak RSS. VmHWM, unlike ru_maxrss, ignores the parent's pages
    that a spawned child briefly shares before exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# Steps: each runs in its own process and returns one JSON-able dict.


def prepare(folder: Path) -> dict[str, Any]:
    """Snapshot normalized contacts, truth and bizdev's model for the measuring steps."""
    import duckdb
    import polars as pl

    from bizdev_assets.dedup.evaluation import truth_for_records
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
        model = json.loads(saved["model_json"][0])
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


def _load(folder: Path):
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

    normalized, truth = _load(folder)
    model = json.loads((folder / "dedup" / "bizdev_model.json").read_text())
    started = time.perf_counter()
    result = cluster_contacts(normalized, model, threshold=THRESHOLD, chunks=chunks)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    figures = {"time_s": round(seconds, 1), "peak_rss_mb": peak}
    figures["pairs_scored"] = result.pairs_scored
    links = getattr(result, "links", None)  # accepted pairs, when clustering returns them
    if links is not None:
        figures["pairs_linked"] = links.height
    return figures | _quality(result.clusters, truth)


def handwritten_training(folder: Path) -> dict[str, Any]:
    import handwritten_splink

    normalized, _ = _load(folder)
    started = time.perf_counter()
    model = handwritten_splink.train(normalized)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    (folder / "dedup" / "handwritten_model.json").write_text(json.dumps(model))
    return {"time_s": round(seconds, 1), "peak_rss_mb": peak}


def handwritten_clusters(folder: Path) -> dict[str, Any]:
    import handwritten_splink

    normalized, truth = _load(folder)
    model = json.loads((folder / "dedup" / "handwritten_model.json").read_text())
    started = time.perf_counter()
    clusters = handwritten_splink.cluster(normalized, model, THRESHOLD)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    return {"time_s": round(seconds, 1), "peak_rss_mb": peak} | _quality(clusters, truth)


def blocking(folder: Path) -> dict[str, Any]:
    import handwritten_splink

    from bizdev_assets.dedup.model import blocking_rules_for_prediction, splink_input

    normalized, truth = _load(folder)
    return {
        "bizdev": blocking_report(splink_input(normalized), truth, blocking_rules_for_prediction()),
        "handwritten": blocking_report(
            handwritten_splink.splink_input(normalized), truth, handwritten_splink.BLOCKING_RULES
        ),
    }


def blocking_report(records, truth, rules: list[Any]) -> dict[str, Any]:
    """Per rule: candidate pairs it adds to the rules before it, and true pairs it catches.

    True pairs are found by joining each entity's records to each other (entities have a
    handful of records), then every rule's SQL condition is evaluated on them, so the
    union over rules needs no candidate pairs at all.
    """
    import duckdb
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    conditions = [
        to_blocking_rule_creator(rule).get_blocking_rule("duckdb").blocking_rule_sql
        for rule in rules
    ]
    con = duckdb.connect()
    try:
        labelled = records.join(truth.rename({"record_id": "unique_id"}), on="unique_id")
        con.register("labelled", labelled)
        caught = ", ".join(f"count(*) filter (where {c})" for c in conditions)
        any_rule = " or ".join(f"({c})" for c in conditions)
        true_pairs, *per_rule, union = con.execute(
            f"select count(*), {caught}, count(*) filter (where {any_rule}) "
            "from labelled l join labelled r "
            "on l.entity_id = r.entity_id and l.unique_id < r.unique_id"
        ).fetchall()[0]
        counts = count_comparisons_from_blocking_rules(
            DuckDBAPI(connection=con).register(records, dataset_display_name="contacts"),
            blocking_rules=rules,
            link_type="dedupe_only",
            record_sample_proportion=1.0,
        )
    finally:
        con.close()
    return {
        "blocking_recall": round(union / true_pairs, 4) if true_pairs else 1.0,
        "true_pairs": true_pairs,
        "candidate_pairs": counts[-1]["cumulative_comparison_count"],
        "rules": [
            {
                "rule": condition,
                "new_candidate_pairs": count["marginal_comparison_count"],
                "true_pairs_caught": caught_by_rule,
            }
            for condition, count, caught_by_rule in zip(conditions, counts, per_rule, strict=True)
        ],
    }


STEPS = {
    "prepare": lambda folder, chunks: prepare(folder),
    "blocking": lambda folder, chunks: blocking(folder),
    "bizdev": bizdev_clusters,
    "handwritten_training": lambda folder, chunks: handwritten_training(folder),
    "handwritten_clusters": lambda folder, chunks: handwritten_clusters(folder),
}


def run_step(step: str, folder: Path, chunks: int = 1) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, "--folder", str(folder)]
    done = subprocess.run(
        command + ["--chunks", str(chunks)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode:
        sys.exit(f"step {step} on {folder} failed:\n{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# Reporting.


def measure_size(rows: int, extra_chunks: list[int], handwritten: bool = True) -> dict[str, Any]:
    folder = generate(rows)
    info = run_step("prepare", folder)
    chunk_counts = sorted({1, *extra_chunks} | ({4} if rows >= CHUNKED_FROM_ROWS else set()))
    result = {
        "rows": rows,
        **info,
        "blocking": run_step("blocking", folder),
        "bizdev": {chunks: run_step("bizdev", folder, chunks) for chunks in chunk_counts},
    }
    if handwritten:
        result["handwritten_training"] = run_step("handwritten_training", folder)
        result["handwritten"] = run_step("handwritten_clusters", folder)
    return result


def _row(label: str, cells: list[str]) -> str:
    return f"{label:<28}" + "".join(f"{cell:>12}" for cell in cells)


def _figures(run: dict[str, Any], blocking_info: dict[str, Any]) -> list[str]:
    cells = [f"{run['time_s']:.1f} s", f"{run['peak_rss_mb']:,} MB"]
    cells += (
        [f"{run[key]:.4f}" for key in ("precision", "recall", "f1")] if "f1" in run else [""] * 3
    )
    cells += [f"{blocking_info['blocking_recall']:.4f}", f"{blocking_info['candidate_pairs']:,}"]
    return cells


def print_size(result: dict[str, Any]) -> None:
    rows, blocks = result["rows"], result["blocking"]
    print(
        f"\n== {rows:,} rows: {result['records']:,} normalized records, "
        f"{blocks['bizdev']['true_pairs']:,} true duplicate pairs; "
        f"bizdev model: {result['bizdev_model']}"
    )
    header = ["time", "peak RSS", "precision", "recall", "F1", "block rec.", "candidates"]
    print(_row("", header))
    for chunks, run in result["bizdev"].items():
        print(_row(f"bizdev (chunks={chunks})", _figures(run, blocks["bizdev"])))
    if "handwritten" not in result:
        return print_blocking_rules({"bizdev": blocks["bizdev"]})
    hand, train = result["handwritten"], result["handwritten_training"]
    print(_row("hand-written: cluster", _figures(hand, blocks["handwritten"])))
    print(_row("hand-written: train", [f"{train['time_s']:.1f} s", f"{train['peak_rss_mb']:,} MB"]))
    ours = result["bizdev"][1] | blocks["bizdev"]
    theirs = hand | blocks["handwritten"]
    keys = ["time_s", "peak_rss_mb", "precision", "recall", "f1", "blocking_recall"]
    keys.append("candidate_pairs")
    print(_row("ratio bizdev / hand-written", [f"{ours[k] / theirs[k]:.2f}x" for k in keys]))
    print_blocking_rules(blocks)


def print_blocking_rules(blocks: dict[str, Any]) -> None:
    for name, info in blocks.items():
        title = f"{name} blocking rules"
        print(f"\n{title:<72}{'new candidates':>16}{'true pairs caught':>19}")
        for rule in info["rules"]:
            print(
                f"  {rule['rule'][:70]:<70}{rule['new_candidate_pairs']:>16,}"
                f"{rule['true_pairs_caught']:>19,}"
            )


def json_lines(result: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"bench": "dedup", "rows": result["rows"], "records": result["records"]}
    blocks = result["blocking"]
    lines = [
        base
        | {"system": "bizdev", "chunks": chunks, "model": result["bizdev_model"]}
        | run
        | {k: blocks["bizdev"][k] for k in ("blocking_recall", "candidate_pairs")}
        for chunks, run in result["bizdev"].items()
    ]
    if "handwritten" not in result:
        return lines
    hand = {k: blocks["handwritten"][k] for k in ("blocking_recall", "candidate_pairs")}
    training = result["handwritten_training"]
    lines.append(
        base
        | {"system": "handwritten"}
        | result["handwritten"]
        | hand
        | {"train_time_s": training["time_s"], "train_peak_rss_mb": training["peak_rss_mb"]}
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument(
        "--chunks",
        type=int,
        action="append",
        default=[],
        help="also measure bizdev with predict(num_chunks_left=N); 4 is added at 1M+ rows",
    )
    parser.add_argument(
        "--no-handwritten",
        action="store_true",
        help="measure bizdev and blocking only (the hand-written model takes ~6 min at 1M)",
    )
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        chunks = args.chunks[-1] if args.chunks else 1
        print(json.dumps(STEPS[args.step](Path(args.folder), chunks)))
        return
    if not args.rows:
        parser.error("give at least one --rows N")
    results = []
    for rows in args.rows:
        results.append(measure_size(rows, args.chunks, handwritten=not args.no_handwritten))
        print_size(results[-1])
    print(
        "\nprecision by size: "
        + " | ".join(
            f"{r['rows']:,}: bizdev {r['bizdev'][1]['precision']:.4f}"
            + (f", hand-written {r['handwritten']['precision']:.4f}" if "handwritten" in r else "")
            for r in results
        )
    )
    print()
    for result in results:
        for line in json_lines(result):
            print(json.dumps(line))


if __name__ == "__main__":
    main()
