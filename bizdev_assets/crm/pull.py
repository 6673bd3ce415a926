"""Incremental pull of one CRM object into its warehouse table.

Order of a pull, so that nothing is lost or skipped:
1. read the cursor and pull from (cursor - lookback): records committed late with an
   older modification time are caught by the overlap;
2. keep the newest version of each record id (the overlap and HubSpot's capped-search
   restarts repeat records);
3. upsert them into `crm_<crm>_<object>` by CRM id, append the field changes to
   `crm_sync_changes`, and (contacts) write the records that changed in the CRM into
   the landing zone as an NDJSON file the contact pipeline ingests like any drop (its
   content hash recorded first in `crm_feed_files`, so it can be told from a forgery);
4. only then advance the cursor in `crm_sync_state`.
A failed call raises before step 3, so the cursor stays where it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from bizdev_assets.crm.conflicts import same_value
from bizdev_assets.crm.feed_files import record_feed_file
from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.state import (
    CHANGE_SCHEMA,
    CHANGES_TABLE,
    Cursor,
    read_cursor,
    snapshot,
    utcnow,
    write_state,
)
from bizdev_assets.gdpr.suppression import drop_suppressed, load_suppressions
from resources.crm.client import CrmClient, CrmRecord, ObjectType
from resources.crm.wire import chunked
from resources.landing import LandingZone
from resources.warehouse import Warehouse

DEFAULT_LOOKBACK = timedelta(minutes=5)
FEED_PREFIX = "crm"  # landing folder of the pulled-contact files
ID_CHUNK = 5_000  # ids per `in (...)` lookup of stored records


@dataclass(frozen=True)
class PullResult:
    table: str
    records_read: int  # as returned by the CRM, repeats included
    records_stored: int  # distinct records upserted
    records_changed: int  # new or with a changed field
    records_fed: int  # written to the landing zone for the contact pipeline
    deleted: int
    feed_file: str | None
    cursor_before: str | None
    cursor_after: str | None
    suppressed: int = 0  # records of erased subjects (GDPR suppression list), dropped


def pull_table(crm_type: str, object_type: str) -> str:
    return f"crm_{crm_type}_{object_type}"


def column(prop: str) -> str:
    """The pull table's column of a CRM property: lower case (Salesforce's `FirstName`
    becomes `firstname`), so analysts' SQL needs no quoting on DuckDB or Postgres."""
    return prop.lower()


def pull_object(
    client: CrmClient,
    warehouse: Warehouse,
    object_type: ObjectType,
    properties: list[str],
    run_id: str,
    *,
    table: str,
    mapping: CrmMapping | None = None,
    landing: LandingZone | None = None,
    lookback: timedelta = DEFAULT_LOOKBACK,
    secret: Callable[[], bytes] | None = None,
) -> PullResult:
    """Pull what changed since the cursor; see the module docstring for the order. With
    `secret`, records holding an email or phone on the GDPR suppression list are dropped
    before anything is stored or fed (the cursor still moves past them)."""
    cursor = read_cursor(warehouse, client.crm_type, object_type)
    # Other properties than last time (the mapping changed): the table lacks their
    # values for records pulled before, so pull everything again and rebuild it.
    full = cursor.properties is not None and cursor.properties != properties
    since = cursor.since - lookback if cursor.since and not full else None
    latest: dict[str, CrmRecord] = {}
    read = 0
    for page in client.pull(object_type, properties, since):
        read += len(page)
        for record in page:
            kept = latest.get(record.id)
            if kept is None or record.modified_at >= kept.modified_at:
                latest[record.id] = record
    records = sorted(latest.values(), key=lambda r: (r.modified_at, r.id))
    frame = _frame(records, properties, run_id)
    suppressed = 0
    if secret is not None:
        frame, suppressed = drop_suppressed(frame, load_suppressions(warehouse), secret)
    previous = _previous(warehouse, table, frame)
    changes = _changes(frame, previous, properties, client.crm_type, object_type, run_id)
    feed_file, fed = None, 0
    if mapping is not None and landing is not None and frame.height:
        feed = _records_to_feed(frame, previous, mapping, warehouse, client.crm_type)
        fed = feed.height
        if fed:
            feed_file = _write_feed(landing, warehouse, feed, client.crm_type, object_type, run_id)
    if full:
        warehouse.replace_table(table, frame)
    elif frame.height:
        warehouse.upsert(table, frame, key=["crm_id"], preserve=())
    if changes.height:
        warehouse.append_rows(CHANGES_TABLE, changes)
    # Never backwards, even when the newest record has dropped out of the CRM's search.
    stamps = [r.modified_at for r in records[-1:]] + ([cursor.since] if cursor.since else [])
    newest_iso = max(stamps).isoformat() if stamps else None
    after = Cursor(newest_iso, cursor.records_pulled + len(records), list(properties))
    write_state(warehouse, client.crm_type, object_type, status="ok", cursor=after)
    return PullResult(
        table=table,
        records_read=read,
        records_stored=frame.height,
        records_changed=changes["crm_id"].n_unique() if changes.height else 0,
        records_fed=fed,
        deleted=sum(r.deleted for r in records),
        feed_file=feed_file,
        cursor_before=cursor.modified_since,
        cursor_after=newest_iso,
        suppressed=suppressed,
    )


def _frame(records: list[CrmRecord], properties: list[str], run_id: str) -> pl.DataFrame:
    schema = {
        "crm_id": pl.String(),
        "modified_at": pl.Datetime("us", "UTC"),
        "deleted": pl.Boolean(),
        **{column(p): pl.String() for p in properties},
        "pulled_at": pl.Datetime("us"),
        "run_id": pl.String(),
    }
    now = utcnow()
    rows = [
        {
            "crm_id": r.id,
            "modified_at": r.modified_at,
            "deleted": r.deleted,
            **{column(p): r.properties.get(p) for p in properties},
            "pulled_at": now,
            "run_id": run_id,
        }
        for r in records
    ]
    frame = pl.DataFrame(rows, schema=schema)
    # Stored naive UTC: DuckDB and Postgres `timestamp` columns, like every other table.
    return frame.with_columns(pl.col("modified_at").dt.replace_time_zone(None))


def _previous(warehouse: Warehouse, table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The stored versions of the records just pulled, read by id: a scheduled pull
    brings a handful of records, the table may hold millions."""
    if frame.is_empty() or not warehouse.table_exists(table):
        return frame.clear()
    ids = frame["crm_id"].to_list()
    parts = [
        warehouse.query(
            f"select * from {table} where crm_id in ({', '.join('?' * len(chunk))})", chunk
        )
        for chunk in chunked(ids, ID_CHUNK)
    ]
    return pl.concat(parts, how="diagonal_relaxed")


def _changes(
    frame: pl.DataFrame,
    previous: pl.DataFrame,
    properties: list[str],
    crm_type: str,
    object_type: str,
    run_id: str,
) -> pl.DataFrame:
    """One row per record and field that is new or differs from the stored version."""
    before = {r["crm_id"]: r for r in previous.iter_rows(named=True)}
    now = utcnow()
    rows = []
    for record in frame.iter_rows(named=True):
        old = before.get(record["crm_id"])
        if record["deleted"] and not (old and old["deleted"]):
            rows.append(_change(record, "*", None, "deleted", "deleted", crm_type, object_type))
            continue
        for prop in properties:
            old_value = old.get(column(prop)) if old else None
            new_value = record[column(prop)]
            if new_value != old_value and not (old is None and new_value is None):
                decision = "new" if old is None else "changed"
                rows.append(
                    _change(record, prop, old_value, new_value, decision, crm_type, object_type)
                )
    for row in rows:
        row.update(run_id=run_id, changed_at=now)
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA)


def _change(record, prop, old, new, decision, crm_type, object_type) -> dict:
    return {
        "crm_type": crm_type,
        "object": object_type,
        "direction": "pull",
        "contact_id": None,
        "crm_id": record["crm_id"],
        "field": prop,
        "old_value": old,
        "new_value": new,
        "bizdev_value": None,
        "decision": decision,
        "outcome": "pulled" if decision != "deleted" else "deleted",
        "error": None,
    }


def _records_to_feed(
    frame: pl.DataFrame,
    previous: pl.DataFrame,
    mapping: CrmMapping,
    warehouse: Warehouse,
    crm_type: str,
) -> pl.DataFrame:
    """Pulled contacts the pipeline has not seen in this form: not deleted, not the echo
    of bizdev's own push (what the last sync left in the CRM) and not already pulled with
    these values (a record touched without a change that matters here)."""
    props = list(mapping.canonical_fields())
    left_by_push = {s.crm_id: s.known for s in snapshot(warehouse, crm_type).values() if s.crm_id}
    before = {r["crm_id"]: r for r in previous.iter_rows(named=True)}
    rows = []
    for record in frame.filter(~pl.col("deleted")).iter_rows(named=True):
        values = {p: record.get(column(p)) for p in props}
        seen = [left_by_push.get(record["crm_id"])]
        if record["crm_id"] in before:
            seen.append({p: before[record["crm_id"]].get(column(p)) for p in props})
        if any(known is not None and _same(values, known) for known in seen):
            continue
        rows.append(
            {
                "id": record["crm_id"],
                **mapping.to_canonical(values),
                "record_updated_at": record["modified_at"].isoformat() + "Z",
            }
        )
    return pl.DataFrame(rows, infer_schema_length=None)


def _same(values: dict, known: dict) -> bool:
    """The properties `known` has are equal (properties new to the mapping are not
    evidence of a change in the CRM)."""
    return all(same_value(values[p], known[p]) for p in values if p in known)


def _write_feed(
    landing: LandingZone,
    warehouse: Warehouse,
    feed: pl.DataFrame,
    crm_type: str,
    object_type: str,
    run_id: str,
) -> str:
    """Write the feed file, its hash recorded first: a crash in between leaves a hash no
    file has, never a feed file nobody vouches for."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    key = f"{FEED_PREFIX}/{crm_type}_{object_type}_{stamp}_{run_id[:8]}.ndjson"
    lines = (json.dumps(row, ensure_ascii=False) for row in feed.iter_rows(named=True))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    record_feed_file(
        warehouse,
        key,
        data,
        crm_type=crm_type,
        object_type=object_type,
        records=feed.height,
        run_id=run_id,
    )
    landing.write_bytes(key, data)
    return key
