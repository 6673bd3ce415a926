"""Workflow triggers: `POST /v1/outreach/enroll | pause | resume | signals` (scope
`workflows:trigger`), against the small interface `OutreachTriggers`.

The outreach sequences (issue 13, Temporal workflows) are built on another branch; when
both are on main, the second to land passes an implementation of `OutreachTriggers` to
`create_app(outreach=...)` (its `bizdev_assets/outreach/control.py` has the calls:
`enroll`, `signal_contact`). Until then `NotConfigured` answers 503 "outreach not
configured". Requests are checked first either way: a malformed one is a 4xx, never a
503. Enrolment is idempotent by the workflow id (contact + sequence), and a repeated
signal is a no-op of the workflow, so a client may retry any of these.
"""

from __future__ import annotations

from typing import Literal, Protocol

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from bizdev_api.auth import Principal, require
from bizdev_api.errors import ApiError

UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
router = APIRouter(tags=["outreach"])


class OutreachTriggers(Protocol):
    """What the routes call. Each returns a short outcome (e.g. "started",
    "already_enrolled") or the workflow ids signalled."""

    async def enroll(self, contact_id: str, sequence_id: str) -> str: ...

    async def signal(self, contact_id: str, signal: str, detail: str | None) -> list[str]: ...


class NotConfigured:
    async def enroll(self, contact_id: str, sequence_id: str) -> str:
        raise _not_configured()

    async def signal(self, contact_id: str, signal: str, detail: str | None) -> list[str]:
        raise _not_configured()


def _not_configured() -> ApiError:
    return ApiError(
        503,
        "outreach not configured: this server has no outreach workflows (issue 13) wired in",
        headers={"Retry-After": "3600"},
    )


class Enroll(BaseModel):
    contact_id: str = Field(pattern=UUID)
    sequence_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")


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
