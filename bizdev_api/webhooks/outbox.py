"""Verified webhook events, kept in the state file until the warehouse has them.

A CRM expects an answer within seconds, and the warehouse may be busy (a DuckDB file
being written by a run) or down. So a verified delivery is committed to the outbox
(`webhook_outbox` in the state file) and answered at once; a forwarder thread then
writes each event where the pipeline reads it, retrying with backoff while it cannot:

- `crm_webhook_events` through `bizdev_assets.crm.webhooks.record_webhook_event`
  (the `crm_webhook_sensor` then starts a pull of that CRM);
- `signal_inbox` (`item_id, title, url, summary, published_at, received_at`), read by
  the enrichment stage's `company_signals`.

A crash between the warehouse write and marking the event forwarded writes it again on
restart: one more `crm_webhook_events` row starts one more (cursor-based, idempotent)
pull, and a signal's id makes a re-read item the same signal row.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import polars as pl

from bizdev_api.state import StateDB
from bizdev_assets.crm.webhooks import record_webhook_event
from resources.warehouse import Warehouse

CRM_EVENTS = "crm_webhook_events"
SIGNAL_INBOX = "signal_inbox"
BATCH = 200
MAX_BACKOFF_SECONDS = 60.0
log = logging.getLogger("bizdev_api.outbox")
_SIGNAL_SCHEMA = {
    "item_id": pl.String(),
    "title": pl.String(),
    "url": pl.String(),
    "summary": pl.String(),
    "published_at": pl.Datetime("us"),
    "received_at": pl.Datetime("us"),
}


class Outbox:
    def __init__(self, state: StateDB, warehouse: Callable[[], Warehouse]) -> None:
        self.state = state
        self._warehouse = warehouse
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def add(
        self, target: str, payload: Any, crm_type: str | None = None, object_type: str | None = None
    ) -> None:
        """Commit one event (durable when this returns) and wake the forwarder."""
        with self.state.transaction() as con:
            con.execute(
                "insert into webhook_outbox (target, crm_type, object_type, payload, received_at)"
                " values (?,?,?,?,?)",
                (target, crm_type, object_type, json.dumps(payload, default=str), time.time()),
            )
        self._wake.set()

    def pending(self) -> int:
        row = self.state.one("select count(*) as n from webhook_outbox where forwarded_at is null")
        return int(row["n"]) if row else 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="webhook-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            try:
                moved = self.forward_once()
                self.last_error, backoff = None, 1.0
                if moved:
                    continue
                self._wake.wait(2.0)
            except Exception as error:
                self.last_error = f"{type(error).__name__}: {str(error)[:300]}"
                log.warning("webhook events wait for the warehouse: %s", self.last_error)
                self._wake.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            self._wake.clear()

    def forward_once(self) -> int:
        """Write up to BATCH pending events to the warehouse; the number written."""
        rows = self.state.rows(
            "select * from webhook_outbox where forwarded_at is null order by id limit ?", (BATCH,)
        )
        if not rows:
            return 0
        warehouse = self._warehouse()
        done: list[int] = []
        try:
            signals = [r for r in rows if r["target"] == SIGNAL_INBOX]
            if signals:
                warehouse.append_rows(SIGNAL_INBOX, _signal_frame(signals))
                done += [r["id"] for r in signals]
            for row in rows:
                if row["target"] == CRM_EVENTS:
                    payload = json.loads(row["payload"])
                    record_webhook_event(warehouse, row["crm_type"], payload, row["object_type"])
                    done.append(row["id"])
        except Exception as error:
            self._mark(done, failed=[r["id"] for r in rows if r["id"] not in done], error=error)
            raise
        self._mark(done)
        return len(done)

    def _mark(self, done: list[int], failed: list[int] = (), error: Exception | None = None):
        now = time.time()
        with self.state.transaction() as con:
            con.executemany(
                "update webhook_outbox set forwarded_at = ? where id = ?", [(now, i) for i in done]
            )
            con.executemany(
                "update webhook_outbox set attempts = attempts + 1, last_error = ? where id = ?",
                [(str(error)[:500], i) for i in failed],
            )


def _signal_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    items = []
    for row in rows:
        data = json.loads(row["payload"])
        items.append(
            {
                "item_id": _text(data.get("item_id") or data.get("id")),
                "title": _text(data.get("title")),
                "url": _text(data.get("url")),
                "summary": _text(data.get("summary")),
                "published_at": _moment(data.get("published_at")),
                "received_at": datetime.fromtimestamp(row["received_at"], UTC).replace(tzinfo=None),
            }
        )
    return pl.DataFrame(items, schema=_SIGNAL_SCHEMA)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:10_000]


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
