"""The Prometheus exporter: one custom collector that computes every metric when scraped.

Nothing is kept between scrapes: the warehouse tables and Dagster's storage are the
truth, so the exporter can restart, run twice, or sit behind the API (`render_metrics`
for its `/metrics` route) and always agree. Each source is collected on its own: when
the warehouse is locked or down the Dagster metrics still come, with
`bizdev_exporter_source_up{source="warehouse"} 0` saying what is missing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime

import dagster as dg
from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bizdev_assets.observability.metrics_pipeline import pipeline_metrics
from bizdev_assets.observability.metrics_runs import (
    DEFAULT_ASSETS,
    DEFAULT_JOBS,
    asset_metrics,
    run_metrics,
)
from bizdev_assets.observability.metrics_systems import (
    crm_metrics,
    enrichment_metrics,
    gdpr_metrics,
    outreach_metrics,
)
from bizdev_assets.observability.snapshot import read_catalog, reader_for
from resources.warehouse import Warehouse

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class BizdevCollector(Collector):
    """Every bizdev metric, computed at scrape time from the warehouse and the instance."""

    def __init__(
        self,
        warehouse: Warehouse,
        instance: dg.DagsterInstance | None,
        *,
        jobs: Sequence[str] = DEFAULT_JOBS,
        assets: Sequence[str] = DEFAULT_ASSETS,
        checks: Sequence[dg.AssetCheckKey] = (),
        clock: Clock = utc_now,
    ) -> None:
        self.warehouse = warehouse
        self.instance = instance
        self.jobs, self.assets, self.checks = tuple(jobs), tuple(assets), tuple(checks)
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "bizdev_exporter_source_up",
            "1 when the source could be read at this scrape",
            labels=["source"],
        )
        seconds = GaugeMetricFamily(
            "bizdev_exporter_collect_seconds", "Time spent reading the source", labels=["source"]
        )
        for source, produce in (("warehouse", self._warehouse), ("dagster", self._dagster)):
            started = time.perf_counter()
            try:
                families = list(produce())
            except Exception as error:  # a scrape reports a broken source, it never fails
                log.warning("metrics: %s could not be read: %s", source, error)
                families, ok = [], 0.0
            else:
                ok = 1.0
            yield from families
            up.add_metric([source], ok)
            seconds.add_metric([source], time.perf_counter() - started)
        yield up
        yield seconds

    def _warehouse(self) -> Iterator[Metric]:
        now = self.clock()
        with reader_for(self.warehouse) as reader:
            catalog = read_catalog(reader)
            yield from pipeline_metrics(reader, catalog)
            yield from crm_metrics(reader, catalog, now)
            yield from enrichment_metrics(reader, catalog, now)
            yield from outreach_metrics(reader, catalog)
            yield from gdpr_metrics(reader, catalog, now)

    def _dagster(self) -> Iterator[Metric]:
        if self.instance is None:
            raise RuntimeError("no Dagster instance (set DAGSTER_HOME)")
        yield from run_metrics(self.instance, self.jobs)
        yield from asset_metrics(self.instance, self.assets, self.checks)


def registry_for(
    warehouse: Warehouse, instance: dg.DagsterInstance | None, **options
) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(BizdevCollector(warehouse, instance, **options))
    return registry


def render_metrics(warehouse: Warehouse, instance: dg.DagsterInstance | None, **options) -> bytes:
    """The Prometheus text exposition of every bizdev metric, for an API's `/metrics`
    (serve it with `prometheus_client.CONTENT_TYPE_LATEST`). Options as `BizdevCollector`."""
    return generate_latest(registry_for(warehouse, instance, **options))


def serve_metrics(
    port: int, address: str, warehouse: Warehouse, instance: dg.DagsterInstance | None, **options
):
    """Serve `/metrics` on `address:port` in a background thread; returns (server, thread)."""
    return start_http_server(port, address, registry=registry_for(warehouse, instance, **options))
