"""Benchmark: how candidate pairs grow with the table, and what blocking still catches.

    .venv/bin/python bench/er_blocking.py --corpus demo-1000000-s7 --corpus demo-5000000-s7

For each corpus (named as in `bench/er_eval.py`, generated and ingested once), in its
own process: normalize, build the blocking keys (shared values over their caps left
out), then count every rule's candidate pairs (Splink's exact count) and the true
duplicate pairs some rule proposes (blocking recall, the ceiling of recall). Prints one
row per corpus, the growth of candidate pairs between consecutive corpora, and the
pairs each rule adds.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.er_eval_steps import ER_OUT, prepare
from bench.harness import Stopwatch, emit, markdown_table, measure_in_fresh_process, peak_rss_mb

COLUMNS = {
    "corpus": "{corpus}",
    "records": "{records:,}",
    "candidate pairs": "{candidate_pairs:,}",
    "growth": "{growth}",
    "pairs per record": "{pairs_per_record:.1f}",
    "blocking recall": "{blocking_recall:.4f}",
    "values left out": "{capped_values}",
    "time": "{time_s:.1f} s",
    "peak RSS": "{peak_rss_mb:,} MB",
}
RULE_COLUMNS = {"rule": "{rule}", "new candidate pairs": "{new_candidate_pairs:,}",
                "true pairs caught": "{true_pairs_caught:,}"}  # fmt: skip


def measure(name: str) -> dict[str, Any]:
    import polars as pl

    from bench.dedup_blocking import blocking_report
    from bizdev_assets.dedup.blocking import blocking_rules, capped_values
    from bizdev_assets.dedup.evaluation import truth_for_records
    from bizdev_assets.dedup.model import SPLINK_SOURCE_COLUMNS, scoring_input
    from bizdev_assets.normalize.batch import split_batch

    folder = ER_OUT / name
    labels = pl.read_csv(folder / "labels.csv", schema_overrides={"source_sheet": pl.String})
    normalized, _ = split_batch(pl.read_parquet(folder / "raw.parquet"))
    truth = truth_for_records(normalized, labels)
    normalized = normalized.select(SPLINK_SOURCE_COLUMNS)
    watch = Stopwatch()
    records = scoring_input(normalized)
    del normalized
    report = blocking_report(records, truth, blocking_rules())
    return {
        "corpus": name,
        "records": records.height,
        "candidate_pairs": report["candidate_pairs"],
        "pairs_per_record": report["candidate_pairs"] / max(records.height, 1),
        "blocking_recall": report["blocking_recall"],
        "capped_values": len(capped_values(records)),
        "rules": report["rules"],
        "time_s": round(watch.seconds, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", default=[])
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        emit(measure(args.step))
        return
    rows = []
    for corpus in args.corpus:
        prepare(corpus)
        row = measure_in_fresh_process(Path(__file__), ["--step", corpus])
        previous = rows[-1]["candidate_pairs"] if rows else None
        row["growth"] = f"{row['candidate_pairs'] / previous:.1f}x" if previous else ""
        rows.append(row)
        print(f"\n{corpus}: pairs each rule adds")
        print(markdown_table(row["rules"], RULE_COLUMNS))
    print()
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    main()
