"""The hook a CRM webhook receiver calls: record the event, and a sensor starts a pull.

The receiver (a later issue) only has to call `record_webhook_event`; the
`crm_webhook_sensor` (sensors/crm_webhook.py) sees new events and requests a `crm_pull`
run for that CRM. The pull itself is cursor-based, so a webhook only makes a change
arrive sooner: a lost webhook delays it to the next scheduled sync, never loses it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import polars as pl

from bizdev_assets.crm.state import utcnow
from resources.warehouse import Warehouse

EVENTS_TABLE = "crm_webhook_events"
CRM_TYPES = ("hubspot", "salesforce")


def record_webhook_event(
    warehouse: Warehouse, crm_type: str, payload: Any, object_type: str = "contacts"
) -> str:
    """Store one webhook delivery; returns its event id."""
    if crm_type not in CRM_TYPES:
        raise ValueError(f"crm_type {crm_type!r}: expected one of {', '.join(CRM_TYPES)}")
    event_id = str(uuid.uuid4())
    warehouse.append_rows(
        EVENTS_TABLE,
        pl.DataFrame(
            {
                "event_id": [event_id],
                "crm_type": [crm_type],
                "object_type": [object_type],
                "payload": [json.dumps(payload, default=str)],
                "received_at": [utcnow()],
            },
            schema={
                "event_id": pl.String(),
                "crm_type": pl.String(),
                "object_type": pl.String(),
                "payload": pl.String(),
                "received_at": pl.Datetime("us"),
            },
        ),
    )
    return event_id


def events_since(warehouse: Warehouse, received_after: str | None) -> pl.DataFrame:
    """Events received after the ISO timestamp (all when None), oldest first."""
    if not warehouse.table_exists(EVENTS_TABLE):
        return pl.DataFrame()
    where, params = ("where received_at > ?", [received_after]) if received_after else ("", [])
    return warehouse.query(
        f"select event_id, crm_type, object_type, received_at from {EVENTS_TABLE} {where} "
        "order by received_at",
        params,
    )
