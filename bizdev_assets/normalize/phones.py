"""Phone numbers to E.164 with `phonenumbers`, plus a vectorised fast path.

Policy: a number is kept when phonenumbers says it is *possible* (right length for its
country). `is_valid_number` (inside an assigned range) is preferred; a possible but
not valid number is kept with a note, because real directories and test data hold
plenty of numbers the metadata does not know yet. `*_valid` is true for kept numbers,
false for rejected ones, null when the field was empty.

The default region is the row's country (ISO2). Without it only international
numbers ("+49 ...", "0049 ...") parse. A leading "00" is read as "+" for every region.

Fast path: phonenumbers costs ~20 µs a value, too slow for a million distinct numbers.
Its validity test is a pair of regular expressions from its own metadata (length and
pattern, per number type), which polars can run in bulk. The fast path accepts a number
only when it is *valid* for the main region of its calling code, after the same
national-prefix handling phonenumbers applies, so it never disagrees with phonenumbers
on a number it accepts (tests compare them); everything else goes through phonenumbers.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberFormat
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from bizdev_assets.normalize.text import map_unique, quote, quote_expr

_TYPE_DESCS = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)

# Characters a formatted number may carry besides digits and a leading "+".
_FAST_SHAPE = r"^\+?[0-9(][0-9 ()./\-]*$"
_NO_COUNTRY = "has no country code and the row has no country"
_CALLING_CODES = sorted(str(cc) for cc in COUNTRY_CODE_TO_REGION_CODE)


def _desc_condition(candidate: pl.Expr, desc) -> pl.Expr | None:
    if desc is None or desc.national_number_pattern is None:
        return None
    lengths = [n for n in desc.possible_length if n > 0]
    if desc.possible_length and not lengths:
        return None
    cond = candidate.str.contains(f"^(?:{desc.national_number_pattern})$")
    if lengths:
        cond = cond & candidate.str.len_chars().is_in(lengths)
    return cond


@cache
def _fast_region_rules(region: str) -> tuple[str, tuple[str, ...], str | None] | None:
    """(calling code, national prefixes, IDD regex) when `region` qualifies for the
    fast path, else None.

    It qualifies when it is the main region of its calling code without leading-digit
    rules (so phonenumbers attributes a valid number to it) and its national prefix
    for parsing is a plain digit string without a transform rule.
    """
    meta = PhoneMetadata.metadata_for_region(region, None)
    if meta is None or meta.leading_digits is not None:
        return None
    if COUNTRY_CODE_TO_REGION_CODE.get(meta.country_code, ("",))[0] != region:
        return None
    if meta.national_prefix_transform_rule:
        return None
    prefix = meta.national_prefix_for_parsing or meta.national_prefix
    if prefix is not None and not re.fullmatch(r"\d+(\|\d+)*", prefix):
        return None
    prefixes = tuple(prefix.split("|")) if prefix else ()
    return str(meta.country_code), prefixes, meta.international_prefix


def _valid_for_region(candidate: pl.Expr, region: str) -> pl.Expr:
    meta = PhoneMetadata.metadata_for_region(region)
    general = _desc_condition(candidate, meta.general_desc)
    types = [
        c
        for c in (_desc_condition(candidate, getattr(meta, t)) for t in _TYPE_DESCS)
        if c is not None
    ]
    if general is None or not types:
        return pl.lit(False)
    return general & pl.any_horizontal(types)


def _fast_path(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns `fast_e164` for rows the fast path accepts (null elsewhere).

    `frame` has `value` (cleaned text) and `region` (ISO2 or null).
    """
    value = pl.col("value")
    shaped = value.str.contains(_FAST_SHAPE)
    digits = value.str.replace_all(r"\D", "")
    intl = value.str.starts_with("+") | (value.str.starts_with("00") & shaped)
    intl_digits = pl.when(value.str.starts_with("+")).then(digits).otherwise(digits.str.slice(2))
    calling_code = pl.coalesce(
        pl.when(intl_digits.str.slice(0, n).is_in(_CALLING_CODES)).then(intl_digits.str.slice(0, n))
        for n in (1, 2, 3)
    )
    staged = frame.with_row_index("_pos").with_columns(
        _shaped=shaped,
        _intl=intl,
        _cc=pl.when(intl).then(calling_code),
        _digits=pl.when(intl).then(intl_digits).otherwise(digits),
    )
    staged = staged.with_columns(
        _fast_region=pl.when(pl.col("_intl"))
        .then(
            pl.col("_cc").replace_strict(
                {str(cc): regions[0] for cc, regions in COUNTRY_CODE_TO_REGION_CODE.items()},
                default=None,
                return_dtype=pl.String,
            )
        )
        .otherwise(pl.col("region")),
    )
    parts = []
    eligible = staged.filter(pl.col("_shaped") & pl.col("_fast_region").is_not_null())
    for (region,), part in eligible.partition_by("_fast_region", as_dict=True).items():
        rules = _fast_region_rules(region)
        if rules is None:
            continue
        cc, prefixes, idd = rules
        rest = (
            pl.when(pl.col("_intl"))
            .then(pl.col("_digits").str.slice(len(cc)))
            .otherwise(pl.col("_digits"))
        )
        candidate = rest
        for prefix in reversed(prefixes):
            candidate = (
                pl.when(rest.str.starts_with(prefix))
                .then(rest.str.slice(len(prefix)))
                .otherwise(candidate)
            )
        keep = _valid_for_region(pl.col("_candidate"), region)
        if idd:
            # a national-looking number starting with the IDD is an international one
            keep = keep & (pl.col("_intl") | ~pl.col("_digits").str.contains(f"^(?:{idd})"))
        part = part.with_columns(_candidate=candidate).filter(keep)
        parts.append(part.select("_pos", fast_e164=pl.lit("+" + cc) + pl.col("_candidate")))
    if not parts:
        return pl.DataFrame({"fast_e164": pl.Series([None] * frame.height, dtype=pl.String)})
    accepted = pl.concat(parts)
    return (
        staged.select("_pos")
        .join(accepted, on="_pos", how="left", maintain_order="left")
        .select("fast_e164")
    )


def _parse_slow(key: str) -> tuple[str | None, bool, str | None]:
    region, _, value = key.partition("|")
    region = region or None
    text = "+" + value[2:] if value.startswith("00") else value
    label = quote(value)
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as err:
        if err.error_type == NumberParseException.INVALID_COUNTRY_CODE and region is None:
            return None, False, f"{label} {_NO_COUNTRY}"
        return None, False, f"{label} is not a phone number ({err._msg})"
    if not phonenumbers.is_possible_number(number):
        return None, False, f"{label} is not a possible number"
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    notes = []
    if not phonenumbers.is_valid_number(number):
        notes.append(f"{label} is possible but not in a known number range; kept as {e164}")
    if number.extension:
        notes.append(f"extension {number.extension} dropped")
    return e164, True, "; ".join(notes) or None


def phone_columns(values: pl.Series, regions: pl.Series, field: str = "phone") -> pl.DataFrame:
    """Cleaned phone strings + ISO2 default regions -> `<field>`, `<field>_valid`,
    `<field>_note` (note text starts with "<field>: ")."""
    frame = pl.DataFrame(
        {"value": values.cast(pl.String), "region": regions.cast(pl.String)}
    ).with_columns(pl.col("value").str.strip_chars())
    frame = frame.with_columns(
        value=pl.when(pl.col("value").str.len_chars() > 0).then(pl.col("value"))
    )
    fast = _fast_path(frame)
    # Without a country, a number with neither "+" nor "00" cannot be placed; phonenumbers
    # would say so too, more slowly.
    no_country = (
        pl.col("region").is_null()
        & pl.col("value").str.contains(_FAST_SHAPE)
        & ~pl.col("value").str.contains(r"^(?:\+|00)")
    )
    frame = frame.hstack(fast).with_columns(_no_country=no_country.fill_null(False))
    slow_key = pl.when(
        pl.col("fast_e164").is_null() & pl.col("value").is_not_null() & ~pl.col("_no_country")
    ).then(pl.col("region").fill_null("") + pl.lit("|") + pl.col("value"))
    slow = map_unique(
        frame.select(slow_key).to_series(),
        _parse_slow,
        {"e164": pl.String(), "ok": pl.Boolean(), "note": pl.String()},
    )
    frame = frame.hstack(slow)
    return frame.select(
        pl.coalesce("fast_e164", "e164").alias(field),
        pl.when(pl.col("value").is_null())
        .then(None)
        .otherwise(pl.col("fast_e164").is_not_null() | pl.col("ok").fill_null(False))
        .alias(f"{field}_valid"),
        (
            pl.lit(f"{field}: ")
            + pl.when(pl.col("_no_country"))
            .then(quote_expr(pl.col("value")) + pl.lit(f" {_NO_COUNTRY}"))
            .otherwise(pl.col("note"))
        ).alias(f"{field}_note"),
    )


def normalize_phone(value: str | None, region: str | None = None) -> tuple[str | None, bool | None]:
    """One number through `phone_columns`: (E.164 or None, valid flag or None)."""
    out = phone_columns(pl.Series([value], dtype=pl.String), pl.Series([region], dtype=pl.String))
    row = out.row(0)
    return row[0], row[1]


def normalize_phone_slow(value: str, region: str | None = None) -> tuple[str | None, bool]:
    """phonenumbers only, bypassing the fast path (the reference the fast path must match)."""
    e164, ok, _ = _parse_slow(f"{region or ''}|{value}")
    return e164, ok
