"""Talking to running sequences from outside: start (enrol), signal, read back.

Enrolment is idempotent by construction: the workflow id is the contact and the sequence
(`records.workflow_id`), started with id-conflict policy FAIL and id-reuse policy
REJECT_DUPLICATE, so Temporal itself refuses a second workflow for the same pair,
running or finished, whatever the warehouse remembers.

Read-back uses the workflows' memos through the visibility API: it needs no worker and
one paged call serves thousands of workflows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from bizdev_assets.outreach.records import (
    WORKFLOW_TYPE,
    Lead,
    OutreachInput,
    RunOptions,
    contact_id_prefix,
    workflow_id,
)
from bizdev_assets.outreach.sequence import Sequence

STOP_SIGNALS = ("unsubscribed", "bounced")
CONTACT_SIGNALS = ("replied", "unsubscribed", "bounced", "opened", "paused", "resumed")
START_CONCURRENCY = 64


async def enroll(
    client: Client, task_queue: str, lead: Lead, sequence: Sequence, options: RunOptions
) -> str:
    """Start the (contact, sequence) workflow: "started", or "already_enrolled" when one
    exists or existed."""
    try:
        await client.start_workflow(
            WORKFLOW_TYPE,
            OutreachInput(lead=lead, sequence=sequence.to_dict(), options=options),
            id=workflow_id(lead.contact_id, sequence.id),
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            memo={"outreach": {"contact_id": lead.contact_id, "sequence_id": sequence.id,
                               "sequence_version": sequence.version, "owner_id": lead.owner_id,
                               "status": "starting", "events": []}},
        )  # fmt: skip
    except WorkflowAlreadyStartedError:
        return "already_enrolled"
    return "started"


async def enroll_many(
    client: Client, task_queue: str, leads: Iterable[Lead], sequence: Sequence, options: RunOptions
) -> dict[str, str]:
    """`enroll` for many leads, START_CONCURRENCY at a time: contact_id -> outcome."""
    gate = asyncio.Semaphore(START_CONCURRENCY)

    async def one(lead: Lead) -> tuple[str, str]:
        async with gate:
            return lead.contact_id, await enroll(client, task_queue, lead, sequence, options)

    return dict(await asyncio.gather(*(one(lead) for lead in leads)))


async def signal_contact(
    client: Client, contact_id: str, signal: str, arg: str | None = None
) -> list[str]:
    """Send `signal` to every running sequence of the contact; their workflow ids."""
    if signal not in CONTACT_SIGNALS:
        raise ValueError(f"unknown signal {signal!r}; one of {', '.join(CONTACT_SIGNALS)}")
    query = (
        f"WorkflowType = '{WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' "
        f"AND WorkflowId STARTS_WITH '{contact_id_prefix(contact_id)}'"
    )
    signalled = []
    async for execution in client.list_workflows(query):
        handle = client.get_workflow_handle(execution.id)
        args = [] if signal in ("paused", "resumed") else [arg or ""]
        try:
            await handle.signal(signal, *args)
        except RPCError:  # finished between the listing and the signal
            continue
        signalled.append(execution.id)
    return signalled


async def read_states(client: Client, contact_id: str | None = None) -> list[dict[str, Any]]:
    """The memo state of every outreach workflow (of one contact, if given), with the
    execution status and workflow id."""
    query = f"WorkflowType = '{WORKFLOW_TYPE}'"
    if contact_id:
        query += f" AND WorkflowId STARTS_WITH '{contact_id_prefix(contact_id)}'"
    states = []
    async for execution in client.list_workflows(query, page_size=1000):
        memo = (await execution.memo()).get("outreach") or {}
        status = execution.status or WorkflowExecutionStatus.RUNNING
        states.append({
            **memo,
            "workflow_id": execution.id,
            "run_id": execution.run_id,
            "execution_status": status.name.lower(),
            "started_at": execution.start_time,
        })  # fmt: skip
    return states


async def workers_polling(client: Client, task_queue: str) -> int:
    """How many workers poll the outreach task queue for workflow tasks right now."""
    answer = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return len(answer.pollers)


async def wait_for_workers(client: Client, task_queue: str, timeout: float) -> int:
    """Workers polling the task queue, waiting up to `timeout` s for the first one (a
    worker that `bizdev run` started moments ago)."""
    deadline = time.monotonic() + timeout
    while not (workers := await workers_polling(client, task_queue)):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    return workers


async def wait_settled(client: Client, workflow_ids: set[str], timeout: float) -> int:
    """Wait (at most `timeout` s) until each workflow recorded its first event (or ended);
    the number still waiting."""
    return await wait_until(client, workflow_ids, lambda s: bool(s.get("events")), timeout)


async def wait_until(
    client: Client, workflow_ids: set[str], done: Callable[[dict], bool], timeout: float
) -> int:
    """Wait (at most `timeout` s) until `done(state)` holds for each workflow, or it ended;
    the number still waiting."""
    deadline = time.monotonic() + timeout
    pending = set(workflow_ids)
    while pending and time.monotonic() < deadline:
        states = await read_states(client)
        pending &= {
            s["workflow_id"] for s in states if s["execution_status"] == "running" and not done(s)
        }
        if pending:
            await asyncio.sleep(0.5)
    return len(pending)
