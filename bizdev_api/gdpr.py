"""GDPR erasure over HTTP: `POST /v1/gdpr/erase` and `GET /v1/gdpr/requests/{id}`
(scope `gdpr:erase`; `admin` holds it).

The same request as `bizdev gdpr erase` (`bizdev_assets/gdpr/erase.py`): the subject
resolved through their clusters, suppressed, erased from every destination, audited.
Unlike the read routes this one writes to the warehouse (the request, the suppression
list, the deletes); it runs in a worker thread and answers with each destination's
status, `202` when some destination is still open (the hourly retry job carries it on).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from bizdev_api.auth import Principal, require
from bizdev_api.errors import ApiError
from bizdev_assets.gdpr.erase import ErasureSystems, SubjectNotFound, request_erasure
from bizdev_assets.gdpr.requests import request_rows
from resources.settings import build_resources

router = APIRouter(tags=["gdpr"])
SCOPE = "gdpr:erase"
_SYSTEMS = ("warehouse", "landing", "pipeline_config", "hubspot", "salesforce", "temporal")


class Erase(BaseModel):
    email: str | None = Field(None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    contact_id: str | None = Field(None, max_length=64)
    reason: str = Field("data subject request (GDPR art. 17)", max_length=500)

    @model_validator(mode="after")
    def one_identifier(self) -> Erase:
        if not (self.email or self.contact_id):
            raise ValueError("give email or contact_id")
        return self


def _systems(request: Request) -> ErasureSystems:
    resources = build_resources(request.app.state.services.settings)
    wanted = (*_SYSTEMS, "mail", "notifier")
    return ErasureSystems.from_resources(
        {k: resources[k].process_config_and_initialize() for k in wanted}
    )


def _statuses(systems: ErasureSystems, request_id: str) -> list[dict[str, Any]]:
    rows = request_rows(systems.warehouse, request_id)
    return [
        {"destination": d, "status": s, "reason": r}
        for d, s, r in rows.select("destination", "status", "reason").iter_rows()
    ]


@router.post("/v1/gdpr/erase", summary="Erase a data subject everywhere (GDPR art. 17)")
async def erase(
    body: Erase,
    request: Request,
    principal: Principal = Depends(require("triggers", SCOPE)),
) -> JSONResponse:
    def run() -> tuple[str, list[dict[str, Any]]]:
        systems = _systems(request)
        request_id = request_erasure(
            systems,
            email=body.email,
            contact_id=body.contact_id,
            requested_by=f"api:{principal.client}",
            reason=body.reason,
        )
        return request_id, _statuses(systems, request_id)

    try:
        request_id, statuses = await run_in_threadpool(run)
    except SubjectNotFound as exc:
        raise ApiError(404, str(exc)) from None
    done = all(s["status"] == "finished" for s in statuses)
    return JSONResponse(
        {"request_id": request_id, "destinations": statuses}, status_code=200 if done else 202
    )


@router.get("/v1/gdpr/requests/{request_id}", summary="An erasure request's status")
async def status(
    request_id: str,
    request: Request,
    principal: Principal = Depends(require("triggers", SCOPE)),
) -> dict:
    statuses = await run_in_threadpool(lambda: _statuses(_systems(request), request_id))
    if not statuses:
        raise ApiError(404, f"no GDPR request {request_id}")
    return {"request_id": request_id, "destinations": statuses}
