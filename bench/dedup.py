"""Benchmark: the dedup stage (normalized contacts -> clusters) against a hand-written model.

    .venv/bin/python bench/dedup.py --rows 100000 [--rows 1000000] [--chunks 4] [--no-handwritten]

For each size: reuses the generated files and the warehouse of `bench/pipeline.py`
(`bench/out/rows_N/bench.duckdb`; ingest + normalize are materialized there if it has no
`contacts_normalized`), snapshots the normalized contacts, labels and bizdev's model
(the newest `contact_match_model`, else the shipped baseline) under `rows_N/dedup/`,
then measures, each step in a fresh process so its peak RSS is its own
(`bench/dedup_steps.py`, `bench/dedup_blocking.py`):

- bizdev: `cluster_contacts` at 0.95 (chunks=1, plus each `--chunks`; 4 at 1M+ rows);
- the hand-written Splink model of `bench/handwritten_splink.py`: training, then
  prediction + clustering at 0.95 (skipped with `--no-handwritten`);
- blocking: for each rule set, the candidate pairs each rule adds (Splink's exact count)
  and blocking recall, the share of true duplicate pairs some rule makes a candidate.

Prints, per size, the ratios bizdev / hand-written and each blocking rule's figures;
then precision per size on one line, and one table of every run (markdown, then JSON
lines). One step alone: `--step bizdev --folder bench/out/rows_N --chunks 20`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.dedup_steps import STEPS
from bench.harness import emit, markdown_table, measure_in_fresh_process, print_table
from bench.pipeline import generate

CHUNKED_FROM_ROWS = 1_000_000

# The README's table: one row per system (and chunk count) and size.
COLUMNS = {
    "rows": "{rows:,}",
    "system": "{system}",
    "chunks": "{chunks}",
    "time": "{time_s:.1f} s",
    "peak RSS": "{peak_rss_mb:,} MB",
    "precision": "{precision:.4f}",
    "recall": "{recall:.4f}",
    "F1": "{f1:.4f}",
    "blocking recall": "{blocking_recall:.4f}",
    "candidate pairs": "{candidate_pairs:,}",
    "training": "{train_time_s:.1f} s",
    "training peak RSS": "{train_peak_rss_mb:,} MB",
}
RULE_COLUMNS = {
    "rule": "{rule}",
    "new candidate pairs": "{new_candidate_pairs:,}",
    "true pairs caught": "{true_pairs_caught:,}",
}
# bizdev (one chunk) over hand-written, figure by figure.
RATIOS = {
    "time": "time_s",
    "peak RSS": "peak_rss_mb",
    "precision": "precision",
    "recall": "recall",
    "F1": "f1",
    "blocking recall": "blocking_recall",
    "candidate pairs": "candidate_pairs",
}


def run_step(step: str, folder: Path, chunks: int = 1) -> dict[str, Any]:
    args = ["--step", step, "--folder", str(folder), "--chunks", str(chunks)]
    return measure_in_fresh_process(Path(__file__), args)


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


def print_size(result: dict[str, Any]) -> None:
    """What only makes sense per size: the ratios of the two systems and the rules."""
    blocks = result["blocking"]
    print(
        f"\n== {result['rows']:,} rows: {result['records']:,} normalized records, "
        f"{blocks['bizdev']['true_pairs']:,} true duplicate pairs; "
        f"bizdev model: {result['bizdev_model']}"
    )
    if "handwritten" in result:
        ours = result["bizdev"][1] | blocks["bizdev"]
        theirs = result["handwritten"] | blocks["handwritten"]
        ratios = (f"{name} {ours[key] / theirs[key]:.2f}x" for name, key in RATIOS.items())
        print("bizdev / hand-written: " + ", ".join(ratios))
    else:
        blocks = {"bizdev": blocks["bizdev"]}
    for name, info in blocks.items():
        print(f"\n{name} blocking rules")
        print(markdown_table(info["rules"], RULE_COLUMNS))


def json_lines(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat dict per system (and chunk count): the table's rows."""
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
        emit(STEPS[args.step](Path(args.folder), chunks))
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
        + "\n"
    )
    columns = COLUMNS
    if args.no_handwritten:
        columns = {h: t for h, t in COLUMNS.items() if not h.startswith("training")}
    print_table([line for result in results for line in json_lines(result)], columns)


if __name__ == "__main__":
    main()
