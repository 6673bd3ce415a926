"""Prometheus metrics and the health routes: `/metrics`, `/healthz`, `/readyz`.

`RequestMetrics` (ASGI middleware, outermost) counts every response by route template,
method and status, with a latency histogram per route, and counts intake payloads as
accepted (202) or rejected (any other answer, a 413 from the body limit included).
Each app has its own registry, so two apps in one process (tests) do not collide.
`/readyz` answers 200 only when the landing zone and the warehouse can be reached, and
says which one cannot; `/healthz` only that the process serves.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bizdev_api.auth import limit_by_address

INTAKE_ROUTES = {"/v1/contacts": "contacts", "/v1/uploads": "file"}
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "bizdev_api_requests", "HTTP responses", ["route", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "bizdev_api_request_seconds", "Time to answer", ["route", "method"],
            buckets=BUCKETS, registry=r,
        )  # fmt: skip
        self.payloads = Counter(
            "bizdev_api_payloads", "Intake payloads by outcome", ["kind", "outcome"], registry=r
        )
        self.records = Counter(
            "bizdev_api_records_accepted", "Contact records accepted", ["kind"], registry=r
        )
        self.webhooks = Counter(
            "bizdev_api_webhooks", "Webhook deliveries", ["source", "outcome"], registry=r
        )
        self.outbox = Gauge(
            "bizdev_api_webhook_outbox", "Webhook events not yet in the warehouse", registry=r
        )


class RequestMetrics:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.latency.labels(route, method).observe(time.perf_counter() - started)
            kind = INTAKE_ROUTES.get(scope["path"])
            if kind is not None and method == "POST":
                outcome = "accepted" if status == 202 else "rejected"
                self.metrics.payloads.labels(kind, outcome).inc()


router = APIRouter(tags=["health"], dependencies=[Depends(limit_by_address("health"))])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The landing zone and the warehouse can be reached")
async def readyz(request: Request) -> JSONResponse:
    services = request.app.state.services
    checks = {
        "landing": await run_in_threadpool(_check, lambda: _landing_ready(services)),
        "warehouse": await run_in_threadpool(_check, services.reader.ping),
        "compactor": services.compactor.last_error or "ok",
    }
    ready = all(v.startswith("ok") for k, v in checks.items() if k != "compactor")
    return JSONResponse({"ready": ready, **checks}, 200 if ready else 503)


@router.get("/metrics", summary="Prometheus exposition")
async def metrics(request: Request) -> Response:
    services = request.app.state.services
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def _landing_ready(services) -> str:
    services.landing.list_keys(".bizdev/api-spool/")
    return "ok"


def _check(probe) -> str:
    try:
        return probe()
    except Exception as error:
        detail = getattr(error, "detail", None) or str(error) or type(error).__name__
        return f"unreachable: {str(detail)[:300]}"
