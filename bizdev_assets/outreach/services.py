"""What `bizdev run` starts around the assets so that `make run` enrols and emails with no
settings: the Temporal server (the embedded dev server unless TEMPORAL_ADDRESS is set)
and one `bizdev outreach-worker` process. Both stop when the run ends, however it ends:
the `with` block stops them (SIGTERM, then SIGKILL), and each is started to receive
SIGTERM should `bizdev run` itself be killed. Sequences live on in the dev server's state
file; the next run or `bizdev outreach-worker` picks them up.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from temporalio.client import Client

from bizdev_assets.outreach import control
from resources.temporal import TemporalResource, spawn_child, stop_process_group

WORKER_READY_SECONDS = 60.0
WORKER_STOP_SECONDS = 20.0


# `bizdev outreach-worker` without loading the whole code location first.
WORKER_COMMAND = [sys.executable, "-m", "bizdev_assets.outreach.worker"]


@contextlib.contextmanager
def outreach_services(temporal: TemporalResource, log_dir: Path) -> Iterator[str]:
    """The Temporal address, with a worker process polling its task queue."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with temporal.server_address() as address:
        env = {**os.environ, "TEMPORAL_ADDRESS": address}
        worker = spawn_child(WORKER_COMMAND, env=env, log_file=log_dir / "worker.log")
        try:
            yield address
        finally:
            stop_process_group(worker, WORKER_STOP_SECONDS)


def drain(temporal: TemporalResource, address: str, timeout: float) -> int:
    """Wait (at most `timeout` s) until a worker polls and every workflow that has not
    run its first step has run it; the number still waiting."""

    async def work() -> int:
        client: Client = await temporal.connect(address)
        deadline = time.monotonic() + timeout
        if not await control.wait_for_workers(client, temporal.task_queue, timeout):
            return -1
        states = await control.read_states(client)
        waiting = {
            s["workflow_id"]
            for s in states
            if s["execution_status"] == "running" and not s.get("events")
        }
        return await control.wait_settled(client, waiting, max(0.0, deadline - time.monotonic()))

    return asyncio.run(work())


class RunServices:
    """The outreach side of one `bizdev run`: the address, or why nothing was started."""

    def __init__(self, temporal: TemporalResource) -> None:
        self.temporal = temporal
        self.address: str | None = None
        self.error: str | None = None
        self.waiting: int | None = None

    def drain(self, timeout: float = 120.0) -> None:
        """Let the worker run the first step of every new sequence before it stops."""
        if self.address:
            try:
                self.waiting = drain(self.temporal, self.address, timeout)
            except RuntimeError as exc:
                self.error = f"read-back failed: {exc}"


@contextlib.contextmanager
def services_for_run(temporal: TemporalResource, log_dir: Path) -> Iterator[RunServices]:
    """`outreach_services` that never stops the run: a failure to start is reported (the
    outreach assets then fail on their own, the rest of the pipeline runs)."""
    services = RunServices(temporal)
    with contextlib.ExitStack() as stack:
        try:
            services.address = stack.enter_context(outreach_services(temporal, log_dir))
        except Exception as exc:  # any failure to start must leave the contact chain running
            services.error = f"Temporal not started: {exc}"
        yield services
