"""`create_app(settings)`: the FastAPI application, on the pipeline's own settings.

Parts and who they need (so one failing system stops only what needs it):
- intake (`intake/`): the landing zone and the API's state file. Never the warehouse,
  never a CRM or a provider: contacts are accepted while those are down.
- webhooks (`webhooks/`): the state file (outbox); the warehouse only in the background.
- reads (`reads/`: REST and GraphQL) and upload status: the warehouse, read-only.
- outreach triggers (`outreach.py`): Temporal (the outreach sequences), at the first trigger.
Background work, started and stopped with the app: the spool writer (group commits),
the compactor (spool -> landing files) and the webhook outbox forwarder.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from bizdev_api import admin, metrics
from bizdev_api.auth import Authenticator
from bizdev_api.body import BodyLimit
from bizdev_api.errors import install_error_handlers
from bizdev_api.gdpr import router as gdpr_router
from bizdev_api.intake import routes as intake
from bizdev_api.intake.compactor import Compactor
from bizdev_api.intake.spool import SpoolWriter, recover
from bizdev_api.keys import KeyStore
from bizdev_api.metrics import Metrics, RequestMetrics
from bizdev_api.outreach import OutreachTriggers, TemporalTriggers
from bizdev_api.outreach import router as outreach_router
from bizdev_api.ratelimit import RateLimiter, parse_limits
from bizdev_api.reads import graphql_route
from bizdev_api.reads import routes as reads
from bizdev_api.reads.contacts import ContactReads
from bizdev_api.reads.graphql_route import MAX_GRAPHQL_BODY
from bizdev_api.reads.source import WarehouseReader
from bizdev_api.state import StateDB
from bizdev_api.webhooks import routes as webhooks
from bizdev_api.webhooks.outbox import Outbox
from bizdev_assets.ingest.headers import HeaderMapping
from resources.ingest_limits import IngestLimits
from resources.landing import LocalLanding
from resources.settings import (
    ApiSettings,
    Settings,
    landing_for,
    outreach_resources,
    warehouse_for,
)

log = logging.getLogger("bizdev_api")
MULTIPART_OVERHEAD = 1024 * 1024


@dataclass
class Services:
    settings: Settings
    api: ApiSettings
    landing: Any
    state: StateDB
    spool: SpoolWriter
    compactor: Compactor
    outbox: Outbox
    reader: WarehouseReader
    contacts: ContactReads
    keys: KeyStore
    metrics: Metrics
    mapping: HeaderMapping
    limits: IngestLimits
    outreach: OutreachTriggers
    file_checks: asyncio.Semaphore | None = None


def create_app(
    settings: Settings,
    *,
    outreach: OutreachTriggers | None = None,
    compactor_grace_seconds: float | None = None,
) -> FastAPI:
    api = settings.api
    landing = landing_for(settings.landing)
    if isinstance(landing, LocalLanding):
        Path(landing.root).mkdir(parents=True, exist_ok=True)
    state = StateDB(api.state_dir)
    keys = KeyStore(state)
    writer = warehouse_for(settings.warehouse, sslmode=settings.warehouse_sslmode)
    reader = WarehouseReader(settings, api.query_timeout_seconds)
    overrides = Path(settings.header_overrides) if settings.header_overrides else None
    services = Services(
        settings=settings,
        api=api,
        landing=landing,
        state=state,
        spool=SpoolWriter(landing, state, api.spool_window_seconds),
        compactor=Compactor(
            landing, state, api.spool_window_seconds, grace_seconds=compactor_grace_seconds
        ),
        outbox=Outbox(state, lambda: writer),
        reader=reader,
        contacts=ContactReads(reader),
        keys=keys,
        metrics=Metrics(),
        mapping=HeaderMapping.load(overrides),
        limits=IngestLimits(**(settings.ingest_limits or {})),
        outreach=outreach or _temporal_triggers(settings, reader),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            landed, forgotten = await run_in_threadpool(recover, landing, state)
            if landed or forgotten:
                log.info("recovered unfinished writes: %d landed, %d not", landed, forgotten)
        except Exception as error:  # the landing zone is down: retries settle them on demand
            log.warning("could not settle unfinished writes at start: %s", error)
        services.file_checks = asyncio.Semaphore(1)
        services.spool.start()
        services.compactor.start()
        services.outbox.start()
        try:
            yield
        finally:
            await services.spool.stop()
            await run_in_threadpool(services.compactor.stop)
            await run_in_threadpool(services.outbox.stop)
            await run_in_threadpool(keys.flush)
            if isinstance(services.outreach, TemporalTriggers):
                await run_in_threadpool(services.outreach.close)

    app = FastAPI(
        title="bizdev API",
        version="1",
        description="Contact intake, signed webhooks, workflow triggers and reads (docs/api.md).",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.authenticator = Authenticator(api, keys)
    app.state.limiter = RateLimiter(parse_limits(api.rate_limits))
    install_error_handlers(app)
    for module in (intake, webhooks, reads, graphql_route, admin, metrics):
        app.include_router(module.router)
    app.include_router(outreach_router)
    app.include_router(gdpr_router)
    app.add_middleware(BodyLimit, limit_for=_limits(api))
    app.add_middleware(RequestMetrics, metrics=services.metrics)
    return app


def _temporal_triggers(settings: Settings, reader: WarehouseReader) -> TemporalTriggers:
    systems = outreach_resources(settings)
    return TemporalTriggers(
        systems["temporal"].process_config_and_initialize(),
        systems["outreach_config"].process_config_and_initialize(),
        reader,
    )


def _limits(api: ApiSettings):
    def limit_for(path: str) -> int:
        if path == "/v1/uploads":
            return api.max_upload_bytes + MULTIPART_OVERHEAD
        if path == "/graphql":
            return MAX_GRAPHQL_BODY
        return api.max_body_bytes

    return limit_for
