"""polars frames <-> PostgreSQL COPY in CSV format, vectorized both ways.

CSV keeps what matters apart: NULL is an unquoted empty field and '' a quoted one (polars
writes and reads them that way, and so does COPY). Lists travel as array literals on the
way in and as JSON (`to_json`) on the way out; booleans come back as t/f, timestamps in
ISO form (the session sets `DateStyle=ISO` and `TimeZone=UTC`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import polars as pl

CHUNK_ROWS = 50_000

_SCALAR_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "text",
    pl.Categorical: "text",
    pl.Enum: "text",
    pl.Null: "text",
    pl.Boolean: "boolean",
    pl.Int8: "smallint",
    pl.Int16: "smallint",
    pl.Int32: "integer",
    pl.Int64: "bigint",
    pl.UInt8: "smallint",
    pl.UInt16: "integer",
    pl.UInt32: "bigint",
    pl.UInt64: "numeric(20, 0)",
    pl.Float32: "real",
    pl.Float64: "double precision",
    pl.Date: "date",
    pl.Time: "time",
}


def pg_column_type(column: str, dtype: pl.DataType) -> str:
    """The PostgreSQL type for a polars column type."""
    if isinstance(dtype, pl.Datetime):
        return "timestamptz" if dtype.time_zone else "timestamp"
    if isinstance(dtype, pl.Decimal):
        return f"numeric({dtype.precision}, {dtype.scale})" if dtype.precision else "numeric"
    if isinstance(dtype, pl.List | pl.Array):
        return pg_column_type(column, dtype.inner) + "[]"
    for polars_type, sql_type in _SCALAR_TYPES.items():
        if isinstance(dtype, polars_type):
            return sql_type
    raise TypeError(
        f"column {column!r} has type {dtype}, which the PostgreSQL warehouse does not store; "
        "cast it (e.g. a struct to a JSON string) before writing"
    )


def _array_literal(expr: pl.Expr) -> pl.Expr:
    """A list column as a PostgreSQL array literal: {"a","b \\"q\\"",NULL}; {} when empty."""
    element = pl.element().cast(pl.String).str.replace_all("\x00", "", literal=True)
    quoted = (
        pl.lit('"')
        + element.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
            '"', '\\"', literal=True
        )
        + pl.lit('"')
    )
    items = expr.list.eval(pl.when(element.is_null()).then(pl.lit("NULL")).otherwise(quoted))
    return pl.lit("{") + items.list.join(",") + pl.lit("}")


def _for_csv(frame: pl.DataFrame) -> pl.DataFrame:
    conversions = []
    for column, dtype in frame.schema.items():
        if isinstance(dtype, pl.Array):
            conversions.append(_array_literal(pl.col(column).arr.to_list()).alias(column))
        elif isinstance(dtype, pl.List):
            conversions.append(_array_literal(pl.col(column)).alias(column))
        elif isinstance(dtype, pl.String | pl.Categorical | pl.Enum):
            # PostgreSQL text cannot hold NUL characters.
            conversions.append(
                pl.col(column).cast(pl.String).str.replace_all("\x00", "", literal=True)
            )
    return frame.with_columns(conversions) if conversions else frame


def encode_csv_chunks(frame: pl.DataFrame, rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The frame as CSV bytes (no header) for `COPY ... FROM STDIN (FORMAT csv)`, in chunks."""
    for part in frame.iter_slices(rows):
        buffer = io.BytesIO()
        _for_csv(part).write_csv(buffer, include_header=False, quote_style="necessary")
        yield buffer.getvalue()


@dataclass(frozen=True)
class ResultColumn:
    name: str
    oid: int
    precision: int | None
    scale: int | None


# type oid -> polars type of the column read back
_TEXT_OIDS = {25, 1043, 1042, 19, 2950, 114, 3802, 18}
_OID_TYPES: dict[int, pl.DataType] = {
    16: pl.Boolean(),
    20: pl.Int64(),
    23: pl.Int32(),
    21: pl.Int16(),
    26: pl.Int64(),
    700: pl.Float32(),
    701: pl.Float64(),
    1082: pl.Date(),
    1083: pl.Time(),
    1114: pl.Datetime("us"),
    1184: pl.Datetime("us", "UTC"),
}
_ARRAY_TYPES: dict[int, pl.DataType] = {
    1009: pl.List(pl.String()),  # text[]
    1015: pl.List(pl.String()),  # varchar[]
    1014: pl.List(pl.String()),  # bpchar[]
    2951: pl.List(pl.String()),  # uuid[]
    1016: pl.List(pl.Int64()),  # int8[]
    1007: pl.List(pl.Int32()),  # int4[]
    1022: pl.List(pl.Float64()),  # float8[]
    1000: pl.List(pl.Boolean()),  # bool[]
}
_NUMERIC = 1700


def result_columns(description: Sequence) -> list[ResultColumn]:
    return [ResultColumn(d.name, d.type_code, d.precision, d.scale) for d in description]


def _name(column: ResultColumn) -> str:
    return '"' + column.name.replace('"', '""') + '"'


def select_list_for_copy(columns: Sequence[ResultColumn]) -> str:
    """The outer select of COPY (query) TO: arrays as JSON, and a last constant column so a
    one-column row of NULL is never an empty line."""
    items = [
        f"to_json(_q.{_name(c)})" if c.oid in _ARRAY_TYPES else f"_q.{_name(c)}" for c in columns
    ]
    return ", ".join([*items, "1"])


def polars_type(column: ResultColumn) -> pl.DataType:
    if column.oid in _ARRAY_TYPES:
        return _ARRAY_TYPES[column.oid]
    if column.oid == _NUMERIC:
        if column.precision:
            return pl.Decimal(column.precision, column.scale or 0)
        return pl.Float64()
    return _OID_TYPES.get(column.oid, pl.String())


def _convert(name: str, dtype: pl.DataType) -> pl.Expr:
    text = pl.col(name)
    if isinstance(dtype, pl.String):
        return text
    if isinstance(dtype, pl.Boolean):
        return text.replace_strict({"t": True, "f": False}, return_dtype=pl.Boolean)
    if isinstance(dtype, pl.Datetime):
        zone = "%#z" if dtype.time_zone else ""
        return text.str.to_datetime(
            f"%Y-%m-%d %H:%M:%S%.f{zone}", time_unit="us", time_zone=dtype.time_zone
        )
    if isinstance(dtype, pl.Date):
        return text.str.to_date("%Y-%m-%d")
    if isinstance(dtype, pl.List):
        return text.str.json_decode(dtype)
    return text.cast(dtype)


def decode_columns(path: str, columns: Sequence[ResultColumn]) -> pl.DataFrame:
    """The CSV COPY wrote to `path`, typed by the result's column types."""
    names = [c.name for c in columns]
    types = {c.name: polars_type(c) for c in columns}
    text_schema = {**dict.fromkeys(names, pl.String()), "_end": pl.Int32()}
    try:
        raw = pl.read_csv(path, has_header=False, schema=text_schema, infer_schema=False)
    except pl.exceptions.NoDataError:
        return pl.DataFrame(schema=types)
    return raw.select(_convert(name, types[name]).alias(name) for name in names)
