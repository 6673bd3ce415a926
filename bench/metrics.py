"""Benchmark: one Prometheus scrape of `bizdev metrics` at 1M contacts and 10k Dagster runs.

    .venv/bin/python bench/metrics.py [--contacts 1000000] [--runs 10000] [--scrapes 5]

Builds, in bench/out/metrics_<contacts>/, a DuckDB warehouse whose tables have the sizes
a 1M-contact deployment reaches (contacts_normalized and the file log, quarantine,
golden contacts, contacts, CRM sync runs and rejections, enrichment costs, outreach
events), written straight with SQL, and a Dagster home (SQLite storage, as the embedded
default) holding `--runs` finished runs over the jobs. (tests/test_observability_stack.py
builds a small one the same way, to know every metric name the exporter emits.) Then, in a fresh process, it
serves the exporter on a local port and scrapes it over HTTP: the first (cold) scrape,
the median of the next ones, the response size, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import OUT, Stopwatch, emit, measure_in_fresh_process, peak_rss_mb, print_table

COLUMNS = {
    "contacts": "{contacts:,}",
    "Dagster runs": "{runs:,}",
    "first scrape": "{first_s:.2f} s",
    "scrape (median)": "{median_s:.2f} s",
    "warehouse part": "{warehouse_s:.2f} s",
    "Dagster part": "{dagster_s:.2f} s",
    "response": "{bytes:,} B",
    "peak RSS": "{peak_rss_mb:,} MB",
}
JOBS = ["contacts_refresh", "crm_sync", "crm_pull", "outreach_refresh", "contact_model_training"]


def build_warehouse(path: Path, contacts: int) -> None:
    import duckdb

    files = max(10, contacts // 500)
    golden = int(contacts * 0.8)
    con = duckdb.connect(str(path))
    types = "['csv','xlsx','json','ndjson','tsv']"
    con.execute(
        f"""
        create table landing_file_log as select
          md5(i::varchar) as file_hash, 'file_' || i || '.csv' as source_file,
          {types}[1 + i % 5] as source_type, 100000 as size_bytes, null::varchar as etag,
          case when i % 50 = 0 then 'rejected' else 'loaded' end as status,
          500 as rows_read, 0 as lines_rejected, null::varchar as error, '[]' as warnings,
          timestamp '2026-11-01' + to_seconds(i * 60) as landed_at,
          timestamp '2026-11-01' + to_seconds(i * 60 + 20) as ingested_at,
          timestamp '2026-11-01' + to_seconds(i * 60 + 40 + i % 400) as normalized_at
        from range({files}) t(i);
        create table contacts_normalized as select
          md5(i::varchar) as record_id, md5((i // 500)::varchar) as file_hash,
          'file_' || (i // 500) || '.csv' as source_file, {types}[1 + (i // 500) % 5] as source_type,
          'person' || i || '@example' || (i % 997) || '.com' as email,
          'First' || (i % 5000) as first_name, 'Last' || (i % 20000) as last_name,
          'Company ' || (i % 50000) as company, i % 3 = 0 as gdpr_consent
        from range({contacts}) t(i);
        create table contacts_quarantine as select
          md5(i::varchar) as file_hash, 'file_' || i || '.csv' as source_file, null::varchar as source_sheet,
          i as source_row, 'no name, email or phone' as reason, 'x,y' as raw_content,
          timestamp '2026-11-01' as quarantined_at
        from range({contacts // 200}) t(i);
        create table golden_contacts as select
          gen_random_uuid()::varchar as contact_id, 'person' || i || '@example.com' as email,
          i % 3 = 0 as gdpr_consent from range({golden}) t(i);
        create table contacts as select contact_id as id, email, gdpr_consent,
          timestamp '2026-11-01' as created_at, timestamp '2026-11-02' as updated_at
          from golden_contacts;
        create table crm_sync_runs as select
          md5(i::varchar) as run_id, ['hubspot','salesforce'][1 + i % 2] as crm_type,
          ['contacts','companies'][1 + (i // 2) % 2] as object, ['pull','push'][1 + (i // 4) % 2] as direction,
          case when i % 97 = 0 then 'failed' else 'succeeded' end as status,
          timestamp '2026-11-01' + to_seconds(i * 30) as started_at,
          timestamp '2026-11-01' + to_seconds(i * 30 + 5) as finished_at,
          100 as records_read, 10 as records_changed, 10 as records_sent, 9 as records_succeeded,
          1 as records_rejected, 3 as api_calls, 1 as write_calls, 0 as retries, 0 as rate_limited,
          'api-usage=' || (i % 15000) || '/15000' as api_usage, 5.0 as duration_seconds
        from range(50000) t(i);
        create table crm_sync_rejections as select ['hubspot','salesforce'][1 + i % 2] as crm_type,
          md5(i::varchar) as record_key, case when i % 3 = 0 then null else timestamp '2026-11-02' end as resolved_at
        from range(5000) t(i);
        create table enrichment_costs as select ['apollo','pdl'][1 + i % 2] as provider,
          (date '2026-01-01' + (i // 2)::int)::date as day, 1000 as calls, 400 as credits, 600 as hits,
          400 as misses, 0 as mismatches, 0 as errors, 3000 as cache_hits, 0 as budget_exhausted,
          500 as daily_budget from range(700) t(i);
        create table enrichment_cache as select md5(i::varchar) as query_hash,
          ['apollo:company','pdl:company'][1 + i % 2] as source from range({contacts // 20}) t(i);
        create table outreach_events as select md5((i // 5)::varchar) as workflow_id,
          ['sent','opened','replied','bounced','completed'][1 + i % 5] as event,
          timestamp '2026-11-01' as at from range({contacts // 2}) t(i);
        create table outreach_enrollments as select md5(i::varchar) as workflow_id,
          ['active','completed','stopped'][1 + i % 3] as status from range({contacts // 10}) t(i);
        create table outreach_suppressions as select md5(i::varchar) as contact_id,
          ['unsubscribed','bounced'][1 + i % 2] as reason from range({contacts // 100}) t(i);
        create table lead_sla_breaches as select md5(i::varchar) as contact_id,
          ['breach','escalation'][1 + i % 2] as level from range({contacts // 1000}) t(i);
        create table lead_scores as select md5(i::varchar) as contact_id, i % 4 = 0 as qualified
          from range({golden}) t(i);
        create table gdpr_requests as select md5((i // 4)::varchar) as request_id,
          ['warehouse','landing','hubspot','salesforce'][1 + i % 4] as destination,
          case when i < 16 then 'pending' else 'finished' end as status,
          timestamp '2026-11-01' + to_days((i // 4)::int) as requested_at
          from range(400) t(i);
        """
    )
    con.close()


def build_dagster_home(home: Path, runs: int) -> None:
    import dagster as dg
    from dagster._core.storage.runs.schema import RunsTable
    from dagster._serdes import serialize_value

    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    rng = random.Random(7)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    with dg.DagsterInstance.get() as instance:
        instance.add_run(dg.DagsterRun(job_name=JOBS[0], run_id=str(uuid.uuid4())))  # makes tables
        rows = []
        for i in range(runs):
            status = (
                dg.DagsterRunStatus.FAILURE if rng.random() < 0.03 else dg.DagsterRunStatus.SUCCESS
            )
            run = dg.DagsterRun(
                job_name=JOBS[i % len(JOBS)], run_id=str(uuid.uuid4()), status=status
            )
            began = start + timedelta(minutes=2 * i)
            rows.append(
                {
                    "run_id": run.run_id,
                    "pipeline_name": run.job_name,
                    "status": status.value,
                    "run_body": serialize_value(run),
                    "create_timestamp": began.replace(tzinfo=None),
                    "update_timestamp": began.replace(tzinfo=None),
                    "start_time": began.timestamp(),
                    "end_time": began.timestamp() + rng.uniform(5, 90),
                }
            )
        with instance.run_storage.connect() as conn:
            conn.execute(RunsTable.insert(), rows)
        for asset in ("raw_contact_files", "contacts_normalized", "golden_contacts", "contacts"):
            instance.report_runless_asset_event(dg.AssetMaterialization(asset))


def scrape(folder: Path, scrapes: int) -> dict:
    """The measured process: serve the exporter and scrape it over HTTP."""
    import dagster as dg
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    from bizdev_assets.observability.exporter import serve_metrics
    from resources.warehouse import DuckDBWarehouse

    os.environ["DAGSTER_HOME"] = str(folder / "dagster_home")
    with dg.DagsterInstance.get() as instance:
        warehouse = DuckDBWarehouse(path=str(folder / "warehouse.duckdb"))
        server, _ = serve_metrics(0, "127.0.0.1", warehouse, instance)
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        times, body = [], ""
        for _ in range(scrapes + 1):
            watch = Stopwatch()
            body = httpx.get(url, timeout=60).text
            times.append(watch.seconds)
        server.shutdown()
    parts = {
        sample.labels["source"]: sample.value
        for family in text_string_to_metric_families(body)
        if family.name == "bizdev_exporter_collect_seconds"
        for sample in family.samples
    }
    return {
        "first_s": round(times[0], 3),
        "median_s": round(statistics.median(times[1:]), 3),
        "warehouse_s": round(parts["warehouse"], 3),
        "dagster_s": round(parts["dagster"], 3),
        "bytes": len(body),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=5)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's half
    args = parser.parse_args()
    if args.measure:
        emit(scrape(args.measure, args.scrapes))
        return
    folder = OUT / f"metrics_{args.contacts}_{args.runs}"
    if not (folder / "ready").exists():
        folder.mkdir(parents=True, exist_ok=True)
        watch = Stopwatch()
        (folder / "warehouse.duckdb").unlink(missing_ok=True)
        build_warehouse(folder / "warehouse.duckdb", args.contacts)
        build_dagster_home(folder / "dagster_home", args.runs)
        (folder / "ready").touch()
        print(f"built {folder} in {watch.seconds:.0f} s", file=sys.stderr)
    figures = measure_in_fresh_process(
        Path(__file__), ["--measure", str(folder), "--scrapes", str(args.scrapes)]
    )
    print_table([{"contacts": args.contacts, "runs": args.runs, **figures}], COLUMNS)


if __name__ == "__main__":
    main()
