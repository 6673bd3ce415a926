"""Observability (issue 16): the Prometheus exporter, SLOs as asset checks, and alerts.

- `exporter.py`: `render_metrics(warehouse, instance)` and `bizdev metrics`, a custom
  collector that computes every metric at scrape time from the warehouse tables
  (`metrics_pipeline.py`, `metrics_systems.py`) and Dagster's instance (`metrics_runs.py`).
- `slo.py` (pure) and `checks.py`: the SLOs of ADR-013 as Dagster asset checks.
- `incidents.py` (pure) and `alerts.py`: run failures, failed blocking checks and SLO
  breaches become one trigger and one resolve per incident (`resources/notify.py` sends).
"""
