"""What became of an upload: `GET /v1/uploads/{id}`.

From the state file: whether it landed and where (the spool, then its rollup under
`api/contacts/`, or the uploaded file's own key) and which lines are its records. From
the warehouse, by `source_file` and `source_row`: the landing file's line in
`landing_file_log` (loaded or rejected, with the reason), and how many of its rows are in
`raw_contact_files`, `contacts_normalized` and `contacts_quarantine` (with the reasons,
masked: they quote the values refused). A warehouse that cannot be read right now leaves
those out with the reason; what the state file knows is still answered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bizdev_api.errors import ApiError
from bizdev_api.reads.source import WarehouseReader
from bizdev_api.state import StateDB
from bizdev_assets.masking import mask_reason

QUARANTINE_SHOWN = 20


def upload_status(state: StateDB, reader: WarehouseReader, upload_id: str) -> dict[str, Any]:
    upload = state.upload(upload_id)
    if upload is None:
        raise ApiError(404, f"no upload {upload_id!r} (ids are kept 30 days)")
    status: dict[str, Any] = {
        "upload_id": upload_id,
        "kind": upload["kind"],
        "records": upload["records"],
        "received_at": datetime.fromtimestamp(upload["received_at"], UTC).isoformat(),
    }
    key, rows = _where(upload)
    if upload["state"] == "writing":
        status["state"] = "writing"
        return status
    status["landing_key"] = key
    if key is None or key.startswith(".bizdev/"):
        status["state"] = "landed"
        status["detail"] = "in the API's spool; in a landing file within about a minute"
        return status
    if rows is not None:
        status["rows"] = {"first": rows[0], "last": rows[1]}
    try:
        status |= _from_warehouse(reader, key, rows)
    except ApiError as error:
        status["state"] = "landed"
        status["warehouse"] = f"unavailable: {error.detail}"
    return status


def _where(upload: dict[str, Any]) -> tuple[str | None, tuple[int, int] | None]:
    if upload["kind"] == "file":
        return upload["landing_key"], None
    if upload["rollup_key"] is None:
        return upload["spool_key"], None
    first = upload["rollup_first_line"] + upload["first_line"] - 1
    return upload["rollup_key"], (first, first + upload["records"] - 1)


def _from_warehouse(
    reader: WarehouseReader, key: str, rows: tuple[int, int] | None
) -> dict[str, Any]:
    if not reader.has("landing_file_log"):
        return {"state": "landed", "detail": "not ingested yet"}
    logged = reader.query(
        "select status, error, rows_read, ingested_at, normalized_at from landing_file_log "
        "where source_file = ? order by ingested_at desc limit 1",
        [key],
    )
    if logged.height == 0:
        return {"state": "landed", "detail": "not ingested yet"}
    log = logged.row(0, named=True)
    found: dict[str, Any] = {
        "state": "rejected" if log["status"] == "rejected" else "ingested",
        "ingested_at": _iso(log["ingested_at"]),
        "normalized_at": _iso(log["normalized_at"]),
    }
    if log["status"] == "rejected":
        found["error"] = mask_reason(log["error"] or "")
        return found
    where, params = "source_file = ?", [key]
    if rows is not None:
        where += " and source_row between ? and ?"
        params += [rows[0], rows[1]]
    found["rows_read"] = _count(reader, "raw_contact_files", where, params)
    found["rows_normalized"] = _count(reader, "contacts_normalized", where, params)
    found["rows_quarantined"] = _count(reader, "contacts_quarantine", where, params)
    if found["rows_quarantined"]:
        reasons = reader.query(
            f"select source_row, reason from contacts_quarantine where {where} "
            f"order by source_row limit {QUARANTINE_SHOWN}",
            params,
        )
        found["quarantine"] = [
            {"row": r["source_row"], "reason": mask_reason(r["reason"] or "")}
            for r in reasons.iter_rows(named=True)
        ]
    return found


def _count(reader: WarehouseReader, table: str, where: str, params: list[Any]) -> int:
    if not reader.has(table):
        return 0
    frame = reader.query(f"select count(*) as n from {table} where {where}", params)
    return int(frame["n"][0])


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
