"""Re-train the shipped baseline model (`bizdev_assets/dedup/baseline_model.json`).

    .venv/bin/python bench/baseline_model.py [--rows 100000] [--seed 42]

The baseline is what a run falls back to when its table cannot train a model (too few
records, no fact shared by enough of them) and what fills in levels a table cannot
estimate. It is trained exactly as `contact_match_model` trains (`fit_match_model`,
EM without labels) on bizdev's own demo generator (never on the evaluation corpora of
bench/corpora), after the real ingest asset and normalization
(`bench/er_eval_steps.py` caches both under bench/out/er/). Run it after any change
to the model's structure: a stored model whose structure differs is rejected.
"""

from __future__ import annotations

import argparse
import json

from bench.er_eval_steps import ER_OUT, corpus_name, prepare
from bench.harness import Stopwatch


def main() -> None:
    import polars as pl

    from bizdev_assets.dedup.training import BASELINE_MODEL, fit_match_model
    from bizdev_assets.normalize.batch import split_batch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    name = corpus_name("demo", args.rows, args.seed)
    prepare(name)
    watch = Stopwatch()
    normalized, _ = split_batch(pl.read_parquet(ER_OUT / name / "raw.parquet"))
    fit = fit_match_model(normalized, seed=args.seed)
    if fit.origin != "trained":
        raise SystemExit(f"training fell back ({fit.notes}); the baseline was not written")
    BASELINE_MODEL.write_text(json.dumps(fit.model, indent=2) + "\n")
    print(
        f"trained on {normalized.height:,} records of {name} in {watch.seconds:.1f} s "
        f"-> {BASELINE_MODEL} (structure {fit.model['structure']})"
    )
    for note in fit.notes:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()
