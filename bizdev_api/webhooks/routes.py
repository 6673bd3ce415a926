"""Signed webhooks: HubSpot (signature v3), the Salesforce relay and generic senders
(Standard Webhooks). No token: the signature is the credential.

Every delivery is checked before its body is parsed: a missing, wrong or expired
signature is 401, an exact replay of a delivery already received (same signature) is
409. A redelivery (same `webhook-id`, new timestamp and signature) is answered 200
without recording it twice. What is accepted is durable before the answer:

- HubSpot and Salesforce events go to the outbox (`outbox.py`) and on to
  `crm_webhook_events`, where `crm_webhook_sensor` starts a pull of that CRM;
- generic `contact.*` / `form.*` events carry contact records (`data`: an object or a
  list) and land like `POST /v1/contacts` (same contract, `webhook-id` as the
  idempotency key, `lead_source` = `webhook:<source>` unless given); `signal.*` events
  (`data`: `title`, `url`, `summary`, `published_at`, `item_id`) go to `signal_inbox`.

A source whose secret is not set answers 503 naming the setting.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bizdev_api.auth import limit_by_address
from bizdev_api.body import read_body
from bizdev_api.errors import ApiError
from bizdev_api.intake.routes import accept_records
from bizdev_api.webhooks.outbox import CRM_EVENTS, SIGNAL_INBOX
from bizdev_api.webhooks.signatures import SignatureError, verify_hubspot, verify_standard

router = APIRouter(tags=["webhooks"], dependencies=[Depends(limit_by_address("webhooks"))])
MAX_WEBHOOK_BYTES = 1024 * 1024
SEEN_SECONDS = 900  # longer than the 5-minute window in which a signature is accepted
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@router.post("/v1/webhooks/hubspot", summary="HubSpot webhook (signature v3)")
async def hubspot(request: Request) -> JSONResponse:
    services = request.app.state.services
    secrets = _secrets(services.api.hubspot_webhook_secret, services.api.hubspot_webhook_secret_previous, "BIZDEV_API_HUBSPOT_SECRET")  # fmt: skip
    body = await read_body(request, MAX_WEBHOOK_BYTES)
    signature = request.headers.get("x-hubspot-signature-v3")
    try:
        verify_hubspot(
            secrets, request.method, _public_uri(request, services.api.public_url), body,
            request.headers.get("x-hubspot-request-timestamp"), signature,
        )  # fmt: skip
    except SignatureError as error:
        raise _refused(services, "hubspot", error) from None
    await _not_replayed(services, "hubspot", signature or "")
    events = _json(body)
    events = events if isinstance(events, list) else [events]
    groups: dict[str, list[Any]] = {}
    for event in events:
        kind = str(event.get("subscriptionType", "")) if isinstance(event, dict) else ""
        groups.setdefault("companies" if kind.startswith("company.") else "contacts", []).append(
            event
        )
    for object_type, group in groups.items():
        await run_in_threadpool(services.outbox.add, CRM_EVENTS, group, "hubspot", object_type)
    services.metrics.webhooks.labels("hubspot", "accepted").inc()
    return JSONResponse({"received": len(events)})


@router.post("/v1/webhooks/salesforce", summary="Salesforce events via a signing relay")
async def salesforce(request: Request) -> JSONResponse:
    services = request.app.state.services
    secrets = _secrets(services.api.salesforce_relay_secret, services.api.salesforce_relay_secret_previous, "BIZDEV_API_SALESFORCE_SECRET")  # fmt: skip
    body = await read_body(request, MAX_WEBHOOK_BYTES)
    msg_id = await _standard(request, services, "salesforce", secrets, body)
    if msg_id is None:
        return JSONResponse({"duplicate": True})
    kind = request.headers.get("content-type", "")
    payload: Any = body.decode("utf-8", "replace") if "xml" in kind else _json(body)
    object_type = "contacts"
    if isinstance(payload, dict):
        object_type = str(payload.get("object_type") or payload.get("sobject") or "contacts")
    record = {"webhook_id": msg_id, "payload": payload}
    await run_in_threadpool(services.outbox.add, CRM_EVENTS, record, "salesforce", object_type)
    services.metrics.webhooks.labels("salesforce", "accepted").inc()
    return JSONResponse({"received": 1})


@router.post("/v1/webhooks/generic/{source}", summary="Forms, callbacks (Standard Webhooks)")
async def generic(source: str, request: Request) -> JSONResponse:
    services = request.app.state.services
    if not _SOURCE.match(source):
        raise ApiError(404, "a webhook source is 1-40 of a-z, 0-9, '_' and '-'")
    secrets = _secrets(services.api.webhook_secret, services.api.webhook_secret_previous, "BIZDEV_API_WEBHOOK_SECRET")  # fmt: skip
    body = await read_body(request, services.api.max_body_bytes)
    msg_id = await _standard(request, services, f"generic:{source}", secrets, body, dedupe=False)
    event = _json(body)
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise ApiError(422, 'expected an event object {"type": ..., "data": ...}')
    kind, data = event["type"], event.get("data")
    items = data if isinstance(data, list) else [data]
    if kind.startswith(("contact.", "form.")):
        services.metrics.webhooks.labels("generic", "accepted").inc()
        return await accept_records(
            request, f"webhook:{source}", "webhook", msg_id, body, lambda: items,
            defaults={"lead_source": f"webhook:{source}"},
        )  # fmt: skip
    if kind.startswith("signal."):
        if not all(isinstance(i, dict) and (i.get("title") or i.get("url")) for i in items):
            raise ApiError(422, "a signal.* event's data needs a title or a url (per item)")
        if not await run_in_threadpool(
            services.state.first_sighting, f"generic:{source}:id", msg_id, SEEN_SECONDS * 96
        ):
            return JSONResponse({"duplicate": True})
        for item in items:
            await run_in_threadpool(services.outbox.add, SIGNAL_INBOX, {**item, "source": source})
        services.metrics.webhooks.labels("generic", "accepted").inc()
        return JSONResponse({"received": len(items)}, 202)
    raise ApiError(
        422, f"event type {kind!r} is not routed; send contact.*, form.* or signal.* events"
    )


async def _standard(
    request: Request, services, source: str, secrets: list[str], body: bytes, dedupe: bool = True
) -> str | None:
    """The verified delivery's webhook-id; None for a redelivery of one already recorded."""
    headers = request.headers
    signature = headers.get("webhook-signature")
    try:
        verify_standard(
            secrets, headers.get("webhook-id"), headers.get("webhook-timestamp"), signature, body
        )
    except SignatureError as error:
        raise _refused(services, source, error) from None
    await _not_replayed(services, source, signature or "")
    msg_id = headers["webhook-id"][:200]
    if dedupe and not await run_in_threadpool(
        services.state.first_sighting, f"{source}:id", msg_id, SEEN_SECONDS * 96
    ):
        return None
    return msg_id


async def _not_replayed(services, source: str, signature: str) -> None:
    key = hashlib.sha256(signature.encode()).hexdigest()
    if not await run_in_threadpool(services.state.first_sighting, source, key, SEEN_SECONDS):
        services.metrics.webhooks.labels(source.split(":")[0], "replayed").inc()
        raise ApiError(409, "this exact delivery (same signature) was received already: a replay")


def _refused(services, source: str, error: SignatureError) -> ApiError:
    services.metrics.webhooks.labels(source.split(":")[0], "refused").inc()
    return ApiError(401, f"signature refused: {error}")


def _secrets(current: str | None, previous: str | None, setting: str) -> list[str]:
    if not current:
        raise ApiError(503, f"this webhook is not configured: set {setting} (docs/api.md)")
    return [s for s in (current, previous) if s]


def _public_uri(request: Request, public_url: str | None) -> str:
    """The URI the sender called: BIZDEV_API_PUBLIC_URL (behind a proxy) + path + query."""
    base = (public_url or f"{request.url.scheme}://{request.url.netloc}").rstrip("/")
    query = request.url.query
    return f"{base}{request.url.path}" + (f"?{query}" if query else "")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ApiError(400, f"the delivery is not valid JSON ({error})") from None
