"""The SLO thresholds (docs/observability.md) and the clock the SLO checks read.

The clock is a method so that a test can freeze it by subclassing (`now`), the way a
test swaps any other resource, instead of patching a module.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg

# `bizdev metrics` (the exporter's command line) reads these; named here with the other settings.
METRICS_PORT_SETTING = "BIZDEV_METRICS_PORT"
METRICS_ADDRESS_SETTING = "BIZDEV_METRICS_ADDRESS"
DEFAULT_METRICS_PORT = 9464


class ObservabilityConfig(dg.ConfigurableResource):
    """`BIZDEV_SLO_WINDOW_MINUTES` (contacts freshness and CRM sync delay, default 5) and
    `BIZDEV_SLO_QUARANTINE_SHARE` (largest share of a file's rows quarantined, 0.05)."""

    slo_window_minutes: float = 5.0
    quarantine_share: float = 0.05

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.slo_window_minutes)

    def now(self) -> datetime:
        return datetime.now(UTC)
