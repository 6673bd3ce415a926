"""`contacts_normalized` and `contacts_quarantine`, made in one step from new raw rows.

Only rows of files not yet normalized are processed, so a new drop costs only its own
rows. Each raw row lands in exactly one of the two tables; the reconciliation check
proves it over the whole warehouse. The pandera contract is checked before anything is
written: a batch that breaks it is not stored (its files stay pending) and the blocking
check stops the downstream assets.
"""

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from bizdev_assets.ingest.file_outcome import FILE_LOG_TABLE, RAW_TABLE
from bizdev_assets.masking import mask_reason
from bizdev_assets.metadata import markdown_table, table_metadata
from bizdev_assets.normalize.batch import BatchTotals, NormalizedBatch, normalize_batch
from bizdev_assets.normalize.columns import (
    ADDED_COLUMNS,
    NORMALIZED_COLUMNS,
    NORMALIZED_TABLE,
    QUARANTINE_TABLE,
)
from resources.warehouse import Warehouse

CONTRACT_CHECK = "pandera_contract"
RECONCILIATION_CHECK = "raw_rows_reconcile"


def pending_files(warehouse: Warehouse) -> list[str]:
    """Hashes of the files that have been ingested but not yet normalized."""
    if not warehouse.table_exists(FILE_LOG_TABLE):
        return []
    return warehouse.query(
        f"select file_hash from {FILE_LOG_TABLE} where normalized_at is null "
        f"and file_hash in (select file_hash from {RAW_TABLE}) order by source_file, file_hash"
    )["file_hash"].to_list()


def pending_raw_rows(warehouse: Warehouse, file_hash: str) -> pl.DataFrame:
    """The raw rows of one file, in file order."""
    return warehouse.query(
        f"select * from {RAW_TABLE} where file_hash = ? order by source_sheet, source_row",
        [file_hash],
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            NORMALIZED_TABLE,
            deps=[RAW_TABLE],
            group_name="normalize",
            kinds={"duckdb", "polars", "pandera"},
            description="One row per usable contact row, normalized: E.164 phones, validated "
            "emails with free/disposable/role flags, split proper-cased names, company match "
            "keys, ISO countries, title buckets and GDPR consent fields.",
        ),
        dg.AssetSpec(
            QUARANTINE_TABLE,
            deps=[RAW_TABLE],
            group_name="normalize",
            kinds={"duckdb", "polars"},
            description="Rows that cannot be used (no name, email or phone; a malformed "
            "line), with the reason, source file and row, and the raw content as read.",
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            CONTRACT_CHECK,
            asset=NORMALIZED_TABLE,
            blocking=True,
            description="Each new file's rows satisfy the pandera contract of "
            "contacts_normalized; a file that does not is held back, pending, and named.",
        ),
        dg.AssetCheckSpec(
            RECONCILIATION_CHECK,
            asset=QUARANTINE_TABLE,
            blocking=True,
            description="Nothing is silently dropped: raw rows = normalized + quarantined.",
        ),
    ],
)
def contacts_normalized(context: dg.AssetExecutionContext, warehouse: Warehouse):
    # A table an older version made gets the columns added since (null for its rows),
    # even on a run with nothing new: the dedup stage reads them.
    warehouse.append_many({}, sql_after=[(sql, []) for sql in missing_column_statements()])
    # One file at a time, each stored with its `normalized_at` before the next is read:
    # memory follows the largest file, not the whole drop.
    files, totals = pending_files(warehouse), BatchTotals()
    for file_hash in files:
        batch = normalize_batch(pending_raw_rows(warehouse, file_hash))
        if batch.file_hashes:
            _store(warehouse, batch, datetime.now(UTC).replace(tzinfo=None))
        totals.add(batch)
        del batch
    if not files:
        context.log.info("no new raw rows to normalize")
        if not warehouse.table_exists(NORMALIZED_TABLE):
            # Downstream assets read these tables: create them empty on a first run
            # whose files were all rejected.
            empty = normalize_batch(pl.DataFrame())
            warehouse.append_many(
                {
                    NORMALIZED_TABLE: empty.normalized,
                    QUARANTINE_TABLE: empty.quarantined.with_columns(
                        pl.lit(None, pl.Datetime("us")).alias("quarantined_at")
                    ),
                }
            )
    if totals.failures:
        context.log.error(
            f"{len(totals.failures)} file(s) break the contract and stay pending: "
            + "; ".join(f"{f}: {mask_reason(msgs[0])}" for f, msgs in totals.failures.items())
        )
    if totals.normalized or totals.quarantined:
        context.log.info(
            f"normalized {totals.normalized} rows, quarantined {totals.quarantined} rows"
        )
    yield _contract_check(totals)
    yield _reconciliation(warehouse)
    normalized, quarantined = totals.previews or [pl.DataFrame(), pl.DataFrame()]
    yield dg.MaterializeResult(
        asset_key=NORMALIZED_TABLE,
        metadata=table_metadata(
            normalized,
            warehouse.row_count(NORMALIZED_TABLE),
            ["record_id", "full_name", "email", "phone", "company", "country"],
        )
        | {"rows_this_run": dg.MetadataValue.int(totals.normalized)}
        if totals.normalized
        else {"dagster/row_count": warehouse.row_count(NORMALIZED_TABLE), "rows_this_run": 0},
    )
    yield dg.MaterializeResult(
        asset_key=QUARANTINE_TABLE,
        metadata=(
            table_metadata(
                quarantined,
                warehouse.row_count(QUARANTINE_TABLE),
                ["source_file", "source_row", "reason"],
            )
            if totals.quarantined
            else {"dagster/row_count": warehouse.row_count(QUARANTINE_TABLE)}
        )
        | {"rows_this_run": dg.MetadataValue.int(totals.quarantined)}
        | _reasons(totals.reasons),
    )


def _store(warehouse: Warehouse, batch: NormalizedBatch, now: datetime) -> None:
    """Both tables and the stored files' `normalized_at`, in one transaction."""
    warehouse.append_many(
        {
            NORMALIZED_TABLE: batch.normalized,
            QUARANTINE_TABLE: batch.quarantined.with_columns(pl.lit(now).alias("quarantined_at")),
        },
        sql_after=[
            (
                f"update {FILE_LOG_TABLE} set normalized_at = ? "
                "where file_hash in (select unnest(?::varchar[]))",
                [now, batch.file_hashes],
            )
        ],
    )


def missing_column_statements() -> list[str]:
    """`alter table` statements adding any NORMALIZED_COLUMNS an existing table lacks
    (idempotent; valid on DuckDB and PostgreSQL)."""
    sql_types = {pl.String(): "varchar", pl.Date(): "date", pl.Boolean(): "boolean"}
    return [
        f"alter table if exists {NORMALIZED_TABLE} add column if not exists {name} "
        f"{sql_types[dtype]}"
        for name, dtype in NORMALIZED_COLUMNS.items()
        if name in ADDED_COLUMNS
    ]


def _contract_check(totals: BatchTotals) -> dg.AssetCheckResult:
    # Files that break the contract are held back (never stored), and a broken contract
    # blocks downstream (docs/pipeline.md): ERROR, so the blocking check stops the run.
    failures = totals.failures
    return dg.AssetCheckResult(
        check_name=CONTRACT_CHECK,
        asset_key=NORMALIZED_TABLE,
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows_stored": totals.normalized,
            "files_held_back": ", ".join(failures),
            "failures": "\n".join(
                f"{f}: {mask_reason(m)}" for f, msgs in failures.items() for m in msgs[:5]
            ),
        },
    )


def _reasons(counts: list[pl.DataFrame]) -> dict[str, dg.MetadataValue]:
    by_reason = pl.concat(counts) if counts else pl.DataFrame()
    if by_reason.is_empty():
        return {}
    masked = by_reason.with_columns(pl.col("reason").map_elements(mask_reason, pl.String))
    counts = masked.group_by("reason").agg(pl.sum("rows")).sort("rows", descending=True).head(10)
    return {"reasons": dg.MetadataValue.md(markdown_table(counts))}


def _reconciliation(warehouse: Warehouse) -> dg.AssetCheckResult:
    raw = warehouse.row_count(RAW_TABLE)
    normalized = warehouse.row_count(NORMALIZED_TABLE)
    quarantined = warehouse.row_count(QUARANTINE_TABLE)
    pending = 0
    if warehouse.table_exists(FILE_LOG_TABLE):
        pending = warehouse.query(
            f"select count(*) as n from {RAW_TABLE} r join {FILE_LOG_TABLE} f using (file_hash) "
            "where f.normalized_at is null"
        )["n"][0]
    return dg.AssetCheckResult(
        check_name=RECONCILIATION_CHECK,
        asset_key=QUARANTINE_TABLE,
        passed=raw == normalized + quarantined + pending,
        metadata={
            "raw_rows": raw,
            "normalized_rows": normalized,
            "quarantined_rows": quarantined,
            "pending_rows": int(pending),
        },
    )
