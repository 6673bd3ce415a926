"""One chunk of a sheet -> rows in the raw canonical shape (`canonical.RAW_COLUMNS`).

Columns are addressed by position and headers matched as text (`parsed.py`), so no
header can act as a column expression. A row with a cell longer than `max_field_chars`
is rejected on its own (named by column, with the limit), never loaded or stored whole.
Unmapped columns go into the `attributes` JSON; a value there that a spreadsheet would
run as a formula is stored with a leading `'` (OWASP's escape), as analysts export it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from bizdev_assets.ingest.canonical import CANONICAL_FIELDS, RAW_COLUMNS
from bizdev_assets.ingest.headers import RECORD_ID, ColumnPlan
from bizdev_assets.ingest.parsed import RejectedLine, SheetChunk, positional_names
from bizdev_assets.normalize.text import formula_like
from resources.ingest_limits import IngestLimits
from resources.landing.base import printable

RAW_SCHEMA: dict[str, pl.DataType] = {
    name: pl.Int64() if name == "source_row" else pl.String() for name in RAW_COLUMNS
}
_SHOWN_CELL = 200  # characters of each cell kept in an over-long row's raw content


@dataclass(frozen=True)
class Provenance:
    file_hash: str
    source_file: str
    source_type: str
    source_sheet: str | None


@dataclass
class RawChunk:
    rows: pl.DataFrame  # RAW_SCHEMA
    rejected: list[RejectedLine]
    blank: int  # records with no value at all, dropped


def to_raw(
    chunk: SheetChunk, plan: ColumnPlan, origin: Provenance, limits: IngestLimits
) -> RawChunk:
    """Select and rename a chunk's columns into RAW_COLUMNS; "" becomes null."""
    frame, rows = chunk.frame, chunk.source_rows
    if frame.height == 0 or frame.width == 0:
        return RawChunk(pl.DataFrame(schema=RAW_SCHEMA), [], 0)
    names = positional_names(frame.width)
    rejected, keep = _over_long(chunk, names, origin.source_sheet, limits)
    if rejected:
        frame, rows = frame.filter(keep), rows.filter(keep)
    by_target = {
        target: names[i] for i, h in enumerate(chunk.headers) if (target := plan.mapping.get(h))
    }

    def cell(target: str) -> pl.Expr:
        name = by_target.get(target)
        if name is None:
            return pl.lit(None, dtype=pl.String)
        return pl.when(pl.col(name) != "").then(pl.col(name))

    unmapped = [
        (header, names[i])
        for i, header in enumerate(chunk.headers)
        if header not in plan.mapping and header not in plan.ignored
    ]
    columns = {
        "file_hash": pl.lit(origin.file_hash, dtype=pl.String),
        "source_file": pl.lit(origin.source_file, dtype=pl.String),
        "source_type": pl.lit(origin.source_type, dtype=pl.String),
        "source_sheet": pl.lit(origin.source_sheet, dtype=pl.String),
        "source_row": pl.lit(rows),
        "source_record_id": cell(RECORD_ID),
        "attributes": pl.lit(_attributes(frame, unmapped)),
        **{name: cell(name) for name in CANONICAL_FIELDS},
    }
    raw = frame.select(**{name: columns[name] for name in RAW_COLUMNS})
    values = ["source_record_id", "attributes", *CANONICAL_FIELDS]
    kept = raw.filter(pl.any_horizontal(pl.col(values).is_not_null())).cast(RAW_SCHEMA)
    return RawChunk(kept, rejected, raw.height - kept.height)


def _over_long(
    chunk: SheetChunk, names: list[str], sheet: str | None, limits: IngestLimits
) -> tuple[list[RejectedLine], pl.Series]:
    """Rows holding a cell over the field limit, as rejected lines, and the mask to keep."""
    limit = limits.max_field_chars
    # Bytes first (cheap, and never fewer than characters); characters only where needed.
    suspect = chunk.frame.select(pl.any_horizontal(pl.all().str.len_bytes() > limit)).to_series()
    if not suspect.any():
        return [], pl.Series([True] * chunk.frame.height)
    lengths = chunk.frame.filter(suspect).select(pl.all().str.len_chars().fill_null(0))
    numbers = chunk.source_rows.filter(suspect)
    cells = chunk.frame.filter(suspect)
    rejected: list[RejectedLine] = []
    too_long_rows: set[int] = set()
    for index, row in enumerate(lengths.iter_rows()):
        longest = max(range(len(row)), key=row.__getitem__)
        if row[longest] <= limit:
            continue
        number = numbers[index]
        too_long_rows.add(number)
        header = printable(chunk.headers[longest], 80)
        reason = (
            f"column {header!r} holds {row[longest]:,} characters; "
            f"{limits.how_to_raise('max_field_chars')}, or shorten the value"
        )
        shown = ", ".join((v or "")[:_SHOWN_CELL] for v in cells.row(index))
        rejected.append(RejectedLine(sheet, number, reason, shown))
    keep = ~chunk.source_rows.is_in(list(too_long_rows))
    return rejected, keep


def _attributes(frame: pl.DataFrame, unmapped: list[tuple[str, str]]) -> pl.Series:
    """`{"header": "value", ...}` of each row's non-empty unmapped cells, else null.

    Built in polars rather than per-row json.dumps (a million rows would take seconds)
    but produces the same text as json.dumps(..., ensure_ascii=False). The cells are
    unpivoted and the empty ones dropped first, so a wide, sparse export costs what its
    filled cells cost.
    """
    if not unmapped:
        return pl.Series("attributes", [None] * frame.height, dtype=pl.String)
    keys = {name: json.dumps(header, ensure_ascii=False) + ": " for header, name in unmapped}
    cells = (
        frame.select(list(keys))
        .with_row_index("__row")
        .unpivot(index="__row", variable_name="__column", value_name="__value")
        .filter(pl.col("__value").is_not_null() & (pl.col("__value") != ""))
    )
    value = pl.col("__value")
    escaped = pl.when(formula_like(value)).then(pl.lit("'") + value).otherwise(value)
    encoded = pl.struct(escaped.alias("")).struct.json_encode()
    pairs = cells.select(
        "__row",
        pair=pl.col("__column").replace_strict(keys, return_dtype=pl.String)
        + encoded.str.strip_prefix('{"":').str.strip_suffix("}"),
    )
    joined = pairs.group_by("__row", maintain_order=True).agg(pl.col("pair").str.join(", "))
    rows = pl.DataFrame({"__row": pl.arange(0, frame.height, eager=True, dtype=pl.UInt32)})
    return (
        rows.join(joined, on="__row", how="left", maintain_order="left")
        .select(pl.lit("{") + pl.col("pair") + pl.lit("}"))
        .to_series()
        .alias("attributes")
    )
