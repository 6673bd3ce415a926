"""`raw_contact_files`: every row of every file dropped in the landing zone, as read.

A file is identified by the sha256 of its bytes, so re-dropping it (under any name) adds
nothing, and each run reads only files it has not seen. In a bucket, `source_file` is the
object key under the landing prefix and `landing_file_log.etag` its ETag; an object
whose key, ETag and size are already logged as loaded is not downloaded again, and one
deleted between listing and reading is skipped with a warning. Every file is isolated:
one that cannot be read, is over a limit (`pipeline_config.ingest_limits`) or breaks a reader is logged
in `landing_file_log` as rejected with the reason, and the other files go on. Entries
that are not read at all (hidden names, partial uploads, symlinks, pipes) are named in
the run's log and metadata. A line that cannot be parsed becomes a row with
`read_error` set, which normalization routes to `contacts_quarantine`, so every line
read is accounted for. Rows of subjects erased under GDPR (the suppression list,
`bizdev_assets/gdpr/suppression.py`) are dropped before they are stored and counted in
`rows_suppressed`.
"""

import dataclasses
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import polars as pl

from bizdev_assets.gdpr.suppression import drop_suppressed, load_suppressions
from bizdev_assets.ingest.file_outcome import (
    FILE_LOG_TABLE,
    RAW_TABLE,
    FileOutcome,
    IngestSummary,
    ingest_file,
    not_stored,
    unread_outcome,
)
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.ingest.landing_reads import KnownFiles, read_landing_file
from bizdev_assets.masking import mask_text
from bizdev_assets.metadata import markdown_table, table_metadata
from resources.landing import LandingZone, content_hash
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse


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
    ingest_limits = pipeline_config.ingest_limits
    mapping = HeaderMapping.load(pipeline_config.header_overrides_path())
    known = KnownFiles.load(warehouse)
    summary = IngestSummary()
    scan = landing.scan()
    suppressed, suppression_list = 0, load_suppressions(warehouse)
    for entry in scan.ignored:
        context.log.warning(f"{entry.name}: not read: {entry.reason}")
    for landing_file in scan.files:
        if known.unchanged_object(landing_file):
            summary.already_ingested += 1
            continue
        now = datetime.now(UTC).replace(tzinfo=None)
        read = read_landing_file(landing, landing_file, ingest_limits)
        if read.skipped:
            context.log.warning(read.skipped)
            continue
        if read.data is None:
            outcome = unread_outcome(landing_file, read.error or "", now)
        else:
            summary.bytes_read += len(read.data)
            file_hash = content_hash(read.data)
            if file_hash in known.loaded:
                summary.already_ingested += 1
                continue
            known.loaded.add(file_hash)
            outcome = ingest_file(landing_file, read.data, mapping, now, ingest_limits)
            del read
            rows, dropped = drop_suppressed(
                outcome.rows, suppression_list, pipeline_config.gdpr_secret
            )
            if dropped:
                outcome, suppressed = dataclasses.replace(outcome, rows=rows), suppressed + dropped
        outcome = _store(warehouse, outcome, known)
        _log_outcome(context, outcome)
        summary.add(outcome)
    summary.ignored = [{"file": e.name, "reason": e.reason} for e in scan.ignored]
    metadata = _metadata(summary, warehouse.row_count(RAW_TABLE))
    metadata["rows_suppressed"] = dg.MetadataValue.int(suppressed)
    return dg.MaterializeResult(metadata=metadata)


def _store(warehouse: Warehouse, outcome: FileOutcome, known: KnownFiles) -> FileOutcome:
    """The file's rows and log row in one transaction. A retried rejected file's old log
    row (it has no rows) gives way first. Rows the warehouse refuses reject this file
    only: it is logged so, and retried on the next run."""
    file_hash = outcome.read.file_hash
    if file_hash in known.rejected:
        warehouse.append_many(
            {}, sql_after=[(f"delete from {FILE_LOG_TABLE} where file_hash = ?", [file_hash])]
        )
    try:
        warehouse.append_many({RAW_TABLE: outcome.rows, FILE_LOG_TABLE: outcome.log_row})
    except Exception as exc:
        outcome = not_stored(outcome, exc)
        warehouse.append_many({RAW_TABLE: outcome.rows, FILE_LOG_TABLE: outcome.log_row})
    return outcome


def _log_outcome(context: dg.AssetExecutionContext, outcome: FileOutcome) -> None:
    for warning in outcome.read.warnings:
        context.log.warning(mask_text(warning))
    if outcome.rejected:
        context.log.error(mask_text(outcome.read.error or ""))
    else:
        context.log.info(
            f"{outcome.key}: {outcome.read.rows.height} rows, "
            f"{len(outcome.read.rejected_lines)} malformed lines, "
            f"{outcome.read.blank_lines} blank lines"
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
        "files_ignored": dg.MetadataValue.int(len(summary.ignored)),
        "bytes_read": dg.MetadataValue.int(summary.bytes_read),
    }
    if summary.rejected:
        metadata["rejected_files"] = dg.MetadataValue.md(
            markdown_table(pl.DataFrame(summary.rejected))
        )
    if summary.ignored:
        metadata["ignored_files"] = dg.MetadataValue.md(
            markdown_table(pl.DataFrame(summary.ignored))
        )
    return metadata
