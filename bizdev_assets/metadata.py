"""What each asset shows in the Dagster UI: row counts and a small preview.

Every table shown goes through `markdown_table`, which masks the columns that hold
personal data (`masking.PII_COLUMNS`: names, emails, phones, raw content, reasons), so
no asset's preview puts a contact into Dagster's event log.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import polars as pl

from bizdev_assets.masking import mask_cell
from resources.landing.base import printable

PREVIEW_ROWS = 5
_MAX_CELL = 40


def _cell(value: Any) -> str:
    text = "" if value is None else printable(str(value)[: _MAX_CELL * 4], _MAX_CELL)
    return text.replace("|", "\\|")


def markdown_table(frame: pl.DataFrame, columns: list[str] | None = None) -> str:
    """A markdown table of the frame (the UI renders it): personal data masked, cells
    truncated for width."""
    frame = frame.select(columns) if columns else frame
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    names = frame.columns
    body = [
        "| " + " | ".join(_cell(mask_cell(c, v)) for c, v in zip(names, row, strict=True)) + " |"
        for row in frame.iter_rows()
    ]
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
