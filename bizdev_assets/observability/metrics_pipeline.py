"""Metrics of the contact chain, from its warehouse tables: files and rows in, rows
quarantined and normalized per source type, duplicate rate, golden contacts, consent,
and ingestion latency (file landed -> its rows normalized; the same run then updates
`contacts`).

Counts over tables that only grow (the file log, raw, normalized, quarantine) are exported
as counters; sizes of tables that are rebuilt (golden contacts, contacts) as gauges.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from bizdev_assets.observability.families import bounded, epoch_seconds, histogram
from bizdev_assets.observability.snapshot import Catalog, Reader, pairs

# Seconds from a file landing to its rows being normalized: the ADR's 5 minutes sits mid-scale.
LATENCY_BUCKETS = (10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)
FILE_LOG = "landing_file_log"


def pipeline_metrics(warehouse: Reader, catalog: Catalog) -> Iterator[Metric]:
    if catalog.has(FILE_LOG, "status", "source_type", "rows_read", "ingested_at"):
        yield from _file_log_metrics(warehouse, catalog)
    yield from _row_metrics(warehouse, catalog)
    yield from _golden_metrics(warehouse, catalog)


def _file_log_metrics(warehouse: Reader, catalog: Catalog) -> Iterator[Metric]:
    # Files read before landed_at was recorded count from when they were read.
    landed = (
        "coalesce(landed_at, ingested_at)" if catalog.has(FILE_LOG, "landed_at") else "ingested_at"
    )
    log = warehouse.query(
        f"select status, source_type, rows_read, {landed} as landed_at, ingested_at, "
        f"normalized_at from {FILE_LOG}"
    )
    files = CounterMetricFamily(
        "bizdev_landing_files",
        "Landing files read, by outcome (loaded or rejected)",
        labels=["status"],
    )
    for status, n in bounded((s, 1) for s in log["status"]).items():
        files.add_metric([status], n)
    yield files
    rows = CounterMetricFamily(
        "bizdev_rows_read",
        "Rows read from loaded landing files, by source type",
        labels=["source_type"],
    )
    for source, n in bounded(pairs(log.select("source_type", "rows_read"))).items():
        rows.add_metric([source], n)
    yield rows
    pending = log.filter((pl.col("status") == "loaded") & pl.col("normalized_at").is_null())
    yield GaugeMetricFamily(
        "bizdev_landing_files_pending",
        "Loaded files whose rows are not normalized yet",
        value=pending.height,
    )
    newest = log["landed_at"].max()
    if newest is not None:
        yield GaugeMetricFamily(
            "bizdev_landing_last_file_timestamp_seconds",
            "When the newest file read had landed (Unix time)",
            value=epoch_seconds(newest),  # type: ignore[arg-type]
        )
    done = log.filter(pl.col("normalized_at").is_not_null() & (pl.col("rows_read") > 0))
    latencies = [
        max(0.0, (normalized - landed).total_seconds())
        for landed, normalized in done.select("landed_at", "normalized_at").iter_rows()
    ]
    yield histogram(
        "bizdev_ingestion_latency_seconds",
        "Seconds from a file landing to its rows being normalized, per loaded file",
        latencies,
        LATENCY_BUCKETS,
    )


def _row_metrics(warehouse: Reader, catalog: Catalog) -> Iterator[Metric]:
    if catalog.has("contacts_normalized", "source_type"):
        normalized = warehouse.query(
            "select source_type, count(*) from contacts_normalized group by 1"
        )
        family = CounterMetricFamily(
            "bizdev_rows_normalized",
            "Usable rows normalized, by source type",
            labels=["source_type"],
        )
        for source, n in bounded(pairs(normalized)).items():
            family.add_metric([source], n)
        yield family
    if catalog.has("contacts_quarantine", "file_hash") and catalog.has(FILE_LOG, "file_hash"):
        quarantined = warehouse.query(
            "select f.source_type, count(*) from contacts_quarantine q "
            f"left join (select distinct file_hash, source_type from {FILE_LOG}) f "
            "using (file_hash) group by 1"
        )
        family = CounterMetricFamily(
            "bizdev_rows_quarantined",
            "Unusable rows set aside, by source type",
            labels=["source_type"],
        )
        for source, n in bounded(pairs(quarantined)).items():
            family.add_metric([source], n)
        yield family


def _golden_metrics(warehouse: Reader, catalog: Catalog) -> Iterator[Metric]:
    if not catalog.has("golden_contacts"):
        return
    golden = warehouse.row_count("golden_contacts")
    yield GaugeMetricFamily("bizdev_golden_contacts", "Golden contacts (people)", value=golden)
    if catalog.has("contacts_normalized"):
        records = warehouse.row_count("contacts_normalized")
        rate = 1 - golden / records if records else 0.0
        yield GaugeMetricFamily(
            "bizdev_duplicate_ratio",
            "Share of normalized records merged into another record's golden contact",
            value=rate,
        )
    if catalog.has("contacts", "gdpr_consent"):
        consent = warehouse.query(
            "select case when gdpr_consent then 'true' else 'false' end, count(*) "
            "from contacts group by 1"
        )
        family = GaugeMetricFamily(
            "bizdev_contacts", "Published contacts, by GDPR consent", labels=["gdpr_consent"]
        )
        counts = {"true": 0.0, "false": 0.0, **dict(pairs(consent))}
        for value, n in counts.items():
            family.add_metric([value], n)
        yield family
