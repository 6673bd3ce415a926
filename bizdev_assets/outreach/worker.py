"""The outreach worker: runs `OutreachSequence` workflows and their activities.

`bizdev outreach-worker` (or `python -m bizdev_assets.outreach.worker`, which starts
faster: it does not load the whole code location) runs `main` until SIGTERM/SIGINT;
`bizdev run` starts the latter as a child process for the length of the run (services.py). The
activities get their transports from the same settings as the assets: the mail
resource, and a task client per configured CRM.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from bizdev_assets.outreach.activities import OutreachActivities
from bizdev_assets.outreach.workflow import OutreachSequence
from resources.crm import HubSpotResource, SalesforceResource
from resources.crm.hubspot.tasks import HubSpotTasks
from resources.crm.salesforce.tasks import SalesforceTasks
from resources.mail import MailResource
from resources.settings import Settings, build_resources
from resources.temporal import TemporalResource

ACTIVITY_THREADS = 16
# The sandbox still runs each workflow in isolation, but shares imported modules instead of
# re-importing them per workflow: the workflow's imports are pure (no global state), and
# re-importing them cost most of a 2-core worker's CPU and memory (bench/outreach.py).
RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_all_modules()
)


def build_activities(resources: dict[str, Any]) -> OutreachActivities:
    """Activities over the resources of `build_resources(settings)` (secrets resolved)."""
    mail: MailResource = resources["mail"].process_config_and_initialize()
    activities = OutreachActivities(mail=mail)
    hubspot: HubSpotResource = resources["hubspot"].process_config_and_initialize()
    salesforce: SalesforceResource = resources["salesforce"].process_config_and_initialize()
    if hubspot.configured:
        activities.task_clients.append(
            HubSpotTasks(
                hubspot.access_token or "",
                hubspot.api_base,
                max_retries=hubspot.max_retries,
                backoff_seconds=hubspot.backoff_seconds,
            )
        )
    else:
        activities.skipped_crms.append("hubspot: not configured")
    if salesforce.configured:
        activities.task_clients.append(SalesforceTasks(salesforce.client()))
    else:
        activities.skipped_crms.append("salesforce: not configured")
    return activities


def worker(client: Client, task_queue: str, activities: OutreachActivities) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[OutreachSequence],
        workflow_runner=RUNNER,
        activities=activities.all(),
        activity_executor=ThreadPoolExecutor(ACTIVITY_THREADS),
        max_concurrent_activities=ACTIVITY_THREADS,
    )


def serve(temporal: TemporalResource, activities: OutreachActivities, *, ready=None) -> None:
    """Run a worker until SIGTERM or SIGINT, then finish the tasks in hand and return.
    With the embedded default, the dev server runs as long as the worker."""

    async def main(address: str) -> None:
        client = await temporal.connect(address)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with worker(client, temporal.task_queue, activities):
            if ready is not None:
                ready(address)
            await stop.wait()

    with temporal.server_address() as address, contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(address))


def main() -> None:
    """The worker of the configured environment (settings from the environment)."""
    resources = build_resources(Settings.from_env())
    temporal = resources["temporal"].process_config_and_initialize()
    activities = build_activities(resources)

    def ready(address: str) -> None:
        print(
            f"outreach worker: task queue {temporal.task_queue} on {address}; "
            f"mail: {activities.mail.location}",
            flush=True,
        )

    serve(temporal, activities, ready=ready)


if __name__ == "__main__":
    main()
