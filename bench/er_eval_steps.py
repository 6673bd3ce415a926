"""The measured steps of `bench/er_eval.py`: make a labelled corpus and ingest it once, then
normalize, train and cluster it in a fresh process and score the clusters against labels.

A corpus is named `KIND[-SHAPE]-ROWS-sSEED` (`world-20000-s1`, `tradeshow-names_addresses-
5000-s2`, `demo-200000-s7`) and cached under `bench/out/er/NAME/`: its landing files,
`labels.csv`, and `raw.parquet`, the rows `raw_contact_files` read from them (the real
ingest asset, so the header mapping is the product's). The measured step starts from
those raw rows: normalization (the pure function the asset calls), training
(`fit_match_model`, no labels) and clustering (`cluster_contacts`) are each timed, and
peak RSS covers all three. Heavy imports sit inside the steps: the launching process
stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.harness import OUT, Stopwatch, peak_rss_mb

ER_OUT = OUT / "er"
THRESHOLD = 0.95


def corpus_name(kind: str, rows: int, seed: int, shape: str | None = None) -> str:
    return "-".join([kind, *([shape] if shape else []), str(rows), f"s{seed}"])


def parse_corpus(name: str) -> tuple[str, str | None, int, int]:
    """`corpus_name` read back: (kind, shape, rows, seed)."""
    parts = name.split("-")
    kind, seed, rows = parts[0], int(parts[-1].removeprefix("s")), int(parts[-2])
    return kind, (parts[1] if len(parts) == 4 else None), rows, seed


def generate(name: str) -> Path:
    """The corpus's landing files and labels, written on first use."""
    kind, shape, rows, seed = parse_corpus(name)
    folder = ER_OUT / name
    if (folder / "labels.csv").exists():
        return folder
    if kind == "demo":
        from bizdev_assets.demo.generator import generate_demo

        generate_demo(folder / "landing", folder / "labels.csv", n_rows=rows, seed=seed)
    else:
        from bench.corpora import generate as generate_corpus

        generate_corpus(kind, folder, rows, seed, shape=shape)
    return folder


def prepare(name: str) -> dict[str, Any]:
    """Generate and ingest (real `raw_contact_files` asset) once; keep the raw rows."""
    import dagster as dg
    import duckdb

    from bizdev_assets.ingest.assets import raw_contact_files
    from resources.settings import Settings, build_resources

    folder = generate(name)
    raw_path = folder / "raw.parquet"
    if not raw_path.exists():
        warehouse = folder / "raw.duckdb"
        warehouse.unlink(missing_ok=True)
        settings = Settings(landing=str(folder / "landing"), warehouse=str(warehouse))
        with dg.instance_for_test() as instance:
            result = dg.materialize(
                [raw_contact_files], instance=instance, resources=build_resources(settings)
            )
        if not result.success:
            raise RuntimeError(f"ingest failed on {folder / 'landing'}")
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            con.sql("select * from raw_contact_files").pl().write_parquet(raw_path)
        finally:
            con.close()
        warehouse.unlink()
    return {"corpus": name}


def measure(name: str, train: bool = True) -> dict[str, Any]:
    """Normalize, train (or take the stored baseline) and cluster; score against labels."""
    import polars as pl

    from bench.er_metrics import identical_emails_unlinked, link_rates, quality
    from bizdev_assets.dedup.clustering import cluster_contacts
    from bizdev_assets.dedup.training import baseline_model, fit_match_model
    from bizdev_assets.normalize.batch import split_batch

    folder = ER_OUT / name
    raw = pl.read_parquet(folder / "raw.parquet")
    labels = pl.read_csv(folder / "labels.csv", schema_overrides={"source_sheet": pl.String})
    watch = Stopwatch()
    normalized, _ = split_batch(raw)
    del raw
    watch.lap("normalize")
    if train:
        fit = fit_match_model(normalized)
        model, origin, notes = fit.settings, fit.origin, list(fit.notes)
    else:
        model, origin, notes = baseline_model(normalized.height), "baseline", []
    watch.lap("train")
    result = cluster_contacts(normalized, model, THRESHOLD, chunks=_chunks(normalized.height))
    watch.lap("cluster")
    figures = {
        "corpus": name,
        "records": normalized.height,
        "origin": origin,
        "training_notes": notes,
        "normalize_s": round(watch.laps["normalize"], 1),
        "train_s": round(watch.laps["train"], 1),
        "cluster_s": round(watch.laps["cluster"], 1),
        "dedup_s": round(watch.laps["train"] + watch.laps["cluster"], 1),
        "peak_rss_mb": peak_rss_mb(),
        "pairs_scored": result.pairs_scored,
        "identical_emails_unlinked": identical_emails_unlinked(normalized, result.clusters),
    }
    return (
        figures
        | quality(result.clusters, normalized, labels)
        | {"link_rates": link_rates(result.clusters, normalized, labels)}
    )


def _chunks(records: int) -> int:
    from bizdev_assets.dedup.cluster_run import auto_chunks

    return auto_chunks(records)
