"""Metrics from Dagster's instance: runs per job and outcome, the last run of each job,
when key assets were last materialized, and the latest outcome of each asset check.

Run figures come from three grouped queries over the run storage's `runs` table (SQLite
or Postgres), through one connection: the public API needs a query per job and status,
each on a new SQLite connection, which made that part 0.7 s of a scrape on a busy
2-core machine. A storage that is not SQL falls back to the public API. No run body is
read either way, so a scrape costs about the same with 10 runs or 10,000.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dagster as dg
import sqlalchemy as sa
from dagster._core.storage.runs.schema import RunsTable
from dagster._core.storage.runs.sql_run_storage import SqlRunStorage
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

FINISHED = {
    "success": dg.DagsterRunStatus.SUCCESS,
    "failure": dg.DagsterRunStatus.FAILURE,
    "canceled": dg.DagsterRunStatus.CANCELED,
}
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]
# Ad-hoc materializations: `bizdev run` (dg.materialize) and the UI's "Materialize".
AD_HOC_JOBS = ("__ephemeral_asset_job__", "__ASSET_JOB")
DEFAULT_JOBS = (
    "contacts_refresh",
    "contact_model_training",
    "crm_sync",
    "crm_pull",
    "enrichment_refresh",
    "company_signals_refresh",
    "outreach_refresh",
    *AD_HOC_JOBS,
)
DEFAULT_ASSETS = (
    "raw_contact_files",
    "contacts_normalized",
    "golden_contacts",
    "contacts",
    "crm_hubspot_push",
    "crm_salesforce_push",
    "outreach_events",
)


def run_metrics(instance: dg.DagsterInstance, jobs: Sequence[str]) -> Iterator[Metric]:
    total = CounterMetricFamily(
        "bizdev_dagster_runs", "Finished Dagster runs, by job and outcome", labels=["job", "status"]
    )
    active = GaugeMetricFamily(
        "bizdev_dagster_runs_active", "Runs queued or in progress", labels=["job"]
    )
    duration = GaugeMetricFamily(
        "bizdev_dagster_last_run_duration_seconds",
        "Duration of the job's last finished run",
        labels=["job"],
    )
    failed = GaugeMetricFamily(
        "bizdev_dagster_last_run_failed",
        "1 when the job's last finished run failed",
        labels=["job"],
    )
    success_at = GaugeMetricFamily(
        "bizdev_dagster_last_success_timestamp_seconds",
        "When the job's last successful run ended (Unix time)",
        labels=["job"],
    )
    storage = _sql_run_storage(instance)
    if storage is not None:
        _fill_from_sql(storage, jobs, total, active, duration, failed, success_at)
        yield from (total, active, duration, failed, success_at)
        return
    for job in jobs:
        for status, value in FINISHED.items():
            count = instance.get_runs_count(dg.RunsFilter(job_name=job, statuses=[value]))
            total.add_metric([job, status], count)
        active.add_metric(
            [job], instance.get_runs_count(dg.RunsFilter(job_name=job, statuses=ACTIVE))
        )
        last = _last_run(instance, job, list(FINISHED.values()))
        if last is None:
            continue
        if last.start_time is not None and last.end_time is not None:
            duration.add_metric([job], last.end_time - last.start_time)
        failed.add_metric([job], float(last.dagster_run.status == dg.DagsterRunStatus.FAILURE))
        success = _last_run(instance, job, [dg.DagsterRunStatus.SUCCESS])
        if success is not None and success.end_time is not None:
            success_at.add_metric([job], success.end_time)
    yield from (total, active, duration, failed, success_at)


def _sql_run_storage(instance: dg.DagsterInstance) -> SqlRunStorage | None:
    storage = instance.run_storage
    if not isinstance(storage, SqlRunStorage):  # dagster.yaml's Postgres: a legacy wrapper
        storage = getattr(getattr(storage, "_storage", None), "run_storage", None)
    return storage if isinstance(storage, SqlRunStorage) else None


def _fill_from_sql(
    storage: SqlRunStorage, jobs: Sequence[str], total, active, duration, failed, success_at
) -> None:
    runs = RunsTable.c
    finished = [status.value for status in FINISHED.values()]
    by_job = runs.pipeline_name.in_(list(jobs))
    with storage.connect() as conn:
        counts = conn.execute(
            sa.select(runs.pipeline_name, runs.status, sa.func.count())
            .where(by_job)
            .group_by(runs.pipeline_name, runs.status)
        ).fetchall()
        newest = (
            sa.select(sa.func.max(runs.id))
            .where(by_job, runs.status.in_(finished))
            .group_by(runs.pipeline_name)
        )
        last = conn.execute(
            sa.select(runs.pipeline_name, runs.status, runs.start_time, runs.end_time).where(
                runs.id.in_(newest)
            )
        ).fetchall()
        successes = conn.execute(
            sa.select(runs.pipeline_name, sa.func.max(runs.end_time))
            .where(by_job, runs.status == dg.DagsterRunStatus.SUCCESS.value)
            .group_by(runs.pipeline_name)
        ).fetchall()
    count = {(job, status): n for job, status, n in counts}
    active_values = {status.value for status in ACTIVE}
    for job in jobs:
        for name, status in FINISHED.items():
            total.add_metric([job, name], count.get((job, status.value), 0))
        in_progress = sum(
            n for (j, status), n in count.items() if j == job and status in active_values
        )
        active.add_metric([job], in_progress)
    for job, status, started, ended in last:
        if started is not None and ended is not None:
            duration.add_metric([job], ended - started)
        failed.add_metric([job], float(status == dg.DagsterRunStatus.FAILURE.value))
    for job, ended in successes:
        if ended is not None:
            success_at.add_metric([job], ended)


def _last_run(instance: dg.DagsterInstance, job: str, statuses: list) -> dg.RunRecord | None:
    records = instance.get_run_records(
        filters=dg.RunsFilter(job_name=job, statuses=statuses), limit=1
    )
    return records[0] if records else None


def asset_metrics(
    instance: dg.DagsterInstance, assets: Sequence[str], checks: Sequence[dg.AssetCheckKey]
) -> Iterator[Metric]:
    materialized = GaugeMetricFamily(
        "bizdev_asset_last_materialization_timestamp_seconds",
        "When the asset (table) was last materialized (Unix time)",
        labels=["asset"],
    )
    # One query for every asset (a call per asset cost ~40 ms each on SQLite).
    for record in instance.get_asset_records([dg.AssetKey(asset) for asset in assets]):
        event = record.asset_entry.last_materialization
        if event is not None:
            materialized.add_metric(
                [record.asset_entry.asset_key.to_user_string()], event.timestamp
            )
    yield materialized
    passed = GaugeMetricFamily(
        "bizdev_asset_check_passed",
        "1 when the asset check's latest evaluation passed, 0 when it failed",
        labels=["asset", "check"],
    )
    pass_rate = GaugeMetricFamily(
        "bizdev_expectation_pass_ratio",
        "Share of a Great Expectations suite's expectations met at its latest run",
        labels=["asset"],
    )
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(checks))
    for key, record in latest.items():
        evaluation = getattr(record.event, "asset_check_evaluation", None) if record.event else None
        if evaluation is None:
            continue
        asset = key.asset_key.to_user_string()
        passed.add_metric([asset, key.name], float(evaluation.passed))
        if key.name == "gx_suite" and "pass_rate" in evaluation.metadata:
            pass_rate.add_metric([asset], float(evaluation.metadata["pass_rate"].value))
    yield passed
    yield pass_rate
