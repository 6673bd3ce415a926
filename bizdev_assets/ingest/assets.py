"""`raw_contact_files`: every row of every file dropped in the landing zone, as read.

A file is identified by the sha256 of its bytes, so re-dropping it (under any name) adds
nothing, and each run reads only files it has not seen. In a bucket, `source_file` is the
object key under the landing prefix and `landing_file_log.etag` its ETag; an object
deleted between listing and reading is skipped with a warning. A file that cannot be read is
logged in `landing_file_log` with the reason and does not stop the other files; a line
that cannot be parsed becomes a row with `read_error` set, which normalization routes
to `contacts_quarantine`, so every line read is accounted for.
"""

import json
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.ingest.readers import FileReadResult, RejectedLine, read_contact_bytes
from bizdev_assets.metadata import markdown_table, table_metadata
from resources.landing import LandingFile, LandingZone, content_hash
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse

RAW_TABLE = "raw_contact_files"
FILE_LOG_TABLE = "landing_file_log"

RAW_SCHEMA: dict[str, pl.DataType] = {
    **{c: pl.String() for c in RAW_COLUMNS},
    "source_row": pl.Int64(),
    "read_error": pl.String(),
    "ingested_at": pl.Datetime("us"),
}
FILE_LOG_SCHEMA: dict[str, pl.DataType] = {
    "file_hash": pl.String(),
    "source_file": pl.String(),
    "source_type": pl.String(),
    "size_bytes": pl.Int64(),
    "etag": pl.String(),  # S3 ETag of the object read; null for a local file
    "status": pl.String(),  # loaded | rejected
    "rows_read": pl.Int64(),
    "lines_rejected": pl.Int64(),
    "error": pl.String(),
    "warnings": pl.String(),  # JSON list
    "ingested_at": pl.Datetime("us"),
    "normalized_at": pl.Datetime("us"),
}


def file_hashes_by_status(warehouse: Warehouse) -> dict[str, set[str]]:
    """Content hashes in the file log: `loaded` ones are never read again; `rejected`
    ones are retried (renamed to a readable type, or readable after a fix)."""
    if not warehouse.table_exists(FILE_LOG_TABLE):
        return {"loaded": set(), "rejected": set()}
    log = warehouse.query(f"select file_hash, status from {FILE_LOG_TABLE}")
    return {
        status: set(log.filter(pl.col("status") == status)["file_hash"])
        for status in ("loaded", "rejected")
    }


def add_etag_column(warehouse: Warehouse) -> None:
    """Warehouses created before bucket landing zones have a file log without `etag`."""
    if not warehouse.table_exists(FILE_LOG_TABLE):
        return
    warehouse.append_many(
        {}, sql_after=[(f"alter table {FILE_LOG_TABLE} add column if not exists etag varchar", [])]
    )


def rows_for_warehouse(result: FileReadResult, ingested_at: datetime) -> pl.DataFrame:
    """Readable rows plus one row per unparseable line (with `read_error`), in file order."""
    good = result.rows.with_columns(
        pl.lit(None, pl.String).alias("read_error"), pl.lit(ingested_at).alias("ingested_at")
    )
    bad = _rejected_rows(result, result.rejected_lines, ingested_at)
    both = pl.concat([good.select(list(RAW_SCHEMA)), bad], how="vertical_relaxed")
    return both.cast(RAW_SCHEMA).sort("source_sheet", "source_row", nulls_last=False)


def _rejected_rows(
    result: FileReadResult, lines: list[RejectedLine], ingested_at: datetime
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "file_hash": [result.file_hash] * len(lines),
            "source_file": [result.source_file] * len(lines),
            "source_type": [result.source_type] * len(lines),
            "source_sheet": [line.source_sheet for line in lines],
            "source_row": [line.source_row for line in lines],
            "attributes": [
                json.dumps({"_raw_line": line.raw_content}, ensure_ascii=False) for line in lines
            ],
            "read_error": [line.reason for line in lines],
            "ingested_at": [ingested_at] * len(lines),
        },
        schema={k: v for k, v in RAW_SCHEMA.items() if k in _REJECTED_COLUMNS},
    ).select(
        [
            pl.col(c) if c in _REJECTED_COLUMNS else pl.lit(None, dtype).alias(c)
            for c, dtype in RAW_SCHEMA.items()
        ]
    )


_REJECTED_COLUMNS = {
    "file_hash",
    "source_file",
    "source_type",
    "source_sheet",
    "source_row",
    "attributes",
    "read_error",
    "ingested_at",
}


def file_log_row(
    landing_file: LandingFile, result: FileReadResult, ingested_at: datetime
) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "file_hash": result.file_hash,
                "source_file": landing_file.key,
                "source_type": result.source_type,
                "size_bytes": landing_file.size,
                "etag": landing_file.etag,
                "status": "rejected" if result.error else "loaded",
                "rows_read": result.rows.height,
                "lines_rejected": len(result.rejected_lines),
                "error": result.error,
                "warnings": json.dumps(result.warnings, ensure_ascii=False),
                "ingested_at": ingested_at,
                "normalized_at": None,
            }
        ],
        schema=FILE_LOG_SCHEMA,
    )


@dg.asset(
    group_name="ingest",
    kinds={"duckdb", "polars"},
    description=__doc__,
    # CRM pulls drop the contacts changed in the CRM into the landing zone (crm/).
    deps=["crm_hubspot_contacts", "crm_salesforce_contacts"],
)
def raw_contact_files(
    context: dg.AssetExecutionContext,
    landing: LandingZone,
    warehouse: Warehouse,
    pipeline_config: PipelineConfig,
) -> dg.MaterializeResult:
    mapping = HeaderMapping.load(pipeline_config.header_overrides_path())
    add_etag_column(warehouse)
    hashes = file_hashes_by_status(warehouse)
    seen = hashes["loaded"]
    loaded, rejected, previews = [], [], []
    already_seen = rows_this_run = 0
    for landing_file in landing.list_files():
        try:
            data = landing.read_bytes(landing_file.key)
        except FileNotFoundError:
            context.log.warning(f"{landing_file.key}: removed before it could be read; skipped")
            continue
        file_hash = content_hash(data)
        if file_hash in seen:
            already_seen += 1
            continue
        seen.add(file_hash)
        result = read_contact_bytes(data, landing_file.key, mapping)
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = rows_for_warehouse(result, now)
        if file_hash in hashes["rejected"]:
            # A retry of a rejected file: its old log row (it has no rows) gives way.
            warehouse.append_many(
                {}, sql_after=[(f"delete from {FILE_LOG_TABLE} where file_hash = ?", [file_hash])]
            )
        warehouse.append_many(
            {RAW_TABLE: rows, FILE_LOG_TABLE: file_log_row(landing_file, result, now)}
        )
        for warning in result.warnings:
            context.log.warning(warning)
        if result.error:
            context.log.error(result.error)
            rejected.append({"file": landing_file.key, "error": result.error})
        else:
            context.log.info(
                f"{landing_file.key}: {result.rows.height} rows, "
                f"{len(result.rejected_lines)} malformed lines"
            )
            loaded.append(landing_file.key)
        rows_this_run += rows.height
        previews.append(rows.head(5))
    new_rows = pl.concat(previews) if previews else pl.DataFrame(schema=RAW_SCHEMA)
    metadata = table_metadata(
        new_rows,
        warehouse.row_count(RAW_TABLE),
        ["source_file", "source_row", "first_name", "last_name", "email", "company"],
    )
    metadata["rows_this_run"] = dg.MetadataValue.int(rows_this_run)
    metadata |= {
        "files_loaded": dg.MetadataValue.int(len(loaded)),
        "files_rejected": dg.MetadataValue.int(len(rejected)),
        "files_already_ingested": dg.MetadataValue.int(already_seen),
    }
    if rejected:
        metadata["rejected_files"] = dg.MetadataValue.md(markdown_table(pl.DataFrame(rejected)))
    return dg.MaterializeResult(metadata=metadata)
