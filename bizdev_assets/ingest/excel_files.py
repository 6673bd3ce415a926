"""Excel workbooks (.xlsx): every sheet, every cell read as text.

Cells are read as strings by calamine itself, so a phone number typed as 4155550134
stays "4155550134" (not "4155550134.0") and a zip code keeps its digits.

An .xlsx is a ZIP of XML that is parsed in memory, so the ZIP's directory is checked
before anything is parsed: the total uncompressed size and its ratio to the file's size
(a 5 MB zip bomb declares a gigabyte of sheet XML), and then each member is inflated
once, in bounded pieces, to prove the directory does not understate it.
"""

from __future__ import annotations

import io
import zipfile

import fastexcel
import polars as pl

from bizdev_assets.ingest.parsed import (
    ParsedFile,
    ParsedSheet,
    SheetChunk,
    UnreadableFile,
    positional_names,
    rows_per_chunk,
    unique_headers,
)
from bizdev_assets.ingest.text_files import HeaderScorer
from resources.ingest_limits import IngestLimits
from resources.landing.base import printable

LEGACY_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_HEADER_SEARCH_ROWS = 10  # non-blank rows searched for the header (titles, group headers)
_INFLATE_PIECE = 1024 * 1024


def read_workbook(data: bytes, score_header: HeaderScorer, limits: IngestLimits) -> ParsedFile:
    """Read all sheets; empty or unrecognisable sheets are skipped with a warning."""
    if data.startswith(LEGACY_XLS_MAGIC):
        raise UnreadableFile(
            "is a legacy .xls workbook (or another OLE file), which is not supported; "
            "open it in Excel and save it as .xlsx"
        )
    check_zip(data, limits)
    try:
        workbook = fastexcel.read_excel(bytes(data))
        names = workbook.sheet_names
    except Exception as exc:  # calamine raises several unrelated types
        raise UnreadableFile(
            f"is not a readable .xlsx workbook ({_first_line(exc)}); open it in Excel, "
            "save it again as .xlsx (or export it as CSV) and drop it again"
        ) from exc
    parsed = ParsedFile(source_type="xlsx")
    broken: list[str] = []
    for name in names:
        try:
            loaded = workbook.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
            grid = loaded.to_polars()
        except Exception as exc:
            broken.append(f"sheet {printable(name)!r} could not be read ({_first_line(exc)})")
            continue
        if loaded.visible != "visible":
            parsed.warnings.append(
                f"sheet {printable(name)!r} is hidden in the workbook; its rows were read "
                "(delete the sheet if they should not be)"
            )
        if grid.width > limits.max_columns:
            raise UnreadableFile(
                f"sheet {printable(name)!r} has {grid.width:,} columns; "
                f"{limits.how_to_raise('max_columns')}. Keep only the contact columns."
            )
        sheet = _sheet_from_grid(name, grid, score_header, parsed)
        if sheet is not None:
            parsed.sheets.append(sheet)
    parsed.warnings.extend(broken)
    if not parsed.sheets and broken:
        raise UnreadableFile(
            f"is damaged: {'; '.join(broken)}. Open it in Excel, save it again as .xlsx "
            "(or export the sheet as CSV) and drop it again"
        )
    if not parsed.sheets:
        raise UnreadableFile(
            "has no sheet with a header row of known contact fields "
            f"(sheets: {', '.join(printable(n) for n in names) or 'none'}); put the column "
            "headers in the first row of each sheet, or add them to a header override file"
        )
    return parsed


def check_zip(data: bytes, limits: IngestLimits) -> None:
    """Refuse a workbook whose XML would be too large to parse, from its ZIP directory
    first and then by inflating each member in bounded pieces (memory stays ~1 MB)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableFile(
            f"is not a readable .xlsx workbook (not a valid ZIP archive: {exc}); open it in "
            "Excel, save it again as .xlsx and drop it again"
        ) from exc
    declared = sum(member.file_size for member in members)
    if declared > limits.max_xlsx_uncompressed_bytes:
        raise UnreadableFile(
            f"would unpack to {declared:,} bytes of sheet data; "
            f"{limits.how_to_raise('max_xlsx_uncompressed_bytes')}, or split the workbook"
        )
    ratio = declared / max(len(data), 1)
    if ratio > limits.max_xlsx_ratio:
        raise UnreadableFile(
            f"unpacks {ratio:,.0f} times its size ({declared:,} bytes from {len(data):,}), "
            f"which only a zip bomb does; {limits.how_to_raise('max_xlsx_ratio')}"
        )
    try:
        for member in members:
            with archive.open(member) as stream:
                while stream.read(_INFLATE_PIECE):
                    pass
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"is damaged (its ZIP content does not match its directory: {exc}); open it in "
            "Excel, save it again as .xlsx and drop it again"
        ) from exc


def _sheet_from_grid(
    name: str, grid: pl.DataFrame, score_header: HeaderScorer, parsed: ParsedFile
) -> ParsedSheet | None:
    """Turn a raw cell grid (row 0 = sheet row 1) into a sheet under its header row.

    The header is the non-blank row among the first few that names the most known
    fields, so a title line, or the upper row of a two-level (merged) header, above it
    is passed over; wholly blank rows are dropped.
    """
    shown = printable(name)
    grid = grid.rename(dict(zip(grid.columns, positional_names(grid.width), strict=True)))
    cells = pl.all().exclude("__row")
    filled = pl.any_horizontal(cells.is_not_null() & (cells.str.strip_chars() != ""))
    total = grid.height
    grid = grid.with_row_index("__row", offset=1).filter(filled) if grid.width else grid
    parsed.blank_lines += total - grid.height
    if grid.height == 0:
        parsed.warnings.append(f"sheet {shown!r} is empty, skipped")
        return None
    body = grid.drop("__row")
    best, best_score, best_headers, header_warnings = -1, 0, [], []
    for position in range(min(body.height, _HEADER_SEARCH_ROWS)):
        headers, warnings = unique_headers(list(body.row(position)))
        score = score_header(headers)
        if score > best_score:
            best, best_score, best_headers, header_warnings = position, score, headers, warnings
    if best < 0:
        first = unique_headers(list(body.row(0)))[0]
        parsed.warnings.append(
            f"sheet {shown!r} has no header row with a known contact field in its first "
            f"{_HEADER_SEARCH_ROWS} rows (first row: {printable(', '.join(first[:8]), 200)}), "
            "skipped"
        )
        return None
    if best > 0:
        parsed.warnings.append(
            f"sheet {shown!r}: the header is row {grid['__row'][best]} (it names the most "
            f"contact fields); the {best} row(s) above it were passed over"
        )
    parsed.warnings.extend(f"sheet {shown!r}: {w}" for w in header_warnings)
    rows = grid["__row"].slice(best + 1).cast(pl.Int64).alias("source_row")
    frame = body.slice(best + 1)
    if frame.height == 0:
        parsed.warnings.append(f"sheet {shown!r} has a header row but no data rows")
    step = rows_per_chunk(frame.width)
    chunks = [
        SheetChunk(best_headers, frame.slice(start, step), rows.slice(start, step))
        for start in range(0, max(frame.height, 1), step)
    ]
    return ParsedSheet(sheet=name, chunks=chunks)


def _first_line(exc: Exception) -> str:
    return printable((str(exc).strip().splitlines() or [type(exc).__name__])[0], 300)
