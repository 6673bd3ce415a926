"""GDPR consent flags (ADR-013) and the date/time formats sources write.

Consent is true only when the source says so in words we recognise; anything else,
including an empty cell, is false (the ADR's default). Unrecognised text gets a note.

Datetimes come out naive in UTC: "...Z" and "+02:00" offsets are converted, values
without an offset are taken as written. Slash dates are day-first ("14/03/2025")
except for US rows, which are month-first; when only one reading is a real date
("03/14/2025") that one is used.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.normalize.text import quote_expr

CONSENT_YES: tuple[str, ...] = (
    "yes", "y", "true", "t", "1", "x", "ja", "j", "oui", "o", "si", "sí", "opt-in", "opt in",
    "optin", "opted in", "opted-in", "granted", "given", "consented", "accepted", "agreed",
    "subscribed", "einverstanden", "zugestimmt", "d'accord", "acepto",
)  # fmt: skip
CONSENT_NO: tuple[str, ...] = (
    "no", "n", "false", "f", "0", "nein", "non", "opt-out", "opt out", "optout", "opted out",
    "opted-out", "denied", "refused", "declined", "withdrawn", "revoked", "unsubscribed",
    "none", "-", "n/a", "na",
)  # fmt: skip

_DATETIME_US = pl.Datetime("us")


def consent_columns(consent: pl.Series) -> pl.DataFrame:
    """Cleaned consent strings -> `gdpr_consent` (never null) and `consent_note`."""
    text = pl.col("v").str.to_lowercase().str.strip_chars(" .!")
    frame = pl.DataFrame({"v": consent.cast(pl.String)})
    return frame.select(
        gdpr_consent=text.is_in(CONSENT_YES).fill_null(False),
        consent_note=pl.when(
            pl.col("v").is_not_null() & ~text.is_in(CONSENT_YES) & ~text.is_in(CONSENT_NO)
        ).then(
            pl.lit("gdpr_consent: ")
            + quote_expr(pl.col("v"))
            + pl.lit(" not understood; treated as no consent")
        ),
    )


def _parse(text: pl.Expr, fmt: str) -> pl.Expr:
    return text.str.to_datetime(fmt, strict=False, time_unit="us", exact=True)


def _with_offset(text: pl.Expr, fmt: str) -> pl.Expr:
    return text.str.to_datetime(
        fmt, strict=False, time_unit="us", exact=True, time_zone="UTC"
    ).dt.replace_time_zone(None)


def _iso(text: pl.Expr) -> pl.Expr:
    iso = text.str.replace(" ", "T", literal=True).str.replace(r"Z$", "+00:00")
    return pl.coalesce(
        _with_offset(iso, "%Y-%m-%dT%H:%M:%S%.f%#z"),
        _with_offset(iso, "%Y-%m-%dT%H:%M%#z"),
        _parse(iso, "%Y-%m-%dT%H:%M:%S%.f"),
        _parse(iso, "%Y-%m-%dT%H:%M"),
        _parse(iso, "%Y-%m-%d").cast(_DATETIME_US),
    )


def _epoch(text: pl.Expr) -> pl.Expr:
    number = text.cast(pl.Int64, strict=False)
    return (
        pl.when(text.str.len_chars() >= 12)
        .then(pl.from_epoch(number, time_unit="ms"))
        .otherwise(pl.from_epoch(number, time_unit="s"))
    )


def _dotted(text: pl.Expr) -> pl.Expr:
    padded = text.str.replace(r"^(\d{1,2}\.\d{1,2}\.\d{4})$", "$1 00:00:00").str.replace(
        r"^(\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2})$", "$1:00"
    )
    return _parse(padded, "%d.%m.%Y %H:%M:%S")


def _slashed(text: pl.Expr, month_first: pl.Expr) -> pl.Expr:
    date = text.str.extract(r"^(\d{1,2}/\d{1,2}/\d{4})", 1)
    time = text.str.extract(r"^\d{1,2}/\d{1,2}/\d{4}[ T](\d{1,2}:\d{2}(?::\d{2})?)$", 1)
    full = date + pl.lit(" ") + time.fill_null("00:00:00")
    full = pl.when(full.str.count_matches(":") == 1).then(full + pl.lit(":00")).otherwise(full)
    day_first = _parse(full, "%d/%m/%Y %H:%M:%S")
    month_first_parse = _parse(full, "%m/%d/%Y %H:%M:%S")
    return (
        pl.when(month_first)
        .then(pl.coalesce(month_first_parse, day_first))
        .otherwise(pl.coalesce(day_first, month_first_parse))
    )


# Each value is parsed only by the parser its shape calls for: trying every format on
# every row costs several seconds a column on a million rows.
_SHAPES: tuple[tuple[str, str], ...] = (
    ("epoch", r"^\d{9,13}$"),
    ("iso", r"^\d{4}-\d{2}-\d{2}"),
    ("ymd_slash", r"^\d{4}/\d{1,2}/\d{1,2}$"),
    ("dotted", r"^\d{1,2}\.\d{1,2}\.\d{4}"),
    ("slashed", r"^\d{1,2}/\d{1,2}/\d{4}"),
)


def _parse_shape(shape: str, text: pl.Expr, month_first: pl.Expr) -> pl.Expr:
    if shape == "epoch":
        return _epoch(text)
    if shape == "iso":
        return _iso(text)
    if shape == "ymd_slash":
        return _parse(text, "%Y/%m/%d")
    if shape == "dotted":
        return _dotted(text)
    return _slashed(text, month_first)


def parse_datetimes(values: pl.Series, month_first: pl.Series | None = None) -> pl.Series:
    """Parse the date/time formats contact sources use into naive-UTC Datetime("us").

    ISO 8601 with or without time, fraction and offset/Z; "2025/03/14";
    "14.03.2025[ 10:22[:33]]"; slash dates (see the module docstring); epoch seconds
    and epoch milliseconds (HubSpot). Unparseable text -> null.
    """
    if month_first is None:
        month_first = pl.Series([False] * len(values), dtype=pl.Boolean)
    frame = pl.DataFrame({"v": values.cast(pl.String), "mf": month_first.fill_null(False)})
    shape = pl.lit(None, dtype=pl.String)
    for name, pattern in reversed(_SHAPES):
        shape = pl.when(pl.col("v").str.contains(pattern)).then(pl.lit(name)).otherwise(shape)
    frame = frame.with_row_index("_pos").with_columns(_shape=shape)
    parts = [
        part.select(
            "_pos", _parse_shape(name, pl.col("v"), pl.col("mf")).cast(_DATETIME_US).alias("dt")
        )
        for (name,), part in frame.filter(pl.col("_shape").is_not_null())
        .partition_by("_shape", as_dict=True)
        .items()
    ]
    parsed = (
        pl.concat(parts) if parts else pl.DataFrame(schema={"_pos": pl.UInt32, "dt": _DATETIME_US})
    )
    return (
        frame.select("_pos")
        .join(parsed, on="_pos", how="left", maintain_order="left")
        .get_column("dt")
        .cast(_DATETIME_US)
    )


def datetime_columns(
    values: pl.Series, field: str, month_first: pl.Series | None = None
) -> pl.DataFrame:
    """Cleaned date strings -> `<field>` (Datetime) and `<field>_note` for unparseable text."""
    parsed = parse_datetimes(values, month_first).alias(field)
    frame = pl.DataFrame({"v": values.cast(pl.String), field: parsed})
    return frame.select(
        pl.col(field),
        pl.when(pl.col("v").is_not_null() & pl.col(field).is_null())
        .then(pl.lit(f"{field}: ") + quote_expr(pl.col("v")) + pl.lit(" is not a date"))
        .alias(f"{field}_note"),
    )
