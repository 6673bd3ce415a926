"""`gdpr_requests`: one row per request and destination, with its status.

Statuses, as Segment's deletion regulations have them: `pending` (not tried yet),
`running`, `finished`, `partial_success` (done, with something left that the reason
names) and `failed` (with the reason; tried again). The identifiers a request needs
until every destination finished live in `gdpr_request_subjects` and are deleted then.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from bizdev_assets.gdpr.identifiers import Subject
from resources.warehouse import Warehouse

REQUESTS_TABLE = "gdpr_requests"
SUBJECTS_TABLE = "gdpr_request_subjects"
DONE = "finished"
STATUSES = ("pending", "running", "finished", "partial_success", "failed")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_tables(warehouse: Warehouse) -> None:
    """The GDPR tables (migration 0004): created on DuckDB; PostgreSQL has them from
    its migrations."""
    create = getattr(warehouse, "create_adr_tables", None)
    if create is not None:
        create()


def open_request_statements(
    request_id: str,
    destinations: list[str],
    subject: Subject,
    *,
    subject_key: str,
    requested_by: str,
    kind: str = "erasure",
) -> list[tuple[str, list[Any]]]:
    at = now()
    statements = [
        (
            f"insert into {REQUESTS_TABLE} (request_id, destination, kind, status, attempts, "
            "subject_key, requested_by, requested_at, updated_at) "
            "values (?, ?, ?, 'pending', 0, ?, ?, ?, ?)",
            [request_id, d, kind, subject_key, requested_by, at, at],
        )
        for d in destinations
    ]
    statements.append(
        (
            f"insert into {SUBJECTS_TABLE} (request_id, identifiers) values (?, ?)",
            [request_id, json.dumps(subject.to_json())],
        )
    )
    return statements


def set_status(
    warehouse: Warehouse,
    request_id: str,
    destination: str,
    status: str,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    at = now()
    attempt = 1 if status == "running" else 0
    warehouse.append_many(
        {},
        sql_after=[
            (
                f"update {REQUESTS_TABLE} set status = ?, reason = ?, updated_at = ?, "
                "attempts = attempts + ?, finished_at = ?, "
                "detail = coalesce(?, detail) where request_id = ? and destination = ?",
                [
                    status,
                    reason,
                    at,
                    attempt,
                    at if status == DONE else None,
                    json.dumps(detail) if detail is not None else None,
                    request_id,
                    destination,
                ],
            )
        ],
    )


def request_rows(warehouse: Warehouse, request_id: str | None = None) -> pl.DataFrame:
    if not warehouse.table_exists(REQUESTS_TABLE):
        return pl.DataFrame()
    where, params = ("where request_id = ?", [request_id]) if request_id else ("", [])
    return warehouse.query(
        f"select request_id, destination, kind, status, reason, attempts, requested_at, "
        f"updated_at, finished_at from {REQUESTS_TABLE} {where} "
        "order by requested_at, request_id, destination",
        params,
    )


def open_request_ids(warehouse: Warehouse) -> list[str]:
    rows = request_rows(warehouse)
    if rows.is_empty():
        return []
    return sorted(set(rows.filter(pl.col("status") != DONE)["request_id"]))


def load_subject(warehouse: Warehouse, request_id: str) -> Subject | None:
    rows = warehouse.query(
        f"select identifiers from {SUBJECTS_TABLE} where request_id = ?", [request_id]
    )
    if rows.is_empty():
        return None
    value = rows["identifiers"][0]
    return Subject.from_json(json.loads(value) if isinstance(value, str) else value)


def forget_subject_statement(request_id: str) -> tuple[str, list[Any]]:
    return (f"delete from {SUBJECTS_TABLE} where request_id = ?", [request_id])


def overdue(rows: pl.DataFrame, now: datetime, sla_days: int) -> list[str]:
    """Requests with a destination not finished `sla_days` after they were made."""
    if rows.is_empty():
        return []
    late = rows.filter(
        (pl.col("status") != DONE) & (pl.col("requested_at") < now - timedelta(days=sla_days))
    )
    return sorted(set(late["request_id"]))
