"""Benchmark: entity resolution on the demo generator and the two independent ones.

    .venv/bin/python bench/er_eval.py --corpus world-20000-s1 [--corpus ...] [--no-train]
    .venv/bin/python bench/er_eval.py --suite report

A corpus is `KIND[-SHAPE]-ROWS-sSEED`: KIND is `demo` (bizdev's own generator),
`world` or `tradeshow` (bench/corpora, written without reading the resolver; tradeshow
takes a SHAPE: names_addresses, no_email, no_phone, company_only). Each corpus is
generated and ingested once (cached under bench/out/er/), then measured in a fresh
process (`bench/er_eval_steps.py`): normalization, training without labels and
clustering at 0.95, each timed, with the process's peak RSS, pairwise precision /
recall / F1 against the labels, the link rate per labelled variation and the personal
e-mail addresses left in more than one cluster (`bench/er_metrics.py`).

Protocol: the model is developed on `world-20000-s1`; every other corpus is reported,
not tuned on. `--suite report` runs the table of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.er_eval_steps import measure, prepare
from bench.harness import emit, markdown_table, measure_in_fresh_process, print_table

SUITES = {
    "dev": ["world-20000-s1"],
    "quick": [
        "world-20000-s1",
        "world-20000-s2",
        "tradeshow-names_addresses-5000-s1",
        "demo-20000-s7",
    ],
    "report": [
        "demo-20000-s7",
        "demo-200000-s7",
        "demo-1000000-s7",
        "world-20000-s2",
        "world-200000-s2",
        "world-1000000-s2",
        "tradeshow-names_addresses-5000-s2",
        "tradeshow-names_addresses-20000-s2",
        "tradeshow-no_email-20000-s2",
        "tradeshow-no_phone-20000-s2",
        "tradeshow-company_only-20000-s2",
    ],
}

COLUMNS = {
    "corpus": "{corpus}",
    "records": "{records:,}",
    "model": "{origin}",
    "precision": "{precision:.4f}",
    "recall": "{recall:.4f}",
    "F1": "{f1:.4f}",
    "normalize": "{normalize_s:.1f} s",
    "training": "{train_s:.1f} s",
    "clustering": "{cluster_s:.1f} s",
    "peak RSS": "{peak_rss_mb:,} MB",
    "pairs scored": "{pairs_scored:,}",
    "same e-mail apart": "{identical_emails_unlinked[personal]} ({identical_emails_unlinked[any]})",
}


def run_step(step: str, corpus: str, train: bool) -> dict[str, Any]:
    args = ["--step", step, "--corpus", corpus] + ([] if train else ["--no-train"])
    return measure_in_fresh_process(Path(__file__), args)


def print_link_rates(results: list[dict[str, Any]]) -> None:
    """One row per variation tag, one column per corpus: records carrying it, share linked."""
    tags = sorted({tag for r in results for tag in r["link_rates"]})
    rows = [
        {"tag": tag}
        | {
            r["corpus"]: (
                f"{r['link_rates'][tag][1]:.3f} ({r['link_rates'][tag][0]:,})"
                if tag in r["link_rates"]
                else ""
            )
            for r in results
        }
        for tag in tags
    ]
    print("\nlink rate per variation (records carrying it)")
    columns = {"variation": "{tag}"} | {r["corpus"]: "{" + r["corpus"] + "}" for r in results}
    print(markdown_table(rows, columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", default=[])
    parser.add_argument("--suite", choices=SUITES)
    parser.add_argument(
        "--no-train", action="store_true", help="score with the shipped baseline model"
    )
    parser.add_argument("--step", choices=["prepare", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        corpus = args.corpus[0]
        emit(prepare(corpus) if args.step == "prepare" else measure(corpus, not args.no_train))
        return
    corpora = args.corpus + (SUITES[args.suite] if args.suite else [])
    if not corpora:
        parser.error("give --corpus NAME or --suite")
    results = []
    for corpus in corpora:
        run_step("prepare", corpus, True)
        results.append(run_step("measure", corpus, not args.no_train))
        print(f"{corpus}: {results[-1]}", flush=True)
    print()
    print_table(results, COLUMNS)
    print_link_rates(results)


if __name__ == "__main__":
    main()
