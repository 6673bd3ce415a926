"""`POST /v1/contacts`, `POST /v1/uploads`, `GET /v1/uploads/{id}`.

A 202 means the payload is durably in the landing zone; anything refused gets a 4xx
saying why and nothing of it is written. `Idempotency-Key` (per client and route): the
same key with the same body answers the first 202 again (`Idempotent-Replayed: true`),
with another body a 422; a key whose first request is still being written waits for it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from bizdev_api.auth import Principal, require
from bizdev_api.body import BodyTooLarge, read_body
from bizdev_api.errors import ApiError
from bizdev_api.intake.records import check_records, ndjson_lines, parse_array
from bizdev_api.intake.spool import LandingFailed, resolve
from bizdev_api.intake.status import upload_status
from bizdev_api.state import NewUpload
from bizdev_assets.ingest.readers import read_contact_bytes

router = APIRouter(tags=["intake"])
UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".ndjson", ".jsonl")
THREADED_BODY_BYTES = 256 * 1024  # bigger bodies are checked off the event loop
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_UPLOAD_ID = re.compile(r"^up_[0-9a-f]{24}$")


def _services(request: Request) -> Any:
    return request.app.state.services


@router.post("/v1/contacts", status_code=202, summary="Accept contact records (JSON array)")
async def post_contacts(
    request: Request, principal: Principal = Depends(require("intake", "contacts:write"))
) -> JSONResponse:
    services = _services(request)
    _expect_json(request)
    body = await read_body(request, services.api.max_body_bytes)
    key = request.headers.get("idempotency-key")
    return await accept_records(
        request, principal.client, "contacts", key, body,
        lambda: parse_array(body, services.api.max_records),
    )  # fmt: skip


async def accept_records(
    request: Request,
    client: str,
    route: str,
    key: str | None,
    body: bytes,
    items_of: Callable[[], list[Any]],
    defaults: dict[str, str] | None = None,
) -> JSONResponse:
    """Check the records `items_of()` returns and land them; the 202 (or its replay)."""
    services = _services(request)
    idem, replay = await _idempotency(request, client, route, key, body)
    if replay is not None:
        return replay
    try:
        items = items_of()
        check = (check_records, items, services.mapping, services.limits)
        checked = await (
            run_in_threadpool(*check) if len(body) > THREADED_BODY_BYTES else _now(*check)
        )
        if checked.errors:
            shown = [e.as_dict() for e in checked.errors[:100]]
            raise ApiError(
                422,
                f"{len(checked.errors):,} of {len(items):,} records do not meet the contact "
                f"contract (record {checked.errors[0].record}: {checked.errors[0].message}); "
                "nothing was accepted: fix them and send the request again",
                errors=shown,
            )
        for record in checked.records:
            for name, value in (defaults or {}).items():
                record[name] = record.get(name) or value
        upload_id = f"up_{uuid.uuid4().hex[:24]}"
        response = _accepted(upload_id, len(checked.records), warnings=checked.warnings)
        upload = NewUpload(
            upload_id, client, "contacts", idem, _sha256(body), len(checked.records),
            json.dumps(response),
        )  # fmt: skip
        await services.spool.land(upload, ndjson_lines(checked.records, upload_id))
    finally:
        _release(services, idem)
    services.metrics.records.labels("contacts").inc(len(checked.records))
    return JSONResponse(response, 202, headers={"Location": response["status_url"]})


@router.post("/v1/uploads", status_code=202, summary="Accept a contact file (multipart)")
async def post_upload(
    request: Request, principal: Principal = Depends(require("intake", "uploads:write"))
) -> JSONResponse:
    services = _services(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "send the file as multipart/form-data in a field named 'file'")
    try:
        form = await request.form(max_files=1, max_fields=4, max_part_size=64 * 1024)
    except MultiPartException as error:
        raise ApiError(400, f"the multipart body cannot be read: {error.message}") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ApiError(422, "no file: send it in a multipart field named 'file', with a filename")
    name = PurePosixPath(upload.filename.replace("\\", "/")).name
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ApiError(
            415, f"{name!r}: files ending {suffix or '(nothing)'} are not read; send one of "
            f"{', '.join(UPLOAD_SUFFIXES)}",
        )  # fmt: skip
    data = await upload.read()
    if len(data) > services.api.max_upload_bytes:
        raise BodyTooLarge(services.api.max_upload_bytes, f"{name!r}")
    if not data:
        raise ApiError(422, f"{name!r} is empty; send the file with its contents")
    key = request.headers.get("idempotency-key")
    idem, replay = await _idempotency(request, principal.client, "uploads", key, data)
    if replay is not None:
        return replay
    try:
        response = await _land_file(services, principal, idem, name, suffix, data)
    finally:
        _release(services, idem)
    return JSONResponse(response, 202, headers={"Location": response["status_url"]})


@router.get("/v1/uploads/{upload_id}", summary="What became of an upload")
async def get_upload(
    upload_id: str,
    request: Request,
    principal: Principal = Depends(
        require("status", "contacts:write", "uploads:write", "contacts:read")
    ),
) -> dict[str, Any]:
    services = _services(request)
    owner = services.state.upload(upload_id) if _UPLOAD_ID.match(upload_id) else None
    if owner is None or (owner["client"] != principal.client and not principal.has("admin")):
        raise ApiError(404, f"no upload {upload_id!r} of this client (ids are kept 30 days)")
    return await run_in_threadpool(upload_status, services.state, services.reader, upload_id)


async def _land_file(services, principal, idem, name, suffix, data) -> dict[str, Any]:
    async with services.file_checks:  # one file is read at a time: it costs ~3x its size
        result = await run_in_threadpool(
            read_contact_bytes, data, name, services.mapping, services.limits
        )
    if result.error:
        raise ApiError(422, f"the file is refused, as the ingest would refuse it: {result.error}")
    upload_id = f"up_{uuid.uuid4().hex[:24]}"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", PurePosixPath(name).stem)[:80] or "upload"
    key = f"api/uploads/{datetime.now(UTC):%Y-%m-%d}/{upload_id}-{safe}{suffix}"
    response = _accepted(upload_id, result.rows.height, warnings=result.warnings[:20])
    response |= {"filename": name, "bytes": len(data), "lines_rejected": len(result.rejected_lines)}
    row = NewUpload(
        upload_id, principal.client, "file", idem, _sha256(data), result.rows.height,
        json.dumps(response), landing_key=key, filename=name,
    )  # fmt: skip
    await run_in_threadpool(services.state.begin_file, row)
    try:
        await run_in_threadpool(services.landing.write_bytes, key, data)
    except Exception as error:
        await run_in_threadpool(_undo_file, services, key, upload_id)
        raise LandingFailed(f"{type(error).__name__}: {str(error)[:300]}") from None
    await run_in_threadpool(services.state.file_landed, upload_id)
    services.metrics.records.labels("file").inc(result.rows.height)
    return response


def _undo_file(services, key: str, upload_id: str) -> None:
    try:
        services.landing.delete(key)
    except Exception:
        return  # outcome unknown: left `writing` for `resolve`
    services.state.forget_upload(upload_id)


async def _idempotency(
    request: Request, client: str, route: str, key: str | None, body: bytes
) -> tuple[str | None, JSONResponse | None]:
    """(the key's hash, or None without a key; the earlier response to replay, if any).
    With a hash returned, the caller owns the key until `_release`."""
    if key is None:
        return None, None
    if not _KEY.match(key):
        raise ApiError(400, "Idempotency-Key must be 1 to 255 visible ASCII characters")
    services = _services(request)
    idem = _sha256(f"{client}\0{route}\0{key}".encode())
    while (pending := services.spool.in_flight.get(idem)) is not None:
        await asyncio.shield(pending)
    found = services.state.upload_by_key(idem)
    if found is not None:
        if found["body_hash"] != _sha256(body):
            raise ApiError(
                422,
                f"Idempotency-Key {key!r} was first used with another body (upload "
                f"{found['upload_id']}); use a new key for a new payload",
            )
        landed = found["state"] != "writing" or await run_in_threadpool(
            resolve, services.landing, services.state, found
        )
        if landed:
            body_json = json.loads(found["response"])
            headers = {"Idempotent-Replayed": "true", "Location": body_json["status_url"]}
            return None, JSONResponse(body_json, 202, headers=headers)
    services.spool.in_flight[idem] = asyncio.get_running_loop().create_future()
    return idem, None


def _release(services, idem: str | None) -> None:
    if idem is not None:
        pending = services.spool.in_flight.pop(idem, None)
        if pending is not None and not pending.done():
            pending.set_result(None)


def _accepted(upload_id: str, records: int, warnings: list[str]) -> dict[str, Any]:
    return {
        "upload_id": upload_id,
        "state": "landed",
        "records": records,
        "status_url": f"/v1/uploads/{upload_id}",
        "warnings": warnings,
    }


def _expect_json(request: Request) -> None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise ApiError(
            415, f"Content-Type {kind or '(none)'}: send the records as application/json"
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _now(function, *args):
    return function(*args)
