"""Erasing a subject from Temporal: their outreach workflows stopped, then deleted.

A workflow's history holds its input (the lead: name, email) for the namespace's
retention period, so stopping it is not enough: each of the subject's workflows, running
or closed, is terminated if still running and then deleted with
`DeleteWorkflowExecution`, which removes its history and visibility record. Terminated,
not cancelled: cancellation needs a worker to run the workflow's own cleanup, and an
erasure must not wait on one (nothing more is sent either way).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from bizdev_assets.outreach.records import WORKFLOW_TYPE, contact_id_prefix

REASON = "GDPR erasure"


DELETE_WAIT_SECONDS = 60.0  # Temporal deletes histories in the background


@dataclass
class WorkflowErasure:
    terminated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    still_present: list[str] = field(default_factory=list)  # not gone within the wait


async def _listed(
    client: Client, contact_ids: set[str]
) -> dict[tuple[str, str], WorkflowExecutionStatus | None]:
    executions: dict[tuple[str, str], WorkflowExecutionStatus | None] = {}
    for contact_id in sorted(contact_ids):
        query = (
            f"WorkflowType = '{WORKFLOW_TYPE}' "
            f"AND WorkflowId STARTS_WITH '{contact_id_prefix(contact_id)}'"
        )
        async for execution in client.list_workflows(query, page_size=1000):
            executions[(execution.id, execution.run_id)] = execution.status
    return executions


async def _exists(client: Client, workflow_id: str, run_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id, run_id=run_id).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def _wait_gone(
    client: Client, contact_ids: set[str], executions: set[tuple[str, str]], timeout: float
) -> list[str]:
    """Wait until neither the executions nor their visibility records remain; what is
    still there when `timeout` runs out."""
    deadline = time.monotonic() + timeout
    while True:
        present = {e for e in executions if await _exists(client, *e)}
        present |= set(await _listed(client, contact_ids))
        if not present or time.monotonic() > deadline:
            return sorted(w for w, _ in present)
        await asyncio.sleep(0.2)


async def erase_workflows(
    client: Client,
    contact_ids: set[str],
    workflow_ids: set[str],
    wait_seconds: float = DELETE_WAIT_SECONDS,
) -> WorkflowErasure:
    outcome = WorkflowErasure()
    executions = await _listed(client, contact_ids)
    for workflow_id in sorted(workflow_ids - {w for w, _ in executions}):
        try:
            described = await client.get_workflow_handle(workflow_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                continue
            raise
        executions[(described.id, described.run_id)] = described.status
    for (workflow_id, run_id), status in sorted(executions.items(), key=str):
        if status in (None, WorkflowExecutionStatus.RUNNING):
            try:
                await client.get_workflow_handle(workflow_id, run_id=run_id).terminate(
                    reason=REASON
                )
                outcome.terminated.append(workflow_id)
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:
                    raise
        try:
            await client.workflow_service.delete_workflow_execution(
                DeleteWorkflowExecutionRequest(
                    namespace=client.namespace,
                    workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
                )
            )
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        outcome.deleted.append(workflow_id)
    outcome.still_present = await _wait_gone(client, contact_ids, set(executions), wait_seconds)
    return outcome
