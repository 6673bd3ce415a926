"""`field_provenance` of a golden contact: a JSON object naming, for each field that has a
value, the record it was taken from, e.g. `{"email":"3f2a...","first_name":"3f2a..."}`.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.golden.columns import GOLDEN_COLUMNS


def provenance_json(golden: pl.DataFrame, sources: dict[str, str]) -> pl.Series:
    """JSON object field -> record_id, for the fields that have a value, in GOLDEN_COLUMNS
    order. `sources` maps each field to the column of the record_id it was taken from.

    Built as one string per contact from up to 36 pieces, this was the slowest part of
    survivorship. Most contacts take every field from one record (all singletons do), so
    their JSON is a template, fixed by which fields have a value, with that one record_id
    filled in; only the others are put together piece by piece.
    """
    fields = [f for f in GOLDEN_COLUMNS if f in sources]
    ids = sorted(set(sources.values()))
    one_id = pl.coalesce(ids)
    from_one = pl.all_horizontal(pl.col(c).is_null() | (pl.col(c) == one_id) for c in ids)
    filled = pl.sum_horizontal(
        pl.col(f).is_not_null().cast(pl.Int64) * (1 << bit) for bit, f in enumerate(fields)
    )
    shapes = golden.select(
        from_one.fill_null(True).alias("from_one"),
        filled.alias("filled"),
        _json_quoted(one_id).fill_null("").alias("one_id"),  # null: no field has a value
    )
    masks = shapes.filter("from_one")["filled"].unique()
    templates = [
        "{" + ",".join(f'"{f}":"\x00"' for bit, f in enumerate(fields) if mask >> bit & 1) + "}"
        for mask in masks.to_list()
    ]
    # The others get "" here and their pieced JSON below.
    templated = shapes.select(
        pl.col("filled")
        .replace_strict(masks, pl.Series(templates, dtype=pl.String), default="")
        .str.replace_all("\x00", pl.col("one_id"), literal=True)
    ).to_series()
    mixed = shapes["from_one"].not_()
    if not mixed.any():
        return templated
    pieces = [
        pl.when(pl.col(f).is_not_null()).then(
            pl.concat_str(pl.lit(f'"{f}":"'), _json_quoted(pl.col(sources[f])), pl.lit('"'))
        )
        for f in fields
    ]
    joined = pl.concat_str(
        [pl.lit("{"), pl.concat_str(pieces, separator=",", ignore_nulls=True), pl.lit("}")]
    )
    pieced = golden.filter(mixed).select(joined.alias("p")).to_series()
    return templated.scatter(mixed.arg_true(), pieced)


def _json_quoted(text: pl.Expr) -> pl.Expr:
    escaped = text.str.replace_all("\\", "\\\\", literal=True)
    return escaped.str.replace_all('"', '\\"', literal=True)
