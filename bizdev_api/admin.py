"""`/v1/admin/api-keys`: create, list and revoke API keys over HTTP (scope `admin`).

The same store as `bizdev api key create|list|revoke` (`keys.py`); the full key is in
the creation response only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bizdev_api.auth import require
from bizdev_api.errors import ApiError
from bizdev_api.keys import ApiKey, KeyStore

router = APIRouter(tags=["admin"], dependencies=[Depends(require("admin", "admin"))])


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1, max_length=10)


def key_view(key: ApiKey) -> dict[str, Any]:
    def iso(moment: float | None) -> str | None:
        return datetime.fromtimestamp(moment, UTC).isoformat() if moment else None

    return {
        "key_id": key.key_id,
        "name": key.name,
        "scopes": list(key.scopes),
        "created_at": iso(key.created_at),
        "last_used_at": iso(key.last_used_at),
        "revoked_at": iso(key.revoked_at),
    }


def _keys(request: Request) -> KeyStore:
    return request.app.state.services.keys


@router.get("/v1/admin/api-keys", summary="API keys (never their secrets)")
async def list_keys(request: Request) -> dict[str, Any]:
    keys = await run_in_threadpool(_keys(request).list)
    return {"api_keys": [key_view(k) for k in keys]}


@router.post("/v1/admin/api-keys", status_code=201, summary="Create an API key")
async def create_key(body: NewKey, request: Request) -> dict[str, Any]:
    try:
        full, key = await run_in_threadpool(_keys(request).create, body.name, body.scopes)
    except ValueError as error:
        raise ApiError(422, str(error)) from None
    return {"api_key": full, **key_view(key), "note": "shown once: store it now"}


@router.delete("/v1/admin/api-keys/{key_id}", summary="Revoke an API key")
async def revoke_key(key_id: str, request: Request) -> dict[str, Any]:
    if not await run_in_threadpool(_keys(request).revoke, key_id):
        raise ApiError(404, f"no active API key {key_id!r}")
    return {"key_id": key_id, "revoked": True}
