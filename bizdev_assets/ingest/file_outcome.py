"""What one landing file adds to the warehouse: its rows in `raw_contact_files` and its
line in `landing_file_log`.

Kept apart from the asset (which lists, reads and writes) so the rows a file becomes can
be checked without a landing zone or a warehouse. Readable rows and one row per line that
could not be parsed (with `read_error`) go to the raw table in file order, so
normalization accounts for every line read; the file log says whether the file loaded
or was rejected, and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.ingest.readers import FileReadResult, RejectedLine, read_contact_bytes
from resources.landing import LandingFile

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
    landing_file: LandingFile, data: bytes, mapping: HeaderMapping, ingested_at: datetime
) -> FileOutcome:
    """Read one file's bytes into its raw rows and its file-log row; never raises for bad
    content (a bad file is a rejected outcome, a bad line a row with `read_error`)."""
    result = read_contact_bytes(data, landing_file.key, mapping)
    return FileOutcome(
        key=landing_file.key,
        read=result,
        rows=rows_for_warehouse(result, ingested_at),
        log_row=file_log_row(landing_file, result, ingested_at),
    )


@dataclass
class IngestSummary:
    """What one run of `raw_contact_files` did, file by file, for its metadata."""

    loaded: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)  # file, error
    already_ingested: int = 0
    rows: int = 0
    previews: list[pl.DataFrame] = field(default_factory=list)

    def add(self, outcome: FileOutcome) -> None:
        if outcome.rejected:
            self.rejected.append({"file": outcome.key, "error": outcome.read.error})
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
            "read_error": [line.reason for line in lines],
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
