"""Consent as data: every statement a record, withdrawal included, never an overwrite.

`consent_records` holds one row per statement: the contact, the purpose
(`marketing_email`, `enrichment`, `crm_sync`, `profiling`), `granted` or `withdrawn`, the
lawful basis, where it came from and the evidence (a file and row, an API request id, a
ticket). The effective consent per contact and purpose is the latest statement. A
recorded statement overrides what the golden contact says (its `gdpr_consent` comes from
whatever file had the newest consent column); no statement leaves the golden value in
force. Every recorded statement is also an audit-log row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import polars as pl

from bizdev_assets.gdpr.audit import audit_statement
from bizdev_assets.gdpr.identifiers import keyed_hash
from bizdev_assets.gdpr.requests import ensure_tables
from resources.warehouse import Warehouse

CONSENT_TABLE = "consent_records"
PURPOSES = ("marketing_email", "enrichment", "crm_sync", "profiling")
STATUSES = ("granted", "withdrawn")


def record_consent(
    warehouse: Warehouse,
    *,
    contact_id: str,
    purpose: str,
    status: str,
    lawful_basis: str,
    source: str,
    evidence: str,
    recorded_by: str,
    secret: bytes,
    captured_at: datetime | None = None,
) -> str:
    """Append one consent statement (and its audit row); its id."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose {purpose!r}: expected one of {', '.join(PURPOSES)}")
    if status not in STATUSES:
        raise ValueError(f"status {status!r}: expected granted or withdrawn")
    ensure_tables(warehouse)
    consent_id = str(uuid.uuid4())
    at = captured_at or datetime.now(UTC).replace(tzinfo=None)
    warehouse.append_many(
        {},
        sql_after=[
            (
                f"insert into {CONSENT_TABLE} (consent_id, contact_id, purpose, status, "
                "lawful_basis, source, evidence, captured_at, recorded_by) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    consent_id,
                    contact_id,
                    purpose,
                    status,
                    lawful_basis,
                    source,
                    evidence,
                    at,
                    recorded_by,
                ],
            ),
            audit_statement(
                warehouse,
                actor=recorded_by,
                action=f"consent_{status}",
                subject_key=keyed_hash(secret, "contact", contact_id),
                target=consent_id,
                reason=f"{purpose}: {lawful_basis}",
                detail={"purpose": purpose, "source": source},
            ),
        ],
    )
    return consent_id


def effective_consent(warehouse: Warehouse, purpose: str) -> pl.DataFrame:
    """contact_id, status, source of the latest statement per contact for `purpose`."""
    empty = pl.DataFrame(schema={"contact_id": pl.String, "status": pl.String, "source": pl.String})
    if not warehouse.table_exists(CONSENT_TABLE):
        return empty
    rows = warehouse.query(
        f"select contact_id, status, source, captured_at, consent_id from {CONSENT_TABLE} "
        "where purpose = ?",
        [purpose],
    )
    if rows.is_empty():
        return empty
    return (
        rows.sort("captured_at", "consent_id")
        .unique("contact_id", keep="last")
        .select("contact_id", "status", "source")
    )


def apply_recorded_consent(gate: pl.DataFrame, recorded: pl.DataFrame) -> pl.DataFrame:
    """An outreach gate (`contact_id, outreach_allowed, consent_basis`) with recorded
    statements for `marketing_email` in force: a withdrawal refuses, a grant allows
    (when the gate refused only for want of consent)."""
    if recorded.is_empty():
        return gate
    joined = gate.join(recorded, on="contact_id", how="left")
    withdrawn = pl.col("status") == "withdrawn"
    granted = (pl.col("status") == "granted") & (pl.col("consent_basis") == "no consent")
    return joined.select(
        "contact_id",
        outreach_allowed=pl.when(withdrawn)
        .then(False)
        .when(granted)
        .then(True)
        .otherwise(pl.col("outreach_allowed")),
        consent_basis=pl.when(withdrawn)
        .then(pl.format("consent withdrawn ({})", pl.col("source")))
        .when(granted)
        .then(pl.format("consent recorded ({})", pl.col("source")))
        .otherwise(pl.col("consent_basis")),
    )
