"""What CRM sync remembers between runs, all in warehouse tables next to the data.

- `crm_sync_state` (ADR-013): one row per CRM and object; `sync_cursor` holds the pull
  cursor. It is written only after the pulled records are stored, so a crash re-pulls
  (the lookback overlap and the upsert by CRM id make that harmless) and never skips.
- `crm_push_snapshot`: per CRM and golden contact, what bizdev last wanted the CRM to
  hold and what the CRM held after that sync; the base of the diff and of conflicts.
- `crm_sync_runs`, `crm_sync_changes`, `crm_sync_rejections`: the audit trail.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import polars as pl

from resources.warehouse import Warehouse

STATE_TABLE = "crm_sync_state"
SNAPSHOT_TABLE = "crm_push_snapshot"
RUNS_TABLE = "crm_sync_runs"
CHANGES_TABLE = "crm_sync_changes"
REJECTIONS_TABLE = "crm_sync_rejections"

CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "crm_type": pl.String(),
    "object": pl.String(),
    "direction": pl.String(),  # push | pull
    "contact_id": pl.String(),  # golden contact (push); null on pull when not linked yet
    "crm_id": pl.String(),
    "field": pl.String(),  # the CRM property; "*" for a whole record (archive, delete)
    "old_value": pl.String(),  # what the CRM held before
    "new_value": pl.String(),  # what the CRM holds after (push: what was sent)
    "bizdev_value": pl.String(),  # what bizdev wanted
    "decision": pl.String(),  # changed | new | bizdev_wins | crm_wins | most_recent:* | ...
    "outcome": pl.String(),  # succeeded | rejected | kept | pulled | deleted | archived
    "error": pl.String(),  # the CRM's own message when rejected
    "changed_at": pl.Datetime("us"),
}
SNAPSHOT_SCHEMA: dict[str, pl.DataType] = {
    "crm_type": pl.String(),
    "contact_id": pl.String(),
    "crm_id": pl.String(),
    "sent_values": pl.String(),  # JSON: property -> what bizdev wanted at the last sync
    "crm_values": pl.String(),  # JSON: property -> what the CRM held after it
    "crm_gone": pl.Boolean(),  # the CRM said the record no longer exists: not re-created
    "synced_at": pl.Datetime("us"),
    "run_id": pl.String(),
}
REJECTION_SCHEMA: dict[str, pl.DataType] = {
    "crm_type": pl.String(),
    "object": pl.String(),
    "contact_id": pl.String(),
    "record_key": pl.String(),
    "error": pl.String(),  # the CRM's own message
    "first_failed_at": pl.Datetime("us"),
    "last_failed_at": pl.Datetime("us"),
    "attempts": pl.Int64(),
    "run_id": pl.String(),
    "resolved_at": pl.Datetime("us"),  # set when a later run got the row through
    # The CRM will refuse the same row again (a validation error): it is sent again only
    # when what bizdev sends changed (`payload_hash`: the values and the mapping version).
    "permanent": pl.Boolean(),
    "payload_hash": pl.String(),
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def state_id(crm_type: str, object_type: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bizdev:crm_sync_state:{crm_type}:{object_type}"))


@dataclass
class Cursor:
    """The pull position of one CRM object: records modified at or after `modified_since`."""

    modified_since: str | None = None  # ISO-8601 UTC
    records_pulled: int = 0  # all-time total, for the UI
    properties: list[str] | None = None  # pulled with these; a change means a full re-pull

    @property
    def since(self) -> datetime | None:
        return datetime.fromisoformat(self.modified_since) if self.modified_since else None


def read_cursor(warehouse: Warehouse, crm_type: str, object_type: str) -> Cursor:
    if not warehouse.table_exists(STATE_TABLE):
        return Cursor()
    rows = warehouse.query(
        f"select sync_cursor from {STATE_TABLE} where id = ?", [state_id(crm_type, object_type)]
    )
    if rows.is_empty() or rows["sync_cursor"][0] is None:
        return Cursor()
    data = json.loads(rows["sync_cursor"][0])
    return Cursor(
        data.get("modified_since"), int(data.get("records_pulled", 0)), data.get("properties")
    )


def write_state(
    warehouse: Warehouse,
    crm_type: str,
    object_type: str,
    *,
    status: str,
    cursor: Cursor | None = None,
    failed: bool = False,
) -> None:
    """Record a pull's outcome; the cursor moves only when one is given (after a success)."""
    key = state_id(crm_type, object_type)
    previous = (
        warehouse.query(f"select * from {STATE_TABLE} where id = ?", [key])
        if warehouse.table_exists(STATE_TABLE)
        else pl.DataFrame()
    )
    old_cursor = previous["sync_cursor"][0] if previous.height else None
    errors = int(previous["error_count"][0] or 0) if previous.height else 0
    sync_cursor = json.dumps({"object": object_type, **asdict(cursor)}) if cursor else old_cursor
    row = pl.DataFrame(
        {
            "id": [key],
            "crm_type": [crm_type],
            "last_sync_at": [utcnow() if not failed else _last_sync(previous)],
            "sync_cursor": [sync_cursor],
            "status": [status[:20]],
            "error_count": [errors + 1 if failed else 0],
        },
        schema={
            "id": pl.String(),
            "crm_type": pl.String(),
            "last_sync_at": pl.Datetime("us"),
            "sync_cursor": pl.String(),
            "status": pl.String(),
            "error_count": pl.Int32(),
        },
    )
    warehouse.upsert(STATE_TABLE, row, key=["id"], preserve=())


def _last_sync(previous: pl.DataFrame) -> datetime | None:
    return previous["last_sync_at"][0] if previous.height else None


@dataclass
class RunRecord:
    """One row of crm_sync_runs."""

    run_id: str
    crm_type: str
    object: str
    direction: str  # pull | push
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = "running"  # succeeded | failed | skipped
    mapping_version: int | None = None
    records_read: int = 0
    records_changed: int = 0
    records_sent: int = 0
    records_succeeded: int = 0
    records_rejected: int = 0
    api_calls: int = 0
    write_calls: int = 0
    retries: int = 0
    rate_limited: int = 0
    api_usage: str | None = None  # Sforce-Limit-Info / HubSpot rate-limit headers
    duration_seconds: float = 0.0
    error: str | None = None
    warnings: str | None = None  # mapping entries left out of the sync, with the fix

    def finish(self, status: str, stats: Any = None, error: str | None = None) -> None:
        self.finished_at = utcnow()
        self.duration_seconds = (self.finished_at - self.started_at).total_seconds()
        self.status = status
        self.error = error
        if stats is not None:
            self.api_calls = stats.api_calls
            self.write_calls = stats.write_calls
            self.retries = stats.retries
            self.rate_limited = stats.rate_limited
            self.api_usage = stats.limit_info

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [asdict(self)],
            schema_overrides={
                "started_at": pl.Datetime("us"),
                "finished_at": pl.Datetime("us"),
                "mapping_version": pl.Int64(),
                "api_usage": pl.String(),
                "error": pl.String(),
                "warnings": pl.String(),
            },
        )


class Synced(NamedTuple):
    """What the last sync of one contact to one CRM left behind."""

    crm_id: str | None
    sent: dict  # what bizdev wanted the CRM to hold
    known: dict  # what the CRM held after the sync
    synced_at: datetime
    crm_gone: bool


def snapshot(warehouse: Warehouse, crm_type: str) -> dict[str, Synced]:
    """contact_id -> the last sync of that contact to this CRM."""
    if not warehouse.table_exists(SNAPSHOT_TABLE):
        return {}
    rows = warehouse.query(
        f"select contact_id, crm_id, sent_values, crm_values, synced_at, crm_gone "
        f"from {SNAPSHOT_TABLE} where crm_type = ?",
        [crm_type],
    )
    return {
        r["contact_id"]: Synced(
            r["crm_id"],
            json.loads(r["sent_values"]),
            json.loads(r["crm_values"]),
            r["synced_at"],
            bool(r["crm_gone"]),
        )
        for r in rows.iter_rows(named=True)
    }


def open_rejections(warehouse: Warehouse, crm_type: str) -> pl.DataFrame:
    if not warehouse.table_exists(REJECTIONS_TABLE):
        return pl.DataFrame(schema=REJECTION_SCHEMA)
    return warehouse.query(f"select * from {REJECTIONS_TABLE} where crm_type = ?", [crm_type])
