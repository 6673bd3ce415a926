"""`bizdev metrics`: serve the Prometheus exporter until stopped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import typer

from bizdev_assets.observability.exporter import serve_metrics
from bizdev_assets.observability.metrics_runs import AD_HOC_JOBS
from resources.observability_config import (
    DEFAULT_METRICS_PORT,
    METRICS_ADDRESS_SETTING,
    METRICS_PORT_SETTING,
)


def exporter_options(defs: dg.Definitions) -> dict:
    """The jobs and checks the exporter reports on: exactly those of the code location."""
    jobs = [job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]
    return {
        "jobs": [*jobs, *AD_HOC_JOBS],
        "checks": sorted(defs.resolve_asset_graph().asset_check_keys, key=str),
    }


def register(
    app: typer.Typer,
    definitions: Callable[[], dg.Definitions],
    dagster_home: Callable[[], Path],
) -> None:
    @app.command("metrics")
    def metrics(
        port: int = typer.Option(
            DEFAULT_METRICS_PORT, envvar=METRICS_PORT_SETTING, help="Port to serve on."
        ),
        address: str = typer.Option(
            "127.0.0.1",
            envvar=METRICS_ADDRESS_SETTING,
            help="Address to bind (0.0.0.0 in a container).",
        ),
    ) -> None:
        """Serve Prometheus metrics on http://ADDRESS:PORT/metrics (docs/observability.md)."""
        dagster_home()
        defs = definitions()
        with dg.DagsterInstance.get() as instance:
            server, _ = serve_metrics(
                port, address, defs.resources["warehouse"], instance, **exporter_options(defs)
            )
            typer.echo(f"serving metrics on http://{address}:{server.server_port}/metrics")
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                server.shutdown()
