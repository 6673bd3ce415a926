"""Workflow triggers: `POST /v1/outreach/enroll | pause | resume | signals` (scope
`workflows:trigger`), against the small interface `OutreachTriggers`.

`TemporalTriggers` is the real one: the outreach sequences of `bizdev_assets/outreach`
(issue 13) on the configured Temporal (`TEMPORAL_ADDRESS`, or the embedded dev server,
adopted if the worker runs it), making the calls `bizdev outreach enroll|pause|resume|
event` make: the same consent gate and suppressions (`lead_for_contact`, read through
the API's read-only warehouse reader), the same idempotent start (the workflow id is
contact + sequence, so a repeated enrol answers "already_enrolled"), the same signals
(a repeated replied/unsubscribed is a no-op of the workflow). Requests are checked
first: a malformed one is a 4xx and never reaches Temporal. `NotConfigured` (503) is
for an app built without outreach.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Literal, Protocol

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from bizdev_api.auth import Principal, require
from bizdev_api.errors import ApiError
from bizdev_assets.outreach import control
from bizdev_assets.outreach.enrollment import lead_for_contact
from bizdev_assets.outreach.records import RunOptions
from bizdev_assets.outreach.sequence import load_sequences
from resources.outreach_config import OutreachConfig
from resources.temporal import TemporalResource

UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
router = APIRouter(tags=["outreach"])


class OutreachTriggers(Protocol):
    """What the routes call. Each returns a short outcome (e.g. "started",
    "already_enrolled") or the workflow ids signalled."""

    async def enroll(self, contact_id: str, sequence_id: str | None) -> str: ...

    async def signal(self, contact_id: str, signal: str, detail: str | None) -> list[str]: ...


class NotConfigured:
    async def enroll(self, contact_id: str, sequence_id: str | None) -> str:
        raise _not_configured()

    async def signal(self, contact_id: str, signal: str, detail: str | None) -> list[str]:
        raise _not_configured()


class TemporalTriggers:
    """The outreach workflows on Temporal (see the module docstring). One client for the
    process, connected at the first trigger; `close()` at shutdown releases an embedded
    dev server this process started."""

    def __init__(self, temporal: TemporalResource, config: OutreachConfig, warehouse: Any):
        self.temporal = temporal
        self.config = config
        self.warehouse = warehouse  # read-only: table_exists and query
        self._client: Client | None = None
        self._lock = asyncio.Lock()
        self._embedded = contextlib.ExitStack()

    async def enroll(self, contact_id: str, sequence_id: str | None) -> str:
        sequences = await run_in_threadpool(load_sequences, self.config.path("sequences_dir"))
        chosen = sequences.get(sequence_id or self.config.sequence)
        if chosen is None:
            raise ApiError(
                422, f"no sequence {sequence_id!r}; the sequences are {', '.join(sequences)}"
            )
        lead, refusal = await run_in_threadpool(lead_for_contact, self.warehouse, contact_id)
        if lead is None:
            raise ApiError(409, f"contact {contact_id} is not enrolled: {refusal}")
        options = RunOptions(activity_timeout_seconds=self.temporal.activity_timeout_seconds)
        client = await self._connected()
        return await control.enroll(client, self.temporal.task_queue, lead, chosen, options)

    async def signal(self, contact_id: str, signal: str, detail: str | None) -> list[str]:
        client = await self._connected()
        return await control.signal_contact(client, contact_id, signal, detail)

    async def _connected(self) -> Client:
        async with self._lock:
            if self._client is None:
                try:
                    address = self.temporal.address or await run_in_threadpool(
                        self._embedded.enter_context, self.temporal.server_address()
                    )
                    self._client = await self.temporal.connect(address)
                except Exception as error:
                    raise ApiError(
                        503,
                        f"Temporal ({self.temporal.location}) cannot be reached: "
                        f"{str(error)[:300]}; nothing was started, retry later",
                        headers={"Retry-After": "10"},
                    ) from None
            return self._client

    def close(self) -> None:
        self._embedded.close()


def _not_configured() -> ApiError:
    return ApiError(
        503,
        "outreach not configured: this server has no outreach workflows (issue 13) wired in",
        headers={"Retry-After": "3600"},
    )


class Enroll(BaseModel):
    contact_id: str = Field(pattern=UUID)
    sequence_id: str | None = Field(
        None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$"
    )  # None: BIZDEV_OUTREACH_SEQUENCE


class ContactOnly(BaseModel):
    contact_id: str = Field(pattern=UUID)


class Signal(BaseModel):
    contact_id: str = Field(pattern=UUID)
    signal: Literal["replied", "unsubscribed"]
    detail: str | None = Field(None, max_length=2000)


def _triggers(request: Request) -> OutreachTriggers:
    return request.app.state.services.outreach


@router.post("/v1/outreach/enroll", summary="Enrol a contact in a sequence")
async def enroll(
    body: Enroll,
    request: Request,
    principal: Principal = Depends(require("triggers", "workflows:trigger")),
) -> dict:
    outcome = await _triggers(request).enroll(body.contact_id, body.sequence_id)
    return {"contact_id": body.contact_id, "sequence_id": body.sequence_id, "outcome": outcome}


@router.post("/v1/outreach/pause", summary="Pause a contact's running sequences")
async def pause(
    body: ContactOnly,
    request: Request,
    principal: Principal = Depends(require("triggers", "workflows:trigger")),
) -> dict:
    signalled = await _triggers(request).signal(body.contact_id, "paused", None)
    return {"contact_id": body.contact_id, "workflows": signalled}


@router.post("/v1/outreach/resume", summary="Resume a contact's paused sequences")
async def resume(
    body: ContactOnly,
    request: Request,
    principal: Principal = Depends(require("triggers", "workflows:trigger")),
) -> dict:
    signalled = await _triggers(request).signal(body.contact_id, "resumed", None)
    return {"contact_id": body.contact_id, "workflows": signalled}


@router.post("/v1/outreach/signals", summary="Signal replied / unsubscribed (idempotent)")
async def signal(
    body: Signal,
    request: Request,
    principal: Principal = Depends(require("triggers", "workflows:trigger")),
) -> dict:
    signalled = await _triggers(request).signal(body.contact_id, body.signal, body.detail)
    return {"contact_id": body.contact_id, "signal": body.signal, "workflows": signalled}
