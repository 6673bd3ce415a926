"""`raw_contact_files`: every row of every file dropped in the landing zone, as read.

A file is identified by the sha256 of its bytes, so re-dropping it (under any name) adds
nothing, and each run reads only files it has not seen. In a bucket, `source_file` is the
object key under the landing prefix and `landing_file_log.etag` its ETag; an object
deleted between listing and reading is skipped with a warning. A file that cannot be read is
logged in `landing_file_log` with the reason and does not stop the other files; a line
that cannot be parsed becomes a row with `read_error` set, which normalization routes
to `contacts_quarantine`, so every line read is accounted for.
"""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
import polars as pl

from bizdev_assets.ingest.file_outcome import (
    FILE_LOG_TABLE,
    RAW_TABLE,
    FileOutcome,
    IngestSummary,
    ingest_file,
)
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.metadata import markdown_table, table_metadata
from resources.landing import LandingZone, content_hash
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse


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


@dg.asset(
    group_name="ingest",
    kinds={"duckdb", "polars"},
    description=__doc__,
)
def raw_contact_files(
    context: dg.AssetExecutionContext,
    landing: LandingZone,
    warehouse: Warehouse,
    pipeline_config: PipelineConfig,
) -> dg.MaterializeResult:
    mapping = HeaderMapping.load(pipeline_config.header_overrides_path())
    hashes = file_hashes_by_status(warehouse)
    seen = hashes["loaded"]
    summary = IngestSummary()
    for landing_file in landing.list_files():
        try:
            data = landing.read_bytes(landing_file.key)
        except FileNotFoundError:
            context.log.warning(f"{landing_file.key}: removed before it could be read; skipped")
            continue
        file_hash = content_hash(data)
        if file_hash in seen:
            summary.already_ingested += 1
            continue
        seen.add(file_hash)
        outcome = ingest_file(landing_file, data, mapping, datetime.now(UTC).replace(tzinfo=None))
        if file_hash in hashes["rejected"]:
            # A retry of a rejected file: its old log row (it has no rows) gives way.
            warehouse.append_many(
                {}, sql_after=[(f"delete from {FILE_LOG_TABLE} where file_hash = ?", [file_hash])]
            )
        warehouse.append_many({RAW_TABLE: outcome.rows, FILE_LOG_TABLE: outcome.log_row})
        _log_outcome(context, outcome)
        summary.add(outcome)
    return dg.MaterializeResult(metadata=_metadata(summary, warehouse.row_count(RAW_TABLE)))


def _log_outcome(context: dg.AssetExecutionContext, outcome: FileOutcome) -> None:
    for warning in outcome.read.warnings:
        context.log.warning(warning)
    if outcome.rejected:
        context.log.error(outcome.read.error)
    else:
        context.log.info(
            f"{outcome.key}: {outcome.read.rows.height} rows, "
            f"{len(outcome.read.rejected_lines)} malformed lines"
        )


def _metadata(summary: IngestSummary, total_rows: int) -> dict[str, Any]:
    metadata = table_metadata(
        summary.preview(),
        total_rows,
        ["source_file", "source_row", "first_name", "last_name", "email", "company"],
    )
    metadata["rows_this_run"] = dg.MetadataValue.int(summary.rows)
    metadata |= {
        "files_loaded": dg.MetadataValue.int(len(summary.loaded)),
        "files_rejected": dg.MetadataValue.int(len(summary.rejected)),
        "files_already_ingested": dg.MetadataValue.int(summary.already_ingested),
    }
    if summary.rejected:
        metadata["rejected_files"] = dg.MetadataValue.md(
            markdown_table(pl.DataFrame(summary.rejected))
        )
    return metadata
