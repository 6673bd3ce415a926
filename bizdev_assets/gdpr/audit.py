"""The audit log: append-only and hash-chained, so an edited or deleted row is detected.

Each row's `row_hash` is sha256 over the previous row's hash and the row's own fields
(canonical JSON). `verify` recomputes the chain from the first row: an edited field, a
deleted row or a re-ordered one breaks it at that row. Subjects appear only as their
HMAC key (`identifiers.py`), so the log itself never needs erasing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from resources.warehouse import Warehouse

AUDIT_TABLE = "audit_log"
GENESIS = "0" * 64
_FIELDS = ("seq", "logged_at", "actor", "action", "subject_key", "target", "reason", "detail")


def _canonical_detail(detail: Any) -> str | None:
    if detail is None:
        return None
    value = json.loads(detail) if isinstance(detail, str) else detail
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    fields = {name: row.get(name) for name in _FIELDS}
    at = fields["logged_at"]
    fields["logged_at"] = at.isoformat() if isinstance(at, datetime) else at
    fields["detail"] = _canonical_detail(fields["detail"])
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def audit_statement(
    warehouse: Warehouse,
    *,
    actor: str,
    action: str,
    subject_key: str | None = None,
    target: str | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> tuple[str, list[Any]]:
    """The insert of the next audit row (run it in the transaction of what it records)."""
    last = warehouse.query(f"select seq, row_hash from {AUDIT_TABLE} order by seq desc limit 1")
    seq, prev = (last["seq"][0] + 1, last["row_hash"][0]) if last.height else (1, GENESIS)
    row = {
        "seq": int(seq),
        "logged_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        "actor": actor,
        "action": action,
        "subject_key": subject_key,
        "target": target,
        "reason": reason,
        "detail": _canonical_detail(detail),
    }
    columns = [*_FIELDS, "prev_hash", "row_hash"]
    values = [row[c] for c in _FIELDS] + [prev, row_hash(prev, row)]
    return (
        f"insert into {AUDIT_TABLE} ({', '.join(columns)}) "
        f"values ({', '.join('?' * len(columns))})",
        values,
    )


def audit(warehouse: Warehouse, **fields: Any) -> None:
    warehouse.append_many({}, sql_after=[audit_statement(warehouse, **fields)])


@dataclass(frozen=True)
class Verification:
    rows: int
    broken_at: int | None  # seq of the first row whose hash does not follow
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(warehouse: Warehouse) -> Verification:
    if not warehouse.table_exists(AUDIT_TABLE):
        return Verification(0, None)
    rows = warehouse.query(f"select * from {AUDIT_TABLE} order by seq")
    prev = GENESIS
    for index, row in enumerate(rows.iter_rows(named=True), start=1):
        if row["seq"] != index:
            return Verification(rows.height, row["seq"], f"row {index} is missing")
        if row["prev_hash"] != prev:
            return Verification(rows.height, row["seq"], "prev_hash does not follow the chain")
        if row_hash(prev, row) != row["row_hash"]:
            return Verification(rows.height, row["seq"], "the row was edited after it was written")
        prev = row["row_hash"]
    return Verification(rows.height, None)
