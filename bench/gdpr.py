"""Benchmark: erasing one person from a large warehouse and landing zone.

    .venv/bin/python bench/gdpr.py [--contacts 1000000] [--files 100]

Builds (once, cached under bench/out/gdpr_<n>/) a DuckDB warehouse in the pipeline's
shape without running the pipeline: `--contacts` raw rows, normalized records and
cluster rows, 80% as many golden contacts with scores, lead scores and contacts rows,
match links, outreach events, and the landing folder of `--files` CSV files the raw rows
came from. One person sits in three of the files under two emails. Then, in a fresh
process, it times `request_erasure` (outreach and CRMs not configured): subject
resolution, landing rewrite, warehouse delete and the proving scan of every text column,
and reports the laps and peak RSS.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from bench.harness import OUT, Stopwatch, emit, measure_in_fresh_process, peak_rss_mb, print_table

EMAILS = ("jane.doornbos@acmerobotics.com", "jdoornbos.private@gmail.com")
COLUMNS = {
    "contacts": "{contacts:,}",
    "files": "{files:,}",
    "warehouse rows": "{warehouse_rows:,}",
    "resolve subject": "{laps[resolve]:.2f} s",
    "erase (all destinations)": "{laps[erase]:.2f} s",
    "of which landing": "{landing_s:.2f} s",
    "of which warehouse + proof scan": "{warehouse_s:.2f} s",
    "rows deleted": "{rows_deleted:,}",
    "peak RSS": "{peak_rss_mb:,} MB",
}


def build(folder: Path, contacts: int, files: int) -> None:
    import polars as pl

    from resources.warehouse import DuckDBWarehouse

    shutil.rmtree(folder, ignore_errors=True)
    landing = folder / "landing"
    landing.mkdir(parents=True)
    n = contacts
    i = pl.int_range(0, n, eager=True)
    person = (i % int(n * 0.8)).alias("person")
    raw = pl.DataFrame({"i": i, "person": person}).with_columns(
        file=(pl.col("i") % files),
        first_name=pl.lit("First") + pl.col("person").cast(pl.String),
        last_name=pl.lit("Last") + pl.col("person").cast(pl.String),
        email=pl.lit("p") + pl.col("person").cast(pl.String) + pl.lit("@example.com"),
        phone=pl.lit("+4420") + (pl.col("person") + 10_000_000).cast(pl.String),
        company=pl.lit("Company ") + (pl.col("person") % 5000).cast(pl.String),
    )
    subject_rows = [(n - 3, EMAILS[0]), (n - 2, EMAILS[1]), (n - 1, EMAILS[0])]
    subject_person = int(n * 0.8) + 1
    raw = raw.with_columns(
        person=pl.when(pl.col("i") >= n - 3).then(subject_person).otherwise(pl.col("person")),
        file=pl.when(pl.col("i") >= n - 3).then(pl.col("i") - (n - 3)).otherwise(pl.col("file")),
    )
    for index, email in subject_rows:
        raw = raw.with_columns(
            email=pl.when(pl.col("i") == index).then(pl.lit(email)).otherwise(pl.col("email")),
            first_name=pl.when(pl.col("i") == index)
            .then(pl.lit("Jane"))
            .otherwise(pl.col("first_name")),
            last_name=pl.when(pl.col("i") == index)
            .then(pl.lit("Doornbos"))
            .otherwise(pl.col("last_name")),
            phone=pl.when(pl.col("i") == index)
            .then(pl.lit("+442079460958"))
            .otherwise(pl.col("phone")),
        )
    raw = raw.with_columns(
        source_file=pl.lit("file_") + pl.col("file").cast(pl.String) + pl.lit(".csv"),
        file_hash=pl.lit("h") + pl.col("file").cast(pl.String),
        source_sheet=pl.lit(None, dtype=pl.String),
        source_row=pl.int_range(0, pl.len()).over("file") + 2,  # header = line 1
        record_id=pl.lit("r") + pl.col("i").cast(pl.String),
        contact_id=pl.lit("c") + pl.col("person").cast(pl.String),
        cluster_id=pl.lit("k") + pl.col("person").cast(pl.String),
    )
    columns = ["first_name", "last_name", "email", "phone", "company"]
    for f, part in raw.partition_by("file", as_dict=True, maintain_order=True).items():
        part.select(columns).write_csv(landing / f"file_{f[0]}.csv")
    warehouse = DuckDBWarehouse(path=str(folder / "warehouse.duckdb"))
    provenance = ["file_hash", "source_file", "source_sheet", "source_row"]
    warehouse.replace_table("raw_contact_files", raw.select([*provenance, *columns]))
    warehouse.replace_table("contacts_normalized", raw.select(["record_id", *provenance, *columns]))
    warehouse.replace_table("contact_clusters", raw.select("record_id", "cluster_id", "contact_id"))
    golden = raw.unique("contact_id", keep="first").select("contact_id", "cluster_id", *columns)
    warehouse.replace_table("golden_contacts", golden)
    warehouse.replace_table(
        "contact_quality_scores",
        golden.select("contact_id", quality_notes=pl.lit("complete")),
    )
    warehouse.replace_table("lead_scores", golden.select("contact_id", top_reasons=pl.lit("fit")))
    links = raw.filter(pl.col("i") >= int(n * 0.8)).select(
        record_id_l="record_id", record_id_r=pl.lit("r") + pl.col("person").cast(pl.String)
    )
    warehouse.replace_table("contact_match_links", links)
    warehouse.replace_table(
        "landing_file_log",
        raw.unique("file").select(
            "file_hash", "source_file", status=pl.lit("loaded"), rows_read=pl.lit(0)
        ),
    )


def measure(folder: Path) -> None:
    from bizdev_assets.gdpr.erase import ErasureSystems, request_erasure
    from bizdev_assets.gdpr.requests import ensure_tables
    from bizdev_assets.gdpr.subject import resolve_subject
    from resources.landing import LocalLanding
    from resources.warehouse import DuckDBWarehouse

    work = folder.parent / (folder.name + "_run")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work)
    warehouse = DuckDBWarehouse(path=str(work / "warehouse.duckdb"))
    landing = LocalLanding(root=str(work / "landing"))
    ensure_tables(warehouse)
    rows_before = warehouse.row_count("contacts_normalized")
    rows = sum(
        warehouse.row_count(t)
        for t in ("raw_contact_files", "contacts_normalized", "contact_clusters", "golden_contacts")
    )
    watch = Stopwatch()
    resolve_subject(warehouse, email=EMAILS[1])
    watch.lap("resolve")
    request_id = request_erasure(
        ErasureSystems(warehouse=warehouse, landing=landing, secret=b"bench"),
        email=EMAILS[1],
        requested_by="bench",
    )
    watch.lap("erase")
    detail = warehouse.query(
        "select destination, status, updated_at, detail from gdpr_requests "
        "where request_id = ? order by updated_at",
        [request_id],
    )
    import json

    by = {r["destination"]: r for r in detail.iter_rows(named=True)}
    deleted = json.loads(by["warehouse"]["detail"])["rows_deleted"]
    starts = warehouse.query(
        "select min(requested_at) as t from gdpr_requests where request_id = ?", [request_id]
    )["t"][0]
    landing_s = (by["landing"]["updated_at"] - by["salesforce"]["updated_at"]).total_seconds()
    warehouse_s = (by["warehouse"]["updated_at"] - by["landing"]["updated_at"]).total_seconds()
    emit(
        {
            "contacts": rows_before,
            "files": len(list((work / "landing").glob("*.csv"))),
            "warehouse_rows": rows,
            "laps": watch.laps,
            "landing_s": landing_s,
            "warehouse_s": warehouse_s,
            "rows_deleted": sum(deleted.values()),
            "statuses": {d: r["status"] for d, r in by.items()},
            "requested_at": str(starts),
            "peak_rss_mb": peak_rss_mb(),
        }
    )
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    folder = OUT / f"gdpr_{args.contacts}"
    if not (folder / "warehouse.duckdb").exists():
        build(folder, args.contacts, args.files)
    figures = measure_in_fresh_process(Path(__file__), ["--measure", str(folder)])
    print_table([figures], COLUMNS)


if __name__ == "__main__":
    main()
