"""What one landing file adds to the warehouse: its rows in `raw_contact_files` and its
line in `landing_file_log`.

Kept apart from the asset (which lists, reads and writes) so the rows a file becomes can
be checked without a landing zone or a warehouse. Readable rows and one row per line that
could not be parsed (with `read_error`) go to the raw table in file order, so
normalization accounts for every line read; the file log says whether the file loaded
or was rejected, and why.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.ingest.readers import (
    DEFAULT_LIMITS,
    FileReadResult,
    RejectedLine,
    failed,
    read_contact_bytes,
)
from resources.ingest_limits import IngestLimits
from resources.landing import LandingFile
from resources.landing.base import printable

RAW_TABLE = "raw_contact_files"
FILE_LOG_TABLE = "landing_file_log"

RAW_TABLE_SCHEMA: dict[str, pl.DataType] = {
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
    "landed_at": pl.Datetime("us"),  # the file's modification time: ingestion latency starts here
    "ingested_at": pl.Datetime("us"),
    "normalized_at": pl.Datetime("us"),
}
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


@dataclass(frozen=True)
class FileOutcome:
    """One file read: the rows and the file-log row to write, and what the reader said."""

    key: str  # the landing key the file was read from
    read: FileReadResult
    rows: pl.DataFrame  # RAW_TABLE_SCHEMA
    log_row: pl.DataFrame  # FILE_LOG_SCHEMA, one row

    @property
    def rejected(self) -> bool:
        return bool(self.read.error)


def ingest_file(
    landing_file: LandingFile,
    data: bytes,
    mapping: HeaderMapping,
    ingested_at: datetime,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> FileOutcome:
    """Read one file's bytes into its raw rows and its file-log row; never raises for bad
    content (a bad file is a rejected outcome, a bad line a row with `read_error`).

    Whatever goes wrong while reading, mapping or assembling this one file (a reader
    bug included) rejects this file only, with the reason, and the run goes on.
    """
    name = landing_file.name
    try:
        result = read_contact_bytes(data, name, mapping, limits)
        rows = rows_for_warehouse(result, ingested_at)
    except (Exception, RecursionError, MemoryError) as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result = failed(
            name,
            data,
            f"{name}: could not be read ({type(exc).__name__}: {str(exc)[:300]}, in "
            f"{where.name}); the file is skipped and the run went on. Please report it "
            "to the data team",
        )
        rows = rows_for_warehouse(result, ingested_at)
    _make_printable(result)
    return FileOutcome(name, result, rows, file_log_row(landing_file, result, ingested_at))


def unread_outcome(landing_file: LandingFile, error: str, ingested_at: datetime) -> FileOutcome:
    """A file refused before its content was read (over the size limit, unreadable):
    rejected, identified by its name instead of its bytes, so each later run retries it
    under the same log row."""
    unread = f"unread\0{landing_file.key}".encode("utf-8", "surrogateescape")
    pseudo_hash = hashlib.sha256(unread).hexdigest()
    result = failed(landing_file.name, b"", error, file_hash=pseudo_hash)
    _make_printable(result)
    rows = rows_for_warehouse(result, ingested_at)
    return FileOutcome(
        landing_file.name, result, rows, file_log_row(landing_file, result, ingested_at)
    )


def not_stored(outcome: FileOutcome, exc: Exception) -> FileOutcome:
    """The file whose rows the warehouse refused, as a rejected file (retried next run)."""
    error = printable(
        f"{outcome.key}: could not be stored in the warehouse ({type(exc).__name__}: "
        f"{str(exc)[:300]}); the file is skipped, the run went on, and it is retried on "
        "the next run",
        4000,
    )
    result = failed(outcome.key, b"", error, file_hash=outcome.read.file_hash)
    log_row = outcome.log_row.with_columns(
        status=pl.lit("rejected"),
        rows_read=pl.lit(0, pl.Int64),
        lines_rejected=pl.lit(0, pl.Int64),
        error=pl.lit(error),
    )
    return FileOutcome(outcome.key, result, rows_for_warehouse(result, datetime.now()), log_row)


@dataclass
class IngestSummary:
    """What one run of `raw_contact_files` did, file by file, for its metadata."""

    loaded: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)  # file, error
    already_ingested: int = 0
    ignored: list[dict[str, str]] = field(default_factory=list)  # file, reason
    bytes_read: int = 0
    rows: int = 0
    previews: list[pl.DataFrame] = field(default_factory=list)

    def add(self, outcome: FileOutcome) -> None:
        if outcome.rejected:
            self.rejected.append({"file": outcome.key, "error": outcome.read.error or ""})
        else:
            self.loaded.append(outcome.key)
        self.rows += outcome.rows.height
        self.previews.append(outcome.rows.head(5))

    def preview(self) -> pl.DataFrame:
        """The first rows of each file read this run."""
        return pl.concat(self.previews) if self.previews else pl.DataFrame(schema=RAW_TABLE_SCHEMA)


def rows_for_warehouse(result: FileReadResult, ingested_at: datetime) -> pl.DataFrame:
    """Readable rows plus one row per unparseable line (with `read_error`), in file order."""
    good = result.rows.with_columns(
        pl.lit(None, pl.String).alias("read_error"), pl.lit(ingested_at).alias("ingested_at")
    )
    bad = _rejected_rows(result, result.rejected_lines, ingested_at)
    both = pl.concat([good.select(list(RAW_TABLE_SCHEMA)), bad], how="vertical_relaxed")
    return both.cast(RAW_TABLE_SCHEMA).sort("source_sheet", "source_row", nulls_last=False)


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
            "read_error": [printable(line.reason, 2000) for line in lines],
            "ingested_at": [ingested_at] * len(lines),
        },
        schema={k: v for k, v in RAW_TABLE_SCHEMA.items() if k in _REJECTED_COLUMNS},
    ).select(
        [
            pl.col(c) if c in _REJECTED_COLUMNS else pl.lit(None, dtype).alias(c)
            for c, dtype in RAW_TABLE_SCHEMA.items()
        ]
    )


def file_log_row(
    landing_file: LandingFile, result: FileReadResult, ingested_at: datetime
) -> pl.DataFrame:
    """The file's `landing_file_log` row: loaded or rejected, with counts and the reason."""
    rows_stored = result.rows.height + len(result.rejected_lines)
    return pl.DataFrame(
        [
            {
                "file_hash": result.file_hash,
                "source_file": landing_file.name,
                "source_type": result.source_type,
                "size_bytes": landing_file.size,
                "etag": landing_file.etag,
                "status": "rejected" if result.error else "loaded",
                "rows_read": result.rows.height,
                "lines_rejected": len(result.rejected_lines),
                "error": result.error,
                "warnings": json.dumps(_log_warnings(result), ensure_ascii=False),
                "landed_at": landed_at(landing_file),
                "ingested_at": ingested_at,
                # A file with no rows has nothing to normalize: it is never left pending.
                "normalized_at": None if result.error or rows_stored else ingested_at,
            }
        ],
        schema=FILE_LOG_SCHEMA,
    )


def landed_at(landing_file: LandingFile) -> datetime:
    """When the file arrived (its modification time), naive UTC like every warehouse time."""
    return datetime.fromtimestamp(landing_file.modified_ns / 1e9, UTC).replace(tzinfo=None)


def _make_printable(result: FileReadResult) -> None:
    """Messages may quote headers, sheet names and cells: no control character in them
    reaches a log line, a terminal or the file log."""
    result.error = printable(result.error, 4000) if result.error else None
    result.warnings = [printable(w, 2000) for w in result.warnings]


def _log_warnings(result: FileReadResult) -> list[str]:
    warnings = list(result.warnings)
    if result.blank_lines:
        warnings.append(
            f"{result.source_file}: {result.blank_lines:,} blank line(s) skipped (empty, or "
            "only delimiters)"
        )
    return warnings
