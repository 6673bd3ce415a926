"""Excel workbooks (.xlsx): every sheet, every cell read as text.

Cells are read as strings by calamine itself, so a phone number typed as 4155550134
stays "4155550134" (not "4155550134.0") and a zip code keeps its digits.
"""

from __future__ import annotations

import fastexcel
import polars as pl

from bizdev_assets.ingest.parsed import ParsedFile, ParsedSheet, UnreadableFile, unique_headers
from bizdev_assets.ingest.text_files import HeaderScorer

_LEGACY_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_HEADER_SEARCH_ROWS = 10  # non-blank rows searched for the header (titles, export notes)


def read_workbook(data: bytes, score_header: HeaderScorer) -> ParsedFile:
    """Read all sheets; empty or unrecognisable sheets are skipped with a warning."""
    if data.startswith(_LEGACY_XLS_MAGIC):
        raise UnreadableFile(
            "is a legacy .xls workbook (or another OLE file), which is not supported; "
            "open it in Excel and save it as .xlsx"
        )
    try:
        workbook = fastexcel.read_excel(data)
        names = workbook.sheet_names
    except Exception as exc:  # calamine raises several unrelated types
        raise UnreadableFile(
            f"is not a readable .xlsx workbook ({_first_line(exc)}); open it in Excel, "
            "save it again as .xlsx (or export it as CSV) and drop it again"
        ) from exc
    parsed = ParsedFile(source_type="xlsx")
    for name in names:
        try:
            grid = workbook.load_sheet(
                name, header_row=None, dtypes="string", skip_rows=0
            ).to_polars()
        except Exception as exc:
            parsed.warnings.append(f"sheet {name!r} could not be read ({_first_line(exc)})")
            continue
        sheet = _sheet_from_grid(name, grid, score_header, parsed.warnings)
        if sheet is not None:
            parsed.sheets.append(sheet)
    if not parsed.sheets:
        raise UnreadableFile(
            "has no sheet with a header row of known contact fields "
            f"(sheets: {', '.join(names) or 'none'}); put the column headers in the "
            "first row of each sheet, or add them to a header override file"
        )
    return parsed


def _sheet_from_grid(
    name: str, grid: pl.DataFrame, score_header: HeaderScorer, warnings: list[str]
) -> ParsedSheet | None:
    """Turn a raw cell grid (row 0 = sheet row 1) into a sheet under its header row.

    The header is the first non-blank row naming a known field, so a title line or
    two above it is tolerated; wholly blank rows are dropped.
    """
    cell = pl.all().exclude("__row")
    filled = pl.any_horizontal(cell.is_not_null() & (cell.str.strip_chars() != ""))
    grid = grid.with_row_index("__row", offset=1).filter(filled) if grid.width else grid
    if grid.height == 0:
        warnings.append(f"sheet {name!r} is empty, skipped")
        return None
    cells = grid.drop("__row")
    for position in range(min(cells.height, _HEADER_SEARCH_ROWS)):
        headers, header_warnings = unique_headers(list(cells.row(position)))
        if score_header(headers):
            break
    else:
        first = unique_headers(list(cells.row(0)))[0]
        warnings.append(
            f"sheet {name!r} has no header row with a known contact field in its first "
            f"{_HEADER_SEARCH_ROWS} rows (first row: {', '.join(first[:8])}), skipped"
        )
        return None
    warnings.extend(f"sheet {name!r}: {w}" for w in header_warnings)
    body = cells.slice(position + 1).rename(dict(zip(cells.columns, headers, strict=True)))
    rows = grid["__row"].slice(position + 1).cast(pl.Int64).alias("source_row")
    if body.height == 0:
        warnings.append(f"sheet {name!r} has a header row but no data rows")
    return ParsedSheet(sheet=name, frame=body, source_rows=rows)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
