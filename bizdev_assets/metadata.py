"""What each asset shows in the Dagster UI: row counts and a small preview."""

from __future__ import annotations

from typing import Any

import dagster as dg
import polars as pl

PREVIEW_ROWS = 5
_MAX_CELL = 40


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def markdown_table(frame: pl.DataFrame, columns: list[str] | None = None) -> str:
    """A markdown table of the frame (the UI renders it), cells truncated for width."""
    frame = frame.select(columns) if columns else frame
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join([header, rule, *body])


def preview(frame: pl.DataFrame, columns: list[str] | None = None) -> dg.MetadataValue:
    return dg.MetadataValue.md(markdown_table(frame.head(PREVIEW_ROWS), columns))


def table_metadata(
    frame: pl.DataFrame, total_rows: int, columns: list[str] | None = None
) -> dict[str, Any]:
    """Standard metadata: total rows in the table, rows written this run, a preview."""
    return {
        "dagster/row_count": dg.MetadataValue.int(total_rows),
        "rows_this_run": dg.MetadataValue.int(frame.height),
        "preview": preview(frame, columns),
    }
